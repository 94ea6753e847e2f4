/*
 * Tests of FeatmaskProfileLoader: profiles from files and from memory,
 * read one by one and resolved together
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <glib/gstdio.h>
#include "tools/featmask/profile.h"

static const char nic_a[] =
    "{ \"featmask-profile\": 1, \"host\": \"a\",\n"
    "  \"devices\": [ { \"id\": \"nic0\", \"type\": \"e1000e\",\n"
    "                 \"features\": [\"tso\", \"rss\"] } ] }";
static const char nic_b[] =
    "{ \"featmask-profile\": 1, \"host\": \"b\",\n"
    "  \"devices\": [ { \"id\": \"nic0\", \"type\": \"e1000e\",\n"
    "                 \"features\": [\"msix\"] } ] }";

/* Texts and a file share the dynamic map of a type without one. */
static void test_mixed_sources(void)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(FeatmaskProfileLoader) l = featmask_profile_loader_new(maps);
    g_autoptr(GPtrArray) profiles = NULL;
    g_autofree char *dir = g_dir_make_tmp("featmask-loader-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "c.json", NULL);
    const FeatmaskMap *map;
    guint i;

    g_assert_true(g_file_set_contents(file,
        "{ \"featmask-profile\": 1, \"host\": \"c\", \"devices\": [ { \"id\":"
        " \"nic0\", \"type\": \"e1000e\", \"features\": [\"vlan\"] } ] }",
        -1, NULL));
    featmask_profile_loader_add_text(l, "<stdin>", nic_a, strlen(nic_a), 1,
                                     &error_abort);
    featmask_profile_loader_add_file(l, file, &error_abort);
    featmask_profile_loader_add_text(l, "<stdin>", nic_b, strlen(nic_b), 4,
                                     &error_abort);
    profiles = featmask_profile_loader_finish(l, &error_abort);
    g_assert_cmpuint(profiles->len, ==, 3);
    g_assert_cmpstr(((FeatmaskProfile *)profiles->pdata[0])->host, ==, "a");
    g_assert_cmpstr(((FeatmaskProfile *)profiles->pdata[1])->host, ==, "c");
    g_assert_cmpstr(((FeatmaskProfile *)profiles->pdata[2])->host, ==, "b");
    map = featmask_maps_get(maps, "e1000e");
    g_assert_nonnull(map);
    g_assert_cmpuint(featmask_map_size(map), ==, 4);
    for (i = 0; i < profiles->len; i++) {
        FeatmaskProfileDevice *d = featmask_profile_find_device(
            profiles->pdata[i], "nic0");

        g_assert_true(featmask_set_map(d->features) == map);
    }
    g_unlink(file);
    g_rmdir(dir);
}

/* A document that starts on line 4 of a stream reports that line. */
static void test_line_offset(void)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(FeatmaskProfileLoader) l = featmask_profile_loader_new(maps);
    static const char bad[] =
        "{ \"featmask-profile\": 1,\n  \"host\": 7 }";
    Error *err = NULL;

    g_assert_false(featmask_profile_loader_add_text(l, "<stdin>", bad,
                                                    strlen(bad), 4, &err));
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(error_get_pretty(err), "<stdin>:5:11: "));
    error_free(err);
}

/* A version we do not read is said first, at the stream's line. */
static void test_version_line(void)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(FeatmaskProfileLoader) l = featmask_profile_loader_new(maps);
    static const char v2[] = "{ \"host\": \"a\",\n  \"featmask-profile\": 2 }";
    Error *err = NULL;

    g_assert_false(featmask_profile_loader_add_text(l, "<stdin>", v2,
                                                    strlen(v2), 10, &err));
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(error_get_pretty(err), "<stdin>:11:"));
    g_assert_nonnull(strstr(error_get_pretty(err), "version 2"));
    error_free(err);
}

/* A text is one document: what follows it is an error. */
static void test_one_document(void)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(FeatmaskProfileLoader) l = featmask_profile_loader_new(maps);
    g_autofree char *two = g_strconcat(nic_a, "\n", nic_b, NULL);
    Error *err = NULL;

    g_assert_false(featmask_profile_loader_add_text(l, "<stdin>", two,
                                                    strlen(two), 1, &err));
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(error_get_pretty(err), "<stdin>:4:1: "));
    error_free(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/featmask/loader/mixed-sources", test_mixed_sources);
    g_test_add_func("/featmask/loader/line-offset", test_line_offset);
    g_test_add_func("/featmask/loader/version-line", test_version_line);
    g_test_add_func("/featmask/loader/one-document", test_one_document);
    return g_test_run();
}
