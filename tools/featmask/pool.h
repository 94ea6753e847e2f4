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
    /* private: the hosts' sets folded, in a pool read as a stream */
    struct Fold *fold;
} FeatmaskPoolItem;

typedef struct PoolHostNames PoolHostNames;

/*
 * A host whose CPU data left feature words unknown: what
 * 'baseline --explain' says about it.
 */
typedef struct FeatmaskPoolUnknown {
    size_t host;
    char **words;
} FeatmaskPoolUnknown;

/**
 * FeatmaskPool:
 * @profiles: the hosts' profiles (borrowed), or NULL for a pool read as a
 *            stream (featmask_pool_builder_new() with @stream): then only
 *            the first profile is kept, and the hosts' names
 * @nhosts: how many hosts
 * @first: the first host's profile
 * @cpu: the CPU's negotiation, or NULL when the profiles have no CPU
 * @cpu_vendor: the vendor all hosts share, or NULL if they differ
 * @devices: FeatmaskPoolItem *, in the order of the first profile
 * @warnings: text to show the user (maps by name only, mixed vendors)
 * @unknown: FeatmaskPoolUnknown *, the hosts whose CPU data left feature
 *           words unknown, in host order
 */
typedef struct FeatmaskPool {
    GPtrArray *profiles;
    size_t nhosts;
    FeatmaskProfile *first;
    FeatmaskPoolItem *cpu;
    char *cpu_vendor;
    GPtrArray *devices;
    GPtrArray *warnings;
    GPtrArray *unknown;
    /* private */
    bool owns_first;
    PoolHostNames *names;
    GPtrArray *unknown_union;
} FeatmaskPool;

/* The name of host @i of @pool. */
const char *featmask_pool_host(const FeatmaskPool *pool, size_t i);

/**
 * FeatmaskPoolBuilder: a pool whose hosts are added one by one
 *
 * Every host is checked against the first when it is added (devices,
 * CPU architecture, a host name used twice), so an error names the first
 * host that does not fit.  With @stream, the hosts' sets are folded as
 * they come and each profile is freed at once: memory does not grow with
 * the pool beyond the hosts' names and, per feature, the hosts lacking
 * it.  What a host turns off is worked out from those
 * (FeatmaskTurnOff).
 */
typedef struct FeatmaskPoolBuilder FeatmaskPoolBuilder;

FeatmaskPoolBuilder *featmask_pool_builder_new(FeatmaskMaps *maps,
                                               unsigned flags, bool stream);
void featmask_pool_builder_free(FeatmaskPoolBuilder *b);

/**
 * featmask_pool_builder_add: add a host
 * @p: its profile; the builder takes it
 * @pending: the FeatmaskPendingSet * of @p (features of types without a
 *           map, by name), with @stream only; may be NULL
 */
bool featmask_pool_builder_add(FeatmaskPoolBuilder *b, FeatmaskProfile *p,
                               GPtrArray *pending, Error **errp);

/**
 * featmask_pool_builder_finish: negotiate the hosts added
 * @incompatible: see featmask_pool_negotiate()
 */
FeatmaskPool *featmask_pool_builder_finish(FeatmaskPoolBuilder *b,
                                           bool *incompatible, Error **errp);

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
 * FeatmaskTurnOff: what each host turns off of an item's features
 *
 * featmask_turn_off_get(t, h) is featmask_baseline_turn_off() of host
 * @h, also for a pool read as a stream, where it is worked out from what
 * the pool kept (per feature, the hosts lacking it) without a set per
 * host: there, hosts must be asked for in increasing order, and the set
 * returned is good until the next call.
 */
typedef struct FeatmaskTurnOff FeatmaskTurnOff;

FeatmaskTurnOff *featmask_turn_off_new(const FeatmaskPool *pool,
                                       const FeatmaskPoolItem *item);
const FeatmaskSet *featmask_turn_off_get(FeatmaskTurnOff *t, size_t h);
void featmask_turn_off_free(FeatmaskTurnOff *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FeatmaskTurnOff, featmask_turn_off_free)

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
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FeatmaskPoolBuilder, featmask_pool_builder_free)

#endif
