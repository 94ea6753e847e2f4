/*
 * Unit tests of featmask mask strings
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "featmask-demo.h"

typedef struct MaskCase {
    const char *in;
    const char *canonical;      /* featmask_mask_format() of it */
    const char *result;         /* applied to the default "csum,guest_csum" */
} MaskCase;

static const MaskCase good[] = {
    /* a list says exactly what to have */
    { "csum,host_tso4", "none,+csum,+host_tso4", "csum,host_tso4" },
    { "none,csum", "none,+csum", "csum" },
    { "none", "none", "none" },
    /* all, minus some */
    { "all,-invtsc,-sse4.1", "all,-sse4.1,-invtsc",
      "csum,guest_csum,host_tso4,host_tso6,host_ecn" },
    { "all", "all",
      "csum,guest_csum,host_tso4,host_tso6,host_ecn,sse4.1,invtsc" },
    /* relative to the default; canonical order is the map's */
    { "+host_tso4,-guest_csum", "-guest_csum,+host_tso4", "csum,host_tso4" },
    { "host_tso4=on,guest_csum=off", "-guest_csum,+host_tso4",
      "csum,host_tso4" },
    { "-csum", "-csum", "guest_csum" },
    /* aliases and '-' spellings give the canonical name */
    { "+sse4_1,+host-tso6", "+host_tso6,+sse4.1",
      "csum,guest_csum,host_tso6,sse4.1" },
    /* ':' separates items as ',' does (QEMU's command line) */
    { "all:-invtsc:-sse4.1", "all,-sse4.1,-invtsc",
      "csum,guest_csum,host_tso4,host_tso6,host_ecn" },
    { "none:+csum,+host_tso4", "none,+csum,+host_tso4", "csum,host_tso4" },
    { "host_tso4=on:guest_csum=off", "-guest_csum,+host_tso4",
      "csum,host_tso4" },
    /* the same item twice is harmless */
    { "csum,csum", "none,+csum", "csum" },
};

static void test_good(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    g_autoptr(FeatmaskSet) dflt = demo_set(map, "csum,guest_csum");
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(good); i++) {
        g_autoptr(FeatmaskMask) m = featmask_mask_parse(map, good[i].in,
                                                        &error_abort);
        g_autoptr(FeatmaskMask) again = NULL;
        g_autoptr(FeatmaskSet) set = featmask_mask_apply(m, dflt);
        g_autofree char *canon = featmask_mask_format(m);
        g_autofree char *result = featmask_set_format(set);

        g_assert_cmpstr(canon, ==, good[i].canonical);
        g_assert_cmpstr(result, ==, good[i].result);
        /* parse(format(x)) == x */
        again = featmask_mask_parse(map, canon, &error_abort);
        g_assert_true(featmask_mask_equal(m, again));
    }
}

typedef struct BadCase {
    const char *in;
    const char *error;
    const char *hint;           /* a part of the hint, or NULL */
} BadCase;

static const BadCase bad[] = {
    /* unknown name, with the nearest valid ones */
    { "all,-host_tos4", "demo has no feature 'host_tos4'", "'host_tso4'" },
    /* a contradiction names the feature */
    { "csum,-csum", "feature 'csum' is both enabled and disabled in"
      " feature mask 'csum,-csum'", NULL },
    { "csum,-guest_csum", "'-guest_csum' has no effect in feature mask"
      " 'csum,-guest_csum', which starts from no feature",
      "give every item a sign" },
    { "+csum,-csum", "feature 'csum' is both enabled and disabled in"
      " feature mask '+csum,-csum'", NULL },
    { "csum=on,csum=off", "feature 'csum' is both enabled and disabled in"
      " feature mask 'csum=on,csum=off'", NULL },
    /* moot items are refused, not guessed */
    { "all,+csum", "'+csum' has no effect in feature mask 'all,+csum',"
      " which starts from every feature", NULL },
    { "none,-csum", "'-csum' has no effect in feature mask 'none,-csum',"
      " which starts from no feature", NULL },
    /* all and none only first */
    { "csum,all", "'all' must come first in feature mask 'csum,all'", NULL },
    { "all,none", "'none' must come first in feature mask 'all,none'", NULL },
    /* empty things */
    { "", "empty feature mask for demo", "'none'" },
    { "csum,,guest_csum", "empty item 2 in feature mask 'csum,,guest_csum'",
      NULL },
    { "csum,", "empty item 2 in feature mask 'csum,'", NULL },
    { "+", "item 1 of feature mask '+' has no feature name", NULL },
    { "=on", "item 1 of feature mask '=on' has no feature name", NULL },
    /* a switch value that is not one */
    { "csum=maybe", "feature 'csum' takes 'on' or 'off', not 'maybe'",
      NULL },
    /* garbage */
    { "!@#$", "demo has no feature '!@#$'", NULL },
};

static void test_bad(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        Error *err = NULL;

        g_assert_null(featmask_mask_parse(map, bad[i].in, &err));
        g_assert_nonnull(err);
        g_assert_cmpstr(error_get_pretty(err), ==, bad[i].error);
        if (bad[i].hint) {
            g_assert_nonnull(error_get_hint(err));
            g_assert_nonnull(strstr(error_get_hint(err), bad[i].hint));
        }
        error_free(err);
    }
}

/* A very long mask is an error, not a crash or a hang. */
static void test_long(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    g_autoptr(GString) s = g_string_new("all");
    Error *err = NULL;
    int i;

    for (i = 0; i < 100000; i++) {
        g_string_append(s, ",-csum");
    }
    g_string_append(s, ",-xyz");
    g_assert_null(featmask_mask_parse(map, s->str, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "demo has no feature 'xyz'");
    error_free(err);
}

static void test_from_set(void)
{
    g_autoptr(FeatmaskMap) map = demo_map();
    g_autoptr(FeatmaskSet) most = demo_set(map, "csum,guest_csum,host_tso4,"
                                           "host_tso6,host_ecn");
    g_autoptr(FeatmaskSet) few = demo_set(map, "csum");
    g_autoptr(FeatmaskMask) a = featmask_mask_from_set(most);
    g_autoptr(FeatmaskMask) b = featmask_mask_from_set(few);
    g_autoptr(FeatmaskSet) back = featmask_mask_apply(a, NULL);
    g_autofree char *ta = featmask_mask_format(a);
    g_autofree char *tb = featmask_mask_format(b);

    /* the shorter spelling of the same set */
    g_assert_cmpstr(ta, ==, "all,-sse4.1,-invtsc");
    g_assert_cmpstr(tb, ==, "none,+csum");
    g_assert_true(featmask_set_equal(back, most));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/featmask/mask/parse/good", test_good);
    g_test_add_func("/featmask/mask/parse/bad", test_bad);
    g_test_add_func("/featmask/mask/parse/very-long", test_long);
    g_test_add_func("/featmask/mask/from-set", test_from_set);
    return g_test_run();
}
