/*
 * featmask: negotiation of a common feature set across hosts
 *
 * The common set is a fold over small set operations: intersect every
 * host, drop what cannot migrate, then drop what lost a dependency.
 * Every dropped feature keeps its reason, so a management application
 * can say why a guest will not get it.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/featmask.h"
#include "featmask-internal.h"

struct FeatmaskBaseline {
    FeatmaskSet *common;
    FeatmaskSet **turn_off;     /* NULL when negotiated from folded sets */
    size_t nhosts;
    GArray *drops;              /* FeatmaskDrop, in map order */
};

static void drop_clear(void *p)
{
    FeatmaskDrop *d = p;

    g_free(d->hosts);
    g_free(d->lost);
}

void featmask_baseline_free(FeatmaskBaseline *b)
{
    size_t i;

    if (!b) {
        return;
    }
    featmask_set_free(b->common);
    for (i = 0; b->turn_off && i < b->nhosts; i++) {
        featmask_set_free(b->turn_off[i]);
    }
    g_free(b->turn_off);
    g_array_free(b->drops, TRUE);
    g_free(b);
}

static int drop_cmp(const void *pa, const void *pb)
{
    const FeatmaskDrop *a = pa, *b = pb;

    return a->feature < b->feature ? -1 : a->feature > b->feature;
}

/* Which hosts lack a feature, from the hosts' sets. */
typedef struct HostSets {
    const FeatmaskSet *const *hosts;
    size_t nhosts;
} HostSets;

static size_t host_sets_missing(void *opaque, size_t feature, size_t *hosts)
{
    HostSets *hs = opaque;
    size_t h, n = 0;

    for (h = 0; h < hs->nhosts; h++) {
        if (!featmask_set_has(hs->hosts[h], feature)) {
            if (hosts) {
                hosts[n] = h;
            }
            n++;
        }
    }
    return n;
}

/*
 * Record why each member of @gone left.  Dependency drops are recorded
 * once b->common is final, so their text names what is really missing.
 * The list of hosts of a missing feature is as long as it needs to be:
 * on a pool of 100,000 hosts, most features lack on few.
 */
static void add_drops(FeatmaskBaseline *b, const FeatmaskSet *gone,
                      FeatmaskDropReason reason, unsigned flags,
                      FeatmaskMissingHosts *missing, void *opaque)
{
    int i;

    for (i = featmask_set_next(gone, 0); i >= 0;
         i = featmask_set_next(gone, i + 1)) {
        FeatmaskDrop d = { .feature = i, .reason = reason };

        if (reason == FEATMASK_DROP_MISSING) {
            d.nhosts = missing(opaque, i, NULL);
            if (!(flags & FEATMASK_COUNT_MISSING_HOSTS)) {
                d.hosts = g_new(size_t, d.nhosts);
                missing(opaque, i, d.hosts);
            }
        } else if (reason == FEATMASK_DROP_DEPENDENCY) {
            d.lost = featmask_set_missing_deps(b->common, i);
        }
        g_array_append_val(b->drops, d);
    }
}

FeatmaskBaseline *featmask_negotiate_folded(const FeatmaskMap *map,
                                            const FeatmaskSet *common,
                                            const FeatmaskSet *any,
                                            size_t nhosts,
                                            FeatmaskMissingHosts *missing,
                                            void *opaque, unsigned flags,
                                            Error **errp)
{
    g_autoptr(FeatmaskBaseline) b = NULL;
    g_autoptr(FeatmaskSet) gone = NULL;
    int i;

    if (nhosts == 0) {
        error_setg(errp, "no hosts to negotiate %s features for", map->kind);
        return NULL;
    }
    g_assert(common->map == map && any->map == map);
    b = g_new0(FeatmaskBaseline, 1);
    b->nhosts = nhosts;
    b->drops = g_array_new(FALSE, TRUE, sizeof(FeatmaskDrop));
    g_array_set_clear_func(b->drops, drop_clear);

    b->common = featmask_set_copy(common);
    gone = featmask_set_copy(any);
    featmask_set_subtract(gone, b->common);
    add_drops(b, gone, FEATMASK_DROP_MISSING, flags, missing, opaque);

    if (!(flags & FEATMASK_KEEP_UNMIGRATABLE)) {
        featmask_set_subtract(gone, gone);
        for (i = featmask_set_next(b->common, 0); i >= 0;
             i = featmask_set_next(b->common, i + 1)) {
            if (featmask_map_get(map, i)->unmigratable) {
                featmask_set_add(gone, i);
            }
        }
        featmask_set_subtract(b->common, gone);
        add_drops(b, gone, FEATMASK_DROP_UNMIGRATABLE, flags, NULL, NULL);
    }

    featmask_set_subtract(gone, gone);
    featmask_set_close(b->common, gone);
    add_drops(b, gone, FEATMASK_DROP_DEPENDENCY, flags, NULL, NULL);
    g_array_sort(b->drops, drop_cmp);

    if (featmask_set_is_empty(b->common) && !featmask_set_is_empty(any)) {
        error_setg(errp, "the %zu hosts have no %s feature in common",
                   nhosts, map->kind);
        return NULL;
    }
    return g_steal_pointer(&b);
}

FeatmaskBaseline *featmask_negotiate(const FeatmaskMap *map,
                                     const FeatmaskSet *const *hosts,
                                     size_t nhosts, unsigned flags,
                                     Error **errp)
{
    g_autoptr(FeatmaskSet) common = NULL;
    g_autoptr(FeatmaskSet) any = NULL;
    HostSets hs = { hosts, nhosts };
    FeatmaskBaseline *b;
    size_t h;

    if (nhosts == 0) {
        error_setg(errp, "no hosts to negotiate %s features for", map->kind);
        return NULL;
    }
    for (h = 0; h < nhosts; h++) {
        if (hosts[h]->map != map) {
            error_setg(errp, "the features of host %zu are %s features,"
                       " not %s features", h, hosts[h]->map->kind, map->kind);
            return NULL;
        }
    }
    common = featmask_set_copy(hosts[0]);
    any = featmask_set_copy(hosts[0]);
    for (h = 1; h < nhosts; h++) {
        featmask_set_intersect(common, hosts[h]);
        featmask_set_union(any, hosts[h]);
    }
    b = featmask_negotiate_folded(map, common, any, nhosts,
                                  host_sets_missing, &hs, flags, errp);
    if (!b) {
        return NULL;
    }
    b->turn_off = g_new0(FeatmaskSet *, nhosts);
    for (h = 0; h < nhosts; h++) {
        b->turn_off[h] = featmask_set_copy(hosts[h]);
        featmask_set_subtract(b->turn_off[h], b->common);
    }
    return b;
}

const FeatmaskSet *featmask_baseline_common(const FeatmaskBaseline *b)
{
    return b->common;
}

const FeatmaskSet *featmask_baseline_turn_off(const FeatmaskBaseline *b,
                                              size_t i)
{
    g_assert(b->turn_off && i < b->nhosts);
    return b->turn_off[i];
}

size_t featmask_baseline_ndrops(const FeatmaskBaseline *b)
{
    return b->drops->len;
}

const FeatmaskDrop *featmask_baseline_drop(const FeatmaskBaseline *b,
                                           size_t i)
{
    g_assert(i < b->drops->len);
    return &g_array_index(b->drops, FeatmaskDrop, i);
}

bool featmask_check(const FeatmaskSet *required, const FeatmaskSet *available,
                    FeatmaskSet **missing, Error **errp)
{
    g_autoptr(FeatmaskSet) m = NULL;

    if (missing) {
        *missing = NULL;
    }
    /* Sets from two files or two QEMUs: a mismatch is bad input. */
    if (required->map != available->map) {
        error_setg(errp, "cannot check %s features against %s features",
                   required->map->kind, available->map->kind);
        return false;
    }
    m = featmask_set_copy(required);
    featmask_set_subtract(m, available);
    if (!featmask_set_is_empty(m)) {
        g_autofree const char **names = featmask_set_to_names(m);
        g_autofree char *list = g_strjoinv(", ", (char **)names);

        error_setg(errp, "%s features not available: %s",
                   required->map->kind, list);
    }
    if (missing) {
        *missing = featmask_set_copy(m);
    }
    return featmask_set_is_empty(m);
}
