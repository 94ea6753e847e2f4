/*
 * featmask: negotiation over the host profiles of a migration pool
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_POOL_H
#define FEATMASK_POOL_H

#include "profile.h"

/**
 * FeatmaskPoolItem: the negotiation of the CPU or of one device
 * @id: device id, or NULL for the CPU
 * @type: device type, or "x86-cpu" / "cpu-ARCH"
 * @map: the map the sets are over
 * @baseline: the result; featmask_baseline_turn_off(b, i) is for host i
 */
typedef struct FeatmaskPoolItem {
    const char *id;
    const char *type;
    const FeatmaskMap *map;
    FeatmaskBaseline *baseline;
} FeatmaskPoolItem;

/**
 * FeatmaskPool:
 * @profiles: the hosts' profiles (borrowed)
 * @cpu: the CPU's negotiation, or NULL when the profiles have no CPU
 * @cpu_vendor: the vendor all hosts share, or NULL if they differ
 * @devices: FeatmaskPoolItem *, in the order of the first profile
 * @warnings: text to show the user (maps by name only, mixed vendors)
 */
typedef struct FeatmaskPool {
    GPtrArray *profiles;
    FeatmaskPoolItem *cpu;
    char *cpu_vendor;
    GPtrArray *devices;
    GPtrArray *warnings;
} FeatmaskPool;

/**
 * featmask_pool_negotiate: the common features of the hosts of @profiles
 * @profiles: FeatmaskProfile *, at least one
 * @flags: #FeatmaskNegotiateFlags
 * @incompatible: set to true when the error is that the hosts have
 *                nothing in common (not an error in the input)
 * @errp: error object
 *
 * Devices are matched by id; a device missing on some host, a device
 * whose type differs between hosts, CPUs of different architectures or a
 * host name used twice are errors in the input.
 */
FeatmaskPool *featmask_pool_negotiate(GPtrArray *profiles, unsigned flags,
                                      bool *incompatible, Error **errp);
void featmask_pool_free(FeatmaskPool *pool);

/**
 * featmask_cpus_comparable: can the CPU sets of @a and @b be compared?
 *
 * Both profiles must have a CPU.  CPUs of different architectures
 * cannot: that is an error in the input, naming both hosts and their
 * architectures.  (Profiles read together have one map per architecture;
 * featmask_check() and featmask_pool_negotiate() refuse sets over two.)
 */
bool featmask_cpus_comparable(const FeatmaskProfile *a,
                              const FeatmaskProfile *b, Error **errp);

/**
 * featmask_pool_baseline: the common set as a profile (host "baseline")
 */
FeatmaskProfile *featmask_pool_baseline(const FeatmaskPool *pool);

/**
 * featmask_drop_describe: "missing on host-b, host-c", "needs csum",
 * "not migratable"
 */
char *featmask_drop_describe(const FeatmaskPool *pool,
                             const FeatmaskDrop *drop);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FeatmaskPool, featmask_pool_free)

#endif
