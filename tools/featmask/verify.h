/*
 * featmask: verify a plan by starting each host's QEMU with its lines
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_VERIFY_H
#define FEATMASK_VERIFY_H

#include "profile.h"

/**
 * FeatmaskVerifyLine: one line of a host's plan
 * @what: "cpu" or the device id
 * @args: "-cpu max,pku=off" or "-device virtio-net-pci,id=net0,csum=off"
 * @refusal: set by featmask_verify_host() when QEMU refuses the line
 *           ("QEMU said: ..." with QEMU's message, "QEMU warned: ...") or
 *           takes it and makes another CPU than the plan's; NULL when the
 *           line is good
 */
typedef struct FeatmaskVerifyLine {
    char *what;
    char *args;
    char *refusal;
} FeatmaskVerifyLine;

FeatmaskVerifyLine *featmask_verify_line_new(const char *what,
                                             const char *args);
void featmask_verify_line_free(FeatmaskVerifyLine *l);

/**
 * featmask_verify_args: the host's own arguments with @lines put in
 * @own: the host's QEMU arguments (NULL-terminated, may be NULL)
 * @lines: FeatmaskVerifyLine *
 *
 * A "-cpu" line replaces the host's -cpu; a "-device TYPE,id=ID,..."
 * line adds its options to the host's own -device of that id (which
 * keeps its backend, netdev=, romfile=...), or is added when the host
 * has none.  Returns a NULL-terminated array (g_strfreev).
 */
char **featmask_verify_args(char *const *own, GPtrArray *lines);

/**
 * featmask_verify_host: does @binary start with each line of @lines?
 * @binary: the host's QEMU
 * @own: the host's own arguments (machine, backends, devices)
 * @lines: FeatmaskVerifyLine *; each refused line gets its @refusal
 * @cpu: the CPU features the plan gives the guest (the common set), or
 *       NULL not to check the CPU QEMU makes
 * @errp: error object
 *
 * QEMU starts paused (-S), once with every line; if it refuses, once more
 * with each line alone, to tell which lines it refuses and why.  A CPU
 * feature QEMU cannot give ("doesn't support requested feature") counts
 * as a refusal too, and so does a CPU other than @cpu: every feature of
 * the map QEMU has a property for is read from QEMU's first CPU.  Fails (false, @errp) when QEMU cannot be run or does
 * not start even with the host's own arguments: that is no fault of the
 * plan.
 */
bool featmask_verify_host(const char *binary, char *const *own,
                          GPtrArray *lines, const FeatmaskSet *cpu,
                          Error **errp);

#endif
