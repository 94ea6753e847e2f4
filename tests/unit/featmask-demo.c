/*
 * A small feature map for the unit tests
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "featmask-demo.h"

#define N FEATMASK_NAMES

static const FeatmaskFeature demo[] = {
    [DEMO_CSUM] = { .name = "csum", .bit = 0, .desc = "checksum" },
    [DEMO_GUEST_CSUM] = { .name = "guest_csum", .bit = 1,
                          .desc = "guest checksum" },
    [DEMO_HOST_TSO4] = { .name = "host_tso4", .bit = 11,
                         .requires = N("csum") },
    [DEMO_HOST_TSO6] = { .name = "host_tso6", .bit = 12,
                         .requires = N("csum") },
    [DEMO_HOST_ECN] = { .name = "host_ecn", .bit = 13,
                        .requires_any = N("host_tso4", "host_tso6") },
    [DEMO_SSE4_1] = { .name = "sse4.1", .bit = FEATMASK_NO_BIT,
                      .aliases = N("sse4-1", "sse4_1") },
    [DEMO_INVTSC] = { .name = "invtsc", .bit = 70, .unmigratable = true },
};
G_STATIC_ASSERT(G_N_ELEMENTS(demo) == DEMO__MAX);

FeatmaskMap *demo_map(void)
{
    FeatmaskMap *map = featmask_map_new("demo", "a demo device");

    featmask_map_add_table(map, demo, G_N_ELEMENTS(demo), &error_abort);
    featmask_map_finalize(map, &error_abort);
    return map;
}

FeatmaskSet *demo_set(FeatmaskMap *map, const char *names)
{
    g_auto(GStrv) list = g_strsplit(names, ",", -1);

    if (!*names) {
        return featmask_set_new(map);
    }
    return featmask_set_from_names(map, (const char *const *)list,
                                   &error_abort);
}
