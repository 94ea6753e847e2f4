/*
 * Unit tests of featmask feature sets and dependencies
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "featmask-demo.h"

static void test_algebra(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    g_autoptr(FeatmaskSet) a = demo_set(map, "csum,host_tso4,invtsc");
    g_autoptr(FeatmaskSet) b = demo_set(map, "csum,guest_csum");
    g_autoptr(FeatmaskSet) u = featmask_set_copy(a);
    g_autoptr(FeatmaskSet) i = featmask_set_copy(a);
    g_autoptr(FeatmaskSet) d = featmask_set_copy(a);
    g_autofree char *text = NULL;

    featmask_set_union(u, b);
    featmask_set_intersect(i, b);
    featmask_set_subtract(d, b);
    g_assert_cmpuint(featmask_set_count(u), ==, 4);
    text = featmask_set_format(i);
    g_assert_cmpstr(text, ==, "csum");
    g_free(text);
    text = featmask_set_format(d);
    g_assert_cmpstr(text, ==, "host_tso4,invtsc");
    g_assert_true(featmask_set_is_subset(i, a));
    g_assert_true(featmask_set_is_subset(i, b));
    g_assert_false(featmask_set_is_subset(a, b));
    g_assert_true(featmask_set_is_subset(a, u));
    featmask_set_subtract(d, d);
    g_assert_true(featmask_set_is_empty(d));
    g_free(text);
    text = featmask_set_format(d);
    g_assert_cmpstr(text, ==, "none");
}

static void test_full_and_next(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    g_autoptr(FeatmaskSet) full = featmask_set_new_full(map);
    size_t n = 0;
    int i;

    /* a full set has exactly the map's entries, no bit beyond them */
    g_assert_cmpuint(featmask_set_count(full), ==, DEMO__MAX);
    for (i = featmask_set_next(full, 0); i >= 0;
         i = featmask_set_next(full, i + 1)) {
        g_assert_cmpint(i, ==, n++);
    }
    g_assert_cmpint(featmask_set_next(full, DEMO__MAX), ==, -1);
    g_assert_cmpint(featmask_set_next(full, 1000), ==, -1);
    g_assert_false(featmask_set_has(full, 1000));
}

/* A map wider than one 64-bit word behaves as the small one. */
static void test_wide(void)
{
    g_autoptr(FeatmaskMap) map = featmask_map_new("wide", NULL);
    g_autoptr(FeatmaskSet) full = NULL;
    g_autoptr(FeatmaskSet) s = NULL;
    int i;

    for (i = 0; i < 300; i++) {
        g_autofree char *name = g_strdup_printf("f%d", i);
        featmask_map_add_dynamic(map, name, i, &error_abort);
    }
    featmask_map_finalize(map, &error_abort);
    full = featmask_set_new_full(map);
    g_assert_cmpuint(featmask_set_count(full), ==, 300);
    s = featmask_set_new(map);
    featmask_set_add(s, 299);
    featmask_set_add(s, 64);
    g_assert_cmpint(featmask_set_next(s, 0), ==, 64);
    g_assert_cmpint(featmask_set_next(s, 65), ==, 299);
    g_assert_true(featmask_set_is_subset(s, full));
}

static void test_bits(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    uint64_t words[2] = { (1ULL << 0) | (1ULL << 12) | (1ULL << 5),
                          1ULL << (70 - 64) };
    uint64_t unknown[2], back[2];
    g_autoptr(FeatmaskSet) s = featmask_set_from_bits(map, words, 2,
                                                      unknown);
    g_autofree char *text = featmask_set_format(s);

    g_assert_cmpstr(text, ==, "csum,host_tso6,invtsc");
    /* bit 5 has no name in the map: reported, not dropped silently */
    g_assert_cmphex(unknown[0], ==, 1ULL << 5);
    g_assert_cmphex(unknown[1], ==, 0);
    featmask_set_to_bits(s, back, 2);
    g_assert_cmphex(back[0], ==, (1ULL << 0) | (1ULL << 12));
    g_assert_cmphex(back[1], ==, 1ULL << 6);
}

static void test_names(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    const char *const bad[] = { "csum", "nope", NULL };
    Error *err = NULL;

    /* an unknown name fails the whole list */
    g_assert_null(featmask_set_from_names(map, bad, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "demo has no feature 'nope'");
    error_free(err);
}

static void test_close(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    /* host_ecn needs one of the TSOs, which need csum: a chain */
    g_autoptr(FeatmaskSet) s = demo_set(map, "host_tso4,host_tso6,host_ecn");
    g_autoptr(FeatmaskSet) dropped = featmask_set_new(map);
    g_autofree char *why = featmask_set_missing_deps(s, DEMO_HOST_ECN);
    g_autofree char *text = NULL;

    /* host_ecn's own dependency is met until the TSOs go */
    g_assert_null(why);
    why = featmask_set_missing_deps(s, DEMO_HOST_TSO4);
    g_assert_cmpstr(why, ==, "csum");
    g_assert_cmpuint(featmask_set_close(s, dropped), ==, 3);
    g_assert_true(featmask_set_is_empty(s));
    text = featmask_set_format(dropped);
    g_assert_cmpstr(text, ==, "host_tso4,host_tso6,host_ecn");
    g_free(why);
    why = featmask_set_missing_deps(s, DEMO_HOST_ECN);
    g_assert_cmpstr(why, ==, "host_tso4 or host_tso6");
}

static void test_close_keeps_any(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    /* one of the "any" dependencies is enough */
    g_autoptr(FeatmaskSet) s = demo_set(map, "csum,host_tso6,host_ecn");

    g_assert_cmpuint(featmask_set_close(s, NULL), ==, 0);
    g_assert_cmpuint(featmask_set_count(s), ==, 3);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/featmask/set/algebra", test_algebra);
    g_test_add_func("/featmask/set/full-and-next", test_full_and_next);
    g_test_add_func("/featmask/set/wide", test_wide);
    g_test_add_func("/featmask/set/bits", test_bits);
    g_test_add_func("/featmask/set/names/unknown", test_names);
    g_test_add_func("/featmask/set/close/chain", test_close);
    g_test_add_func("/featmask/set/close/any-of", test_close_keeps_any);
    return g_test_run();
}
