/*
 * Unit tests of featmask feature maps
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/featmask.h"

#include "featmask-demo.h"

#define N FEATMASK_NAMES

static void test_lookup(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();

    g_assert_cmpstr(featmask_map_kind(map), ==, "demo");
    g_assert_cmpuint(featmask_map_size(map), ==, DEMO__MAX);
    g_assert_cmpint(featmask_map_lookup(map, "csum"), ==, 0);
    /* '-' and '_' are the same character in names */
    g_assert_cmpint(featmask_map_lookup(map, "host-tso4"), ==, DEMO_HOST_TSO4);
    /* aliases find their feature */
    g_assert_cmpint(featmask_map_lookup(map, "sse4_1"), ==, DEMO_SSE4_1);
    g_assert_cmpint(featmask_map_lookup(map, "sse4.1"), ==, DEMO_SSE4_1);
    /* names are case-sensitive, as QEMU's properties */
    g_assert_cmpint(featmask_map_lookup(map, "CSUM"), ==, -1);
    g_assert_cmpint(featmask_map_lookup_bit(map, 13), ==, DEMO_HOST_ECN);
    g_assert_cmpint(featmask_map_lookup_bit(map, 2), ==, -1);
}

static char *demo_names_hint(const FeatmaskMap *map)
{
    return g_strdup_printf("see the list of %s\n", featmask_map_kind(map));
}

static void test_resolve_unknown(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    Error *err = NULL;

    /* an unknown name is an error naming it, the kind and near names */
    g_assert_cmpint(featmask_map_resolve(map, "host_tso", &err), ==, -1);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, "demo has no feature"
                    " 'host_tso'");
    g_assert_nonnull(strstr(error_get_hint(err), "'host_tso4'"));
    g_assert_nonnull(strstr(error_get_hint(err), "'host_tso6'"));
    error_free(err);
    err = NULL;

    /* nothing near: the core knows no program that lists the names */
    g_assert_cmpint(featmask_map_resolve(map, "zzzzzzzzzz", &err), ==, -1);
    g_assert_null(error_get_hint(err));
    error_free(err);
    err = NULL;

    /* the program's hint says where they are */
    featmask_set_names_hint(demo_names_hint);
    g_assert_cmpint(featmask_map_resolve(map, "zzzzzzzzzz", &err), ==, -1);
    featmask_set_names_hint(NULL);
    g_assert_cmpstr(error_get_hint(err), ==, "see the list of demo\n");
    error_free(err);
}

static void test_suggest(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    g_auto(GStrv) near = featmask_map_suggest(map, "gest_csum", 3);

    g_assert_cmpstr(near[0], ==, "guest_csum");
    g_strfreev(near);
    /* an alias near the name suggests its feature, once */
    near = featmask_map_suggest(map, "sse41", 3);
    g_assert_cmpstr(near[0], ==, "sse4.1");
    g_assert_null(near[1]);
}

static void test_duplicate_name(void)
{
    g_autoptr(FeatmaskMap) map = featmask_map_new("dup", NULL);
    FeatmaskFeature a = { .name = "a_b", .bit = 1 };
    FeatmaskFeature b = { .name = "a-b", .bit = 2 };
    FeatmaskFeature c = { .name = "c", .bit = 1 };
    FeatmaskFeature d = { .name = "d", .bit = 3, .aliases = N("a_b") };
    Error *err = NULL;

    featmask_map_add(map, &a, &error_abort);
    /* a name that normalizes to an existing one is refused */
    g_assert_false(featmask_map_add(map, &b, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "dup: name 'a-b' is used by"
                    " feature 'a_b' already");
    error_free(err);
    err = NULL;
    /* so is a bit used twice */
    g_assert_false(featmask_map_add(map, &c, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "bit 1"));
    error_free(err);
    err = NULL;
    /* and an alias that is another feature's name */
    g_assert_false(featmask_map_add(map, &d, &err));
    error_free(err);
    g_assert_cmpuint(featmask_map_size(map), ==, 1);
}

static void test_unknown_dependency(void)
{
    g_autoptr(FeatmaskMap) map = featmask_map_new("deps", NULL);
    FeatmaskFeature a = { .name = "a", .bit = 0, .requires = N("b") };
    Error *err = NULL;

    featmask_map_add(map, &a, &error_abort);
    /* a dependency on a name the map lacks fails finalize */
    g_assert_false(featmask_map_finalize(map, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "deps: feature 'a' depends on"
                    " unknown feature 'b'");
    error_free(err);
}

static void test_dynamic(void)
{
    g_autoptr(FeatmaskMap) map = featmask_map_new("e1000e", NULL);
    g_autofree char *name = g_strdup("tso");
    const char *const *bad;
    Error *err = NULL;

    featmask_map_add_dynamic(map, name, FEATMASK_NO_BIT, &error_abort);
    /* the map keeps its own copy of dynamic names */
    name[0] = 'x';
    featmask_map_add_dynamic(map, "rss", FEATMASK_NO_BIT, &error_abort);
    g_assert_false(featmask_map_add_dynamic(map, "rss", FEATMASK_NO_BIT,
                                            &err));
    error_free(err);
    err = NULL;
    /* an empty name is an error, not an abort */
    g_assert_false(featmask_map_add_dynamic(map, "", FEATMASK_NO_BIT, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "e1000e: feature number 2 has no name");
    error_free(err);
    err = NULL;
    /* names a mask could not spell: found by tests/fuzz/fuzz-mask */
    for (bad = FEATMASK_NAMES("a,b", "a:b", "a=on", "-a", "+a", "all",
                                "none", "a\x1f", "\tb");
         *bad; bad++) {
        g_assert_false(featmask_map_add_dynamic(map, *bad, FEATMASK_NO_BIT,
                                                &err));
        g_assert_true(strstr(error_get_pretty(err), "cannot be written"));
        error_free(err);
        err = NULL;
    }
    featmask_map_finalize(map, &error_abort);
    g_assert_true(featmask_map_is_dynamic(map));
    g_assert_cmpint(featmask_map_lookup(map, "tso"), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/featmask/map/lookup", test_lookup);
    g_test_add_func("/featmask/map/resolve/unknown-name", test_resolve_unknown);
    g_test_add_func("/featmask/map/suggest", test_suggest);
    g_test_add_func("/featmask/map/add/duplicate", test_duplicate_name);
    g_test_add_func("/featmask/map/finalize/unknown-dependency",
                    test_unknown_dependency);
    g_test_add_func("/featmask/map/dynamic", test_dynamic);
    return g_test_run();
}
