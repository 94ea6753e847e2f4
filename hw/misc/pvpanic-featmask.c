/*
 * featmask map of the pvpanic device's events
 *
 * pvpanic has no negotiation: on a read, its register returns the events
 * the device recognizes (the "events" property), and the guest writes one
 * of them when it panics (docs/specs/pvpanic.rst, "Bit Definition";
 * Linux's drivers/misc/pvpanic reads the register and uses only the bits
 * it finds there).  What the guest can see is the device's feature word,
 * so a guest that saw an event on one host may send it on another: a
 * migration pool must agree on the events as on any feature.
 *
 * Names are those of standard-headers/misc/pvpanic.h in QEMU's style,
 * bits its masks' bit numbers.  The specification knows no dependencies
 * between events.  QEMU switches each event with the bit of the uint8
 * property "events" (FEATMASK_SWITCH_INT_BIT).
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "standard-headers/misc/pvpanic.h"
#include "hw/misc/pvpanic-featmask.h"

G_STATIC_ASSERT(PVPANIC_PANICKED == 1u << PVPANIC_F_PANICKED);
G_STATIC_ASSERT(PVPANIC_CRASH_LOADED == 1u << PVPANIC_F_CRASH_LOADED);
G_STATIC_ASSERT(PVPANIC_SHUTDOWN == 1u << PVPANIC_F_SHUTDOWN);

#define EVENT .no_property = true, .switch_prop = "events", \
    .switch_kind = FEATMASK_SWITCH_INT_BIT

/* docs/specs/pvpanic.rst: Bit Definition */
static const FeatmaskFeature pvpanic_features[] = {
    { .name = "panicked", .bit = PVPANIC_F_PANICKED, EVENT,
      .desc = "guest panicked, the host handles it (GUEST_PANICKED)" },
    { .name = "crash-loaded", .bit = PVPANIC_F_CRASH_LOADED, EVENT,
      .aliases = FEATMASK_NAMES("crashloaded"),
      .desc = "guest panicked and handles it itself, e.g. with kdump"
              " (GUEST_CRASHLOADED)" },
    { .name = "shutdown", .bit = PVPANIC_F_SHUTDOWN, EVENT,
      .desc = "guest shut down normally (GUEST_PVSHUTDOWN)" },
};

static FeatmaskMap *pvpanic_map_build(void)
{
    g_autoptr(FeatmaskMap) map = featmask_map_new(
        PVPANIC_FEATMASK_KIND, "events a guest may report to pvpanic");

    featmask_map_add_table(map, pvpanic_features,
                           G_N_ELEMENTS(pvpanic_features), &error_abort);
    featmask_map_finalize(map, &error_abort);
    return g_steal_pointer(&map);
}

FeatmaskMap *pvpanic_featmask_map(void)
{
    static FeatmaskMap *map;

    if (g_once_init_enter(&map)) {
        g_once_init_leave(&map, pvpanic_map_build());
    }
    return featmask_map_ref(map);
}

const char *pvpanic_featmask_kind_of_type(const char *type)
{
    static const char *const types[] = {
        PVPANIC_FEATMASK_KIND, "pvpanic-pci", "pvpanic-mmio",
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(types); i++) {
        if (!strcmp(type, types[i])) {
            return PVPANIC_FEATMASK_KIND;
        }
    }
    return NULL;
}
