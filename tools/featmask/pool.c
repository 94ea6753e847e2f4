/*
 * featmask: negotiation over the host profiles of a migration pool
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "pool.h"

static void pool_item_free(void *opaque)
{
    FeatmaskPoolItem *item = opaque;

    if (item) {
        featmask_baseline_free(item->baseline);
        g_free(item);
    }
}

void featmask_pool_free(FeatmaskPool *pool)
{
    if (!pool) {
        return;
    }
    pool_item_free(pool->cpu);
    g_free(pool->cpu_vendor);
    g_ptr_array_free(pool->devices, TRUE);
    g_ptr_array_free(pool->warnings, TRUE);
    g_free(pool);
}

static FeatmaskProfile *host(const FeatmaskPool *pool, guint i)
{
    return pool->profiles->pdata[i];
}

bool featmask_cpus_comparable(const FeatmaskProfile *a,
                              const FeatmaskProfile *b, Error **errp)
{
    if (strcmp(a->cpu->arch, b->cpu->arch)) {
        error_setg(errp, "host '%s' has a CPU of architecture %s, host '%s'"
                   " one of %s: no guest migrates between them", b->host,
                   b->cpu->arch, a->host, a->cpu->arch);
        return false;
    }
    return true;
}

/*
 * Negotiate one item whose per-host sets are @sets.  Sets over different
 * maps are an input error (the core would refuse them too, but as if the
 * hosts had nothing in common).
 */
static FeatmaskPoolItem *negotiate_item(FeatmaskPool *pool, const char *id,
                                        const char *type,
                                        const FeatmaskSet **sets,
                                        unsigned flags, bool *incompatible,
                                        Error **errp)
{
    const FeatmaskMap *map = featmask_set_map(sets[0]);
    g_autofree FeatmaskPoolItem *item = g_new0(FeatmaskPoolItem, 1);
    guint i;

    for (i = 1; i < pool->profiles->len; i++) {
        if (featmask_set_map(sets[i]) != map) {
            error_setg(errp, "%s%s%s: the features of hosts '%s' and '%s'"
                       " are over different maps (%s, %s): profiles must be"
                       " read together", id ? "device '" : "the CPU",
                       id ? id : "", id ? "'" : "", host(pool, 0)->host,
                       host(pool, i)->host, featmask_map_kind(map),
                       featmask_map_kind(featmask_set_map(sets[i])));
            return NULL;
        }
    }
    item->id = id;
    item->type = type;
    item->map = map;
    item->baseline = featmask_negotiate(map, sets, pool->profiles->len,
                                        flags, errp);
    if (!item->baseline) {
        *incompatible = true;
        if (id) {
            error_prepend(errp, "device '%s': ", id);
        }
        return NULL;
    }
    if (featmask_map_is_dynamic(map)) {
        g_ptr_array_add(pool->warnings, g_strdup_printf(
            "featmask has no feature map for %s: its features are matched"
            " by name, without dependencies", type));
    }
    return g_steal_pointer(&item);
}

/*
 * The feature words some host's CPU data could not tell: the baseline
 * lacks their features for want of knowledge, not for want of support.
 */
static char **pool_unknown_words(const FeatmaskPool *pool)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *words = g_ptr_array_new();
    guint i;
    char **w;

    for (i = 0; i < pool->profiles->len; i++) {
        for (w = host(pool, i)->cpu->unknown_words; w && *w; w++) {
            if (g_hash_table_add(seen, *w)) {
                g_ptr_array_add(words, g_strdup(*w));
            }
        }
    }
    g_ptr_array_add(words, NULL);
    return (char **)g_ptr_array_free(words, FALSE);
}

static bool negotiate_cpu(FeatmaskPool *pool, unsigned flags,
                          bool *incompatible, Error **errp)
{
    guint n = pool->profiles->len, i;
    g_autofree const FeatmaskSet **sets = g_new(const FeatmaskSet *, n);
    FeatmaskProfileCpu *first = host(pool, 0)->cpu;

    for (i = 0; i < n; i++) {
        FeatmaskProfileCpu *cpu = host(pool, i)->cpu;

        if (!cpu != !first) {
            error_setg(errp, "host '%s' has %s CPU in its profile but host"
                       " '%s' has %s", host(pool, i)->host, cpu ? "a" : "no",
                       host(pool, 0)->host, first ? "one" : "none");
            return false;
        }
        if (!cpu) {
            return true;
        }
        if (!featmask_cpus_comparable(host(pool, 0), host(pool, i), errp)) {
            return false;
        }
        sets[i] = cpu->features;
    }
    /* The baseline lists them all: it must stay a profile featmask reads. */
    {
        g_auto(GStrv) words = pool_unknown_words(pool);

        if (g_strv_length(words) > FEATMASK_PROFILE_MAX_FEATURES) {
            error_setg(errp, "the hosts' CPU data leave more than %d"
                       " different feature words unknown",
                       FEATMASK_PROFILE_MAX_FEATURES);
            return false;
        }
    }
    pool->cpu_vendor = g_strdup(first->vendor);
    for (i = 1; i < n; i++) {
        if (g_strcmp0(pool->cpu_vendor, host(pool, i)->cpu->vendor)) {
            g_ptr_array_add(pool->warnings, g_strdup_printf(
                "the hosts have CPUs of different vendors (%s on '%s', %s on"
                " '%s'): a guest can migrate, but only with the features both"
                " implement", first->vendor ? first->vendor : "unknown",
                host(pool, 0)->host, host(pool, i)->cpu->vendor ?
                host(pool, i)->cpu->vendor : "unknown",
                host(pool, i)->host));
            g_clear_pointer(&pool->cpu_vendor, g_free);
            break;
        }
    }
    pool->cpu = negotiate_item(pool, NULL, featmask_map_kind(
                                   featmask_set_map(sets[0])),
                               sets, flags, incompatible, errp);
    return pool->cpu != NULL;
}

static bool negotiate_devices(FeatmaskPool *pool, unsigned flags,
                              bool *incompatible, Error **errp)
{
    guint n = pool->profiles->len, i, d;
    g_autofree const FeatmaskSet **sets = g_new(const FeatmaskSet *, n);

    /* Every host must have exactly the devices of the first. */
    for (i = 1; i < n; i++) {
        for (d = 0; d < host(pool, i)->devices->len; d++) {
            FeatmaskProfileDevice *dev = host(pool, i)->devices->pdata[d];

            if (!featmask_profile_find_device(host(pool, 0), dev->id)) {
                error_setg(errp, "device '%s' of host '%s' is missing on host"
                           " '%s'", dev->id, host(pool, i)->host,
                           host(pool, 0)->host);
                return false;
            }
        }
    }
    for (d = 0; d < host(pool, 0)->devices->len; d++) {
        FeatmaskProfileDevice *dev = host(pool, 0)->devices->pdata[d];
        FeatmaskPoolItem *item;

        for (i = 0; i < n; i++) {
            FeatmaskProfileDevice *other =
                featmask_profile_find_device(host(pool, i), dev->id);

            if (!other) {
                error_setg(errp, "device '%s' of host '%s' is missing on host"
                           " '%s'", dev->id, host(pool, 0)->host,
                           host(pool, i)->host);
                return false;
            }
            if (strcmp(other->type, dev->type)) {
                error_setg(errp, "device '%s' is a %s on host '%s' but a %s"
                           " on host '%s'", dev->id, dev->type,
                           host(pool, 0)->host, other->type,
                           host(pool, i)->host);
                return false;
            }
            sets[i] = other->features;
        }
        item = negotiate_item(pool, dev->id, dev->type, sets, flags,
                              incompatible, errp);
        if (!item) {
            return false;
        }
        g_ptr_array_add(pool->devices, item);
    }
    return true;
}

FeatmaskPool *featmask_pool_negotiate(GPtrArray *profiles, unsigned flags,
                                      bool *incompatible, Error **errp)
{
    g_autoptr(FeatmaskPool) pool = g_new0(FeatmaskPool, 1);
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
    guint i;

    *incompatible = false;
    pool->profiles = profiles;
    pool->devices = g_ptr_array_new_with_free_func(pool_item_free);
    pool->warnings = g_ptr_array_new_with_free_func(g_free);
    if (!profiles->len) {
        error_setg(errp, "no host profiles to negotiate");
        return NULL;
    }
    for (i = 0; i < profiles->len; i++) {
        FeatmaskProfile *p = profiles->pdata[i];

        if (!g_hash_table_add(names, p->host)) {
            error_setg(errp, "host name '%s' is used by two profiles%s%s",
                       p->host, p->file ? ", the second is " : "",
                       p->file ? p->file : "");
            return NULL;
        }
    }
    if (!negotiate_cpu(pool, flags, incompatible, errp) ||
        !negotiate_devices(pool, flags, incompatible, errp)) {
        return NULL;
    }
    return g_steal_pointer(&pool);
}

FeatmaskProfile *featmask_pool_baseline(const FeatmaskPool *pool)
{
    FeatmaskProfile *b = featmask_profile_new("baseline");
    FeatmaskProfile *first = host(pool, 0);
    guint d;

    if (pool->cpu) {
        b->cpu = g_new0(FeatmaskProfileCpu, 1);
        b->cpu->arch = g_strdup(first->cpu->arch);
        b->cpu->vendor = g_strdup(pool->cpu_vendor);
        b->cpu->source = g_strdup("baseline");
        b->cpu->features = featmask_set_copy(
            featmask_baseline_common(pool->cpu->baseline));
        b->cpu->unknown_words = pool_unknown_words(pool);
    }
    for (d = 0; d < pool->devices->len; d++) {
        FeatmaskPoolItem *item = pool->devices->pdata[d];
        FeatmaskProfileDevice *dev = featmask_profile_add_device(
            b, item->id, item->type, "baseline", item->map);

        featmask_set_union(dev->features,
                           featmask_baseline_common(item->baseline));
    }
    return b;
}

char *featmask_drop_describe(const FeatmaskPool *pool,
                             const FeatmaskDrop *drop)
{
    GString *s;
    size_t i;

    switch (drop->reason) {
    case FEATMASK_DROP_MISSING:
        s = g_string_new("missing on ");
        for (i = 0; i < drop->nhosts; i++) {
            g_string_append_printf(s, "%s%s", i ? ", " : "",
                                   host(pool, drop->hosts[i])->host);
        }
        return g_string_free(s, FALSE);
    case FEATMASK_DROP_DEPENDENCY:
        return g_strdup_printf("needs %s", drop->lost);
    case FEATMASK_DROP_UNMIGRATABLE:
        return g_strdup("QEMU cannot migrate it");
    }
    g_assert_not_reached();
}
