/*
 * featmask: probe a host's devices through QEMU
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_PROBE_QEMU_H
#define FEATMASK_PROBE_QEMU_H

#include "profile.h"
#include "qmp.h"

/**
 * featmask_probe_qemu: what this host's backends provide for each device
 * @binary: the QEMU to run
 * @args: this host's device configuration (QEMU arguments), NULL-ended
 * @maps: the maps of the devices' features
 * @p: the profile that receives the devices and the QEMU kind and version
 * @notes: receives text about what could not be known (may be NULL)
 * @errp: error object
 *
 * Starts QEMU paused (-S: no guest code runs) with a QMP socket, reads
 * the features each device offers with this configuration and backend
 * (what the backend lacks is not there; a property switched off, or off
 * by default, is not there either), and stops QEMU.  QEMU with featmask's
 * patch-set answers query-device-features; any other QEMU (7.2 and later)
 * is asked x-query-virtio-status for each virtio device with an id, and
 * the feature names it prints are decoded with featmask's maps.  If QEMU
 * fails to start, the error includes QEMU's own message.
 */
bool featmask_probe_qemu(const char *binary, char *const *args,
                         FeatmaskMaps *maps, FeatmaskProfile *p,
                         GPtrArray *notes, Error **errp);

/**
 * featmask_probe_qemu_qmp: the part of featmask_probe_qemu() that reads
 * QEMU's answers, on a QMP connection @q that is ready for commands
 *
 * Sets @p's QEMU kind and adds its devices.  Exported for the fuzzing
 * harness (tests/fuzz/fuzz-qmp.c), which plays a QEMU that answers
 * anything.
 */
bool featmask_probe_qemu_qmp(FeatmaskQmp *q, FeatmaskMaps *maps,
                             FeatmaskProfile *p, GPtrArray *notes,
                             Error **errp);

typedef struct FeatmaskQmp FeatmaskQmp;

/* What to ask a QEMU that came up, before it stops. */
typedef void FeatmaskQemuCheck(FeatmaskQmp *q, void *opaque);

/**
 * featmask_qemu_try: does QEMU start with these arguments?
 * @binary: the QEMU to run
 * @args: its arguments (NULL-ended); -S, -display none and a QMP
 *        monitor come first
 * @check: if not NULL, called with QEMU's QMP connection once it came up
 * @opaque: for @check
 * @output: receives what QEMU printed (its errors and warnings), never
 *          NULL on return
 * @errp: error object, for a QEMU that cannot be run at all
 *
 * Starts QEMU paused (no guest code runs), waits until it answers on QMP
 * (it has made the machine, its CPUs and devices), and stops it.
 * Returns 1 if it came up, 0 if it exited (it refused the arguments: the
 * reason is in @output), -1 if it could not be run (@errp is set).
 */
int featmask_qemu_try(const char *binary, char *const *args,
                      FeatmaskQemuCheck *check, void *opaque,
                      char **output, Error **errp);

#endif
