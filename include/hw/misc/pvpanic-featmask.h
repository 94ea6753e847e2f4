/*
 * featmask map of the pvpanic device's events: the bits a guest reads from
 * the device's register (ISA port 0x505, PCI BAR0, MMIO) and may write
 * back when it panics, loaded a crash kernel or shuts down
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_PVPANIC_FEATMASK_H
#define HW_MISC_PVPANIC_FEATMASK_H

#include "qemu/featmask.h"

#define PVPANIC_FEATMASK_KIND "pvpanic"

/*
 * Bit numbers of the events; standard-headers/misc/pvpanic.h has their
 * masks (PVPANIC_PANICKED, ...).
 */
#define PVPANIC_F_PANICKED 0
#define PVPANIC_F_CRASH_LOADED 1
#define PVPANIC_F_SHUTDOWN 2

/**
 * pvpanic_featmask_map: the map of kind "pvpanic"
 *
 * Returns a new reference to a finalized map, built once.
 */
FeatmaskMap *pvpanic_featmask_map(void);

/**
 * pvpanic_featmask_kind_of_type: "pvpanic" for the kind itself and for
 * QEMU's pvpanic device types ("pvpanic", the ISA device, "pvpanic-pci",
 * "pvpanic-mmio"); NULL for any other name.  Returns a static string.
 */
const char *pvpanic_featmask_kind_of_type(const char *type);

#endif
