/*
 * Tests of the pvpanic map: its events by name, alias and bit, against
 * the masks of standard-headers/misc/pvpanic.h; masks over it; the device
 * types that name it; and the CLI's maps finding it
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "standard-headers/misc/pvpanic.h"
#include "hw/misc/pvpanic-featmask.h"
#include "profile.h"

static void test_map(void)
{
    static const struct {
        const char *name;
        const char *alias;
        unsigned mask;
    } events[] = {
        { "panicked", NULL, PVPANIC_PANICKED },
        { "crash-loaded", "crashloaded", PVPANIC_CRASH_LOADED },
        { "shutdown", NULL, PVPANIC_SHUTDOWN },
    };
    g_autoptr(FeatmaskMap) map = pvpanic_featmask_map();
    g_autoptr(FeatmaskMap) again = pvpanic_featmask_map();
    size_t i;

    /* Built once. */
    g_assert_true(map == again);
    g_assert_cmpstr(featmask_map_kind(map), ==, PVPANIC_FEATMASK_KIND);
    g_assert_false(featmask_map_is_dynamic(map));
    g_assert_cmpuint(featmask_map_size(map), ==, G_N_ELEMENTS(events));
    for (i = 0; i < G_N_ELEMENTS(events); i++) {
        int idx = featmask_map_lookup(map, events[i].name);
        const FeatmaskFeature *f;

        g_assert_cmpint(idx, >=, 0);
        f = featmask_map_get(map, idx);
        g_assert_cmpstr(f->name, ==, events[i].name);
        g_assert_cmpuint(1u << f->bit, ==, events[i].mask);
        g_assert_cmpint(featmask_map_lookup_bit(map, f->bit), ==, idx);
        if (events[i].alias) {
            g_assert_cmpint(featmask_map_lookup(map, events[i].alias), ==,
                            idx);
        }
        /* No dependencies; switched by a bit of "events". */
        g_assert_null(f->requires);
        g_assert_null(f->requires_any);
        g_assert_false(f->unmigratable);
        g_assert_cmpstr(f->switch_prop, ==, "events");
        g_assert_cmpint(f->switch_kind, ==, FEATMASK_SWITCH_INT_BIT);
        g_assert_nonnull(f->desc);
    }
    /* '_' for '-' */
    g_assert_cmpint(featmask_map_lookup(map, "crash_loaded"), ==,
                    featmask_map_lookup(map, "crash-loaded"));
    g_assert_cmpint(featmask_map_lookup_bit(map, 3), ==, -1);
}

/* The register's value and the set name the same events. */
static void test_bits(void)
{
    g_autoptr(FeatmaskMap) map = pvpanic_featmask_map();
    uint64_t all = PVPANIC_PANICKED | PVPANIC_CRASH_LOADED |
                   PVPANIC_SHUTDOWN;
    uint64_t word = 0xff, unknown = 0, back = 0;
    g_autoptr(FeatmaskSet) set = featmask_set_from_bits(map, &word, 1,
                                                        &unknown);

    g_assert_cmpuint(featmask_set_count(set), ==, 3);
    g_assert_cmphex(unknown, ==, 0xff & ~all);
    featmask_set_to_bits(set, &back, 1);
    g_assert_cmphex(back, ==, all);
}

/* What a user writes on the command line, over QEMU's defaults. */
static void test_masks(void)
{
    static const struct {
        const char *mask;
        uint64_t dflt;
        uint64_t want;
    } cases[] = {
        { "none:+panicked", 7, 1 },
        { "all:-shutdown", 1, 3 },
        { "-shutdown", 7, 3 },
        { "+shutdown", 1, 5 },
        { "crash_loaded=off", 7, 5 },
        { "none:+crashloaded", 7, 2 },
        { "all", 0, 7 },
    };
    g_autoptr(FeatmaskMap) map = pvpanic_featmask_map();
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(FeatmaskSet) dflt = featmask_set_from_bits(
            map, &cases[i].dflt, 1, NULL);
        g_autoptr(FeatmaskSet) set = NULL;
        FeatmaskMask *mask = featmask_mask_parse(map, cases[i].mask,
                                                 &error_abort);
        uint64_t got = 0;

        set = featmask_mask_apply(mask, dflt);
        featmask_set_to_bits(set, &got, 1);
        g_assert_cmphex(got, ==, cases[i].want);
        featmask_mask_free(mask);
    }
}

static void test_bad_name(void)
{
    g_autoptr(FeatmaskMap) map = pvpanic_featmask_map();
    Error *err = NULL;

    g_assert_null(featmask_mask_parse(map, "all:-shutdwn", &err));
    g_assert_nonnull(err);
    g_test_message("%s", error_get_pretty(err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "pvpanic has no feature 'shutdwn'");
    g_assert_cmpstr(error_get_hint(err), ==, "Did you mean 'shutdown'?\n");
    error_free(err);
}

static void test_types(void)
{
    static const char *const kinds[] = {
        "pvpanic", "pvpanic-pci", "pvpanic-mmio",
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(kinds); i++) {
        g_assert_cmpstr(pvpanic_featmask_kind_of_type(kinds[i]), ==,
                        PVPANIC_FEATMASK_KIND);
    }
    g_assert_null(pvpanic_featmask_kind_of_type("pvpanic-pc"));
    g_assert_null(pvpanic_featmask_kind_of_type("virtio-net-pci"));
    g_assert_null(pvpanic_featmask_kind_of_type(""));
}

/* The CLI's maps: `featmask list` shows the kind, device types find it. */
static void test_cli_maps(void)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autofree const char **kinds = featmask_maps_kinds();
    g_autoptr(FeatmaskMap) map = pvpanic_featmask_map();

    g_assert_true(g_strv_contains((const char *const *)kinds,
                                  PVPANIC_FEATMASK_KIND));
    g_assert_true(featmask_maps_get(maps, "pvpanic") == map);
    g_assert_true(featmask_maps_get(maps, "pvpanic-pci") == map);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/featmask/pvpanic/map", test_map);
    g_test_add_func("/featmask/pvpanic/bits", test_bits);
    g_test_add_func("/featmask/pvpanic/masks", test_masks);
    g_test_add_func("/featmask/pvpanic/bad-name", test_bad_name);
    g_test_add_func("/featmask/pvpanic/types", test_types);
    g_test_add_func("/featmask/pvpanic/cli-maps", test_cli_maps);
    return g_test_run();
}
