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
#include <sys/wait.h>
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

/*
 * 'featmask baseline -' stops reading standard input once it is known to
 * be no profile: the writer of "x" and then 32 MiB of zeros finds the
 * pipe closed long before its end (the whole input was read into memory
 * before).  No timing: the pipe closes when featmask exits.
 */
static void test_stdin_garbage_stops(void)
{
    const char *cli = g_getenv("FEATMASK_CLI");
    const char *argv[] = { cli, "baseline", "-", NULL };
    static char zeros[1 << 16];
    const size_t limit = 32 << 20;
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GString) err = g_string_new(NULL);
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    size_t written = 0;
    char buf[256];
    int in, errfd, status;
    ssize_t n;
    GPid pid;

    g_assert_nonnull(cli);
    g_assert_true(g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                      G_SPAWN_DO_NOT_REAP_CHILD |
                      G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, &pid, &in,
                      NULL, &errfd, &gerr));
    g_assert_no_error(gerr);
    g_assert_cmpint(write(in, "x\n", 2), ==, 2);
    while (written < limit) {
        n = write(in, zeros, sizeof(zeros));
        if (n < 0) {
            g_assert_cmpint(errno, ==, EPIPE);
            break;
        }
        written += n;
    }
    close(in);
    while ((n = read(errfd, buf, sizeof(buf))) > 0) {
        g_string_append_len(err, buf, n);
    }
    close(errfd);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_spawn_close_pid(pid);
    signal(SIGPIPE, old);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 2);
    g_assert_cmpstr(err->str, ==,
                    "featmask: <stdin>:1:1: unexpected 'x', expected a"
                    " value\n");
    /* What was read, and what the pipe holds: a few blocks, not all */
    g_assert_cmpuint(written, <, 4 << 20);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/featmask/loader/mixed-sources", test_mixed_sources);
    g_test_add_func("/featmask/loader/line-offset", test_line_offset);
    g_test_add_func("/featmask/loader/version-line", test_version_line);
    g_test_add_func("/featmask/loader/one-document", test_one_document);
    g_test_add_func("/featmask/loader/stdin-garbage-stops",
                    test_stdin_garbage_stops);
    return g_test_run();
}
