/*
 * Unit tests of featmask negotiation
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "featmask-demo.h"

static void test_common(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    g_autoptr(FeatmaskSet) a = demo_set(map, "csum,guest_csum,host_tso4,"
                                        "host_ecn,invtsc");
    g_autoptr(FeatmaskSet) b = demo_set(map, "csum,guest_csum,host_tso6,"
                                        "host_ecn,invtsc");
    const FeatmaskSet *hosts[] = { a, b };
    g_autoptr(FeatmaskBaseline) bl = featmask_negotiate(map, hosts, 2, 0,
                                                        &error_abort);
    g_autofree char *common = featmask_set_format(
        featmask_baseline_common(bl));
    g_autofree char *off_a = featmask_set_format(
        featmask_baseline_turn_off(bl, 0));
    g_autofree char *off_b = featmask_set_format(
        featmask_baseline_turn_off(bl, 1));
    const FeatmaskDrop *d;

    g_assert_cmpstr(common, ==, "csum,guest_csum");
    g_assert_cmpstr(off_a, ==, "host_tso4,host_ecn,invtsc");
    g_assert_cmpstr(off_b, ==, "host_tso6,host_ecn,invtsc");
    /* every host's set minus its turn-off set is the common set */
    g_assert_true(featmask_set_is_subset(featmask_baseline_common(bl), a));
    g_assert_true(featmask_set_is_subset(featmask_baseline_common(bl), b));

    /* the reasons, in map order */
    g_assert_cmpuint(featmask_baseline_ndrops(bl), ==, 4);
    d = featmask_baseline_drop(bl, 0);
    g_assert_cmpuint(d->feature, ==, DEMO_HOST_TSO4);
    g_assert_cmpint(d->reason, ==, FEATMASK_DROP_MISSING);
    g_assert_cmpuint(d->nhosts, ==, 1);
    g_assert_cmpuint(d->hosts[0], ==, 1);
    d = featmask_baseline_drop(bl, 1);
    g_assert_cmpuint(d->feature, ==, DEMO_HOST_TSO6);
    g_assert_cmpuint(d->hosts[0], ==, 0);
    /* both hosts have host_ecn, but each loses the TSO it relies on */
    d = featmask_baseline_drop(bl, 2);
    g_assert_cmpuint(d->feature, ==, DEMO_HOST_ECN);
    g_assert_cmpint(d->reason, ==, FEATMASK_DROP_DEPENDENCY);
    g_assert_cmpstr(d->lost, ==, "host_tso4 or host_tso6");
    /* invtsc cannot migrate */
    d = featmask_baseline_drop(bl, 3);
    g_assert_cmpuint(d->feature, ==, DEMO_INVTSC);
    g_assert_cmpint(d->reason, ==, FEATMASK_DROP_UNMIGRATABLE);
}

static void test_keep_unmigratable(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    g_autoptr(FeatmaskSet) a = demo_set(map, "csum,invtsc");
    const FeatmaskSet *hosts[] = { a, a };
    g_autoptr(FeatmaskBaseline) bl =
        featmask_negotiate(map, hosts, 2, FEATMASK_KEEP_UNMIGRATABLE,
                           &error_abort);

    g_assert_true(featmask_set_equal(featmask_baseline_common(bl), a));
    g_assert_cmpuint(featmask_baseline_ndrops(bl), ==, 0);
}

/* The baseline of one host with itself is itself (when migratable). */
static void test_self(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    g_autoptr(FeatmaskSet) a = demo_set(map, "csum,host_tso4,host_ecn");
    const FeatmaskSet *hosts[] = { a };
    g_autoptr(FeatmaskBaseline) bl = featmask_negotiate(map, hosts, 1, 0,
                                                        &error_abort);

    g_assert_true(featmask_set_equal(featmask_baseline_common(bl), a));
    g_assert_true(featmask_set_is_empty(featmask_baseline_turn_off(bl, 0)));
}

static void test_no_hosts(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    Error *err = NULL;

    g_assert_null(featmask_negotiate(map, NULL, 0, 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "no hosts to negotiate demo features for");
    error_free(err);
}

static void test_nothing_common(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    g_autoptr(FeatmaskSet) a = demo_set(map, "csum");
    g_autoptr(FeatmaskSet) b = demo_set(map, "guest_csum");
    g_autoptr(FeatmaskSet) e = demo_set(map, "");
    const FeatmaskSet *hosts[] = { a, b };
    const FeatmaskSet *empty[] = { e, e };
    g_autoptr(FeatmaskBaseline) bl = NULL;
    Error *err = NULL;

    g_assert_null(featmask_negotiate(map, hosts, 2, 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "the 2 hosts have no demo feature in common");
    error_free(err);
    /* hosts that have nothing agree on nothing: not an error */
    bl = featmask_negotiate(map, empty, 2, 0, &error_abort);
    g_assert_true(featmask_set_is_empty(featmask_baseline_common(bl)));
}

static void test_other_map(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    g_autoptr(FeatmaskMap) other = demo_map();
    g_autoptr(FeatmaskSet) a = demo_set(map, "csum");
    g_autoptr(FeatmaskSet) b = demo_set(other, "csum");
    const FeatmaskSet *hosts[] = { a, b };
    Error *err = NULL;

    g_assert_null(featmask_negotiate(map, hosts, 2, 0, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "host 1"));
    error_free(err);
}

static void test_check(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    g_autoptr(FeatmaskSet) vm = demo_set(map, "csum,host_tso4,sse4.1");
    g_autoptr(FeatmaskSet) host = demo_set(map, "csum,guest_csum");
    g_autoptr(FeatmaskSet) missing = NULL;
    g_autofree char *text = NULL;
    Error *err = NULL;

    g_assert_false(featmask_check(vm, host, &missing, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "demo features not available: host_tso4, sse4.1");
    text = featmask_set_format(missing);
    g_assert_cmpstr(text, ==, "host_tso4,sse4.1");
    error_free(err);
    g_assert_true(featmask_check(host, host, NULL, &error_abort));
}

/* Sets over two maps (from two files): an error, not an abort. */
static void test_check_other_map(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    g_autoptr(FeatmaskMap) arm = featmask_map_new("cpu-aarch64", NULL);
    g_autoptr(FeatmaskSet) vm = demo_set(map, "csum");
    g_autoptr(FeatmaskSet) host = NULL;
    g_autoptr(FeatmaskSet) missing = NULL;
    Error *err = NULL;

    featmask_map_add_dynamic(arm, "asimd", FEATMASK_NO_BIT, &error_abort);
    featmask_map_finalize(arm, &error_abort);
    host = featmask_set_new_full(arm);
    g_assert_false(featmask_check(vm, host, &missing, &err));
    g_assert_null(missing);
    g_assert_cmpstr(error_get_pretty(err), ==, "cannot check demo features"
                    " against cpu-aarch64 features");
    error_free(err);
}

/* N hosts: the common set is in every host and nothing common is lost. */
static void test_many_hosts(void)
{
    g_autoptr(FeatmaskMap) map = featmask_map_new("many", NULL);
    GRand *rand = g_rand_new_with_seed(42);
    FeatmaskSet *hosts[50];
    g_autoptr(FeatmaskBaseline) bl = NULL;
    g_autoptr(FeatmaskSet) all = NULL;
    int i, h;

    for (i = 0; i < 200; i++) {
        g_autofree char *name = g_strdup_printf("f%d", i);
        featmask_map_add_dynamic(map, name, FEATMASK_NO_BIT, &error_abort);
    }
    featmask_map_finalize(map, &error_abort);
    all = featmask_set_new_full(map);
    for (h = 0; h < 50; h++) {
        hosts[h] = featmask_set_new(map);
        for (i = 0; i < 200; i++) {
            if (i < 20 || g_rand_int_range(rand, 0, 100) < 97) {
                featmask_set_add(hosts[h], i);
            }
        }
        featmask_set_intersect(all, hosts[h]);
    }
    bl = featmask_negotiate(map, (const FeatmaskSet *const *)hosts, 50, 0,
                            &error_abort);
    /* no dependencies: the common set is exactly the intersection */
    g_assert_true(featmask_set_equal(featmask_baseline_common(bl), all));
    for (h = 0; h < 50; h++) {
        g_autoptr(FeatmaskSet) back = featmask_set_copy(
            featmask_baseline_common(bl));

        featmask_set_union(back, featmask_baseline_turn_off(bl, h));
        g_assert_true(featmask_set_equal(back, hosts[h]));
        featmask_set_free(hosts[h]);
    }
    g_rand_free(rand);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/featmask/negotiate/common", test_common);
    g_test_add_func("/featmask/negotiate/keep-unmigratable",
                    test_keep_unmigratable);
    g_test_add_func("/featmask/negotiate/self", test_self);
    g_test_add_func("/featmask/negotiate/no-hosts", test_no_hosts);
    g_test_add_func("/featmask/negotiate/nothing-common", test_nothing_common);
    g_test_add_func("/featmask/negotiate/other-map", test_other_map);
    g_test_add_func("/featmask/negotiate/many-hosts", test_many_hosts);
    g_test_add_func("/featmask/check", test_check);
    g_test_add_func("/featmask/check/other-map", test_check_other_map);
    return g_test_run();
}
