/*
 * featmask: the maps a group of host profiles is read with
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <pthread.h>
#include "qapi/error.h"
#include "hw/virtio/virtio-featmask.h"
#include "hw/virtio/virtio-featmask-devices.h"
#include "hw/misc/pvpanic-featmask.h"
#include "target/i386/featmask-cpu.h"
#include "profile.h"
#include "maps.h"

struct FeatmaskMaps {
    GHashTable *by_type;        /* device type -> FeatmaskMap * */
    /* profiles are read on several threads (pthread's: see inputs.c) */
    pthread_mutex_t lock;
};

FeatmaskMaps *featmask_maps_new(void)
{
    FeatmaskMaps *maps = g_new0(FeatmaskMaps, 1);

    maps->by_type = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)featmask_map_unref);
    pthread_mutex_init(&maps->lock, NULL);
    return maps;
}

void featmask_maps_free(FeatmaskMaps *maps)
{
    if (maps) {
        g_hash_table_destroy(maps->by_type);
        pthread_mutex_destroy(&maps->lock);
        g_free(maps);
    }
}

/* The shipped map of a kind or device type, new reference, or NULL. */
static FeatmaskMap *shipped_map(const char *type)
{
    const char *kind;

    if (!strcmp(type, X86_FEATMASK_KIND)) {
        return x86_featmask_map();
    }
    if (pvpanic_featmask_kind_of_type(type)) {
        return pvpanic_featmask_map();
    }
    kind = virtio_featmask_device_kind(type);
    return virtio_featmask_device_map(kind ? kind : type);
}

FeatmaskMap *featmask_maps_get(FeatmaskMaps *maps, const char *type)
{
    FeatmaskMap *map;

    pthread_mutex_lock(&maps->lock);
    map = g_hash_table_lookup(maps->by_type, type);
    if (!map) {
        map = shipped_map(type);
        if (map) {
            g_hash_table_insert(maps->by_type, g_strdup(type), map);
        }
    }
    pthread_mutex_unlock(&maps->lock);
    return map;
}

bool featmask_maps_add_dynamic(FeatmaskMaps *maps, const char *type,
                               const char *const *names, Error **errp)
{
    g_autoptr(FeatmaskMap) map = featmask_map_new(type,
                                                  "no map: by name only");

    g_assert(!featmask_maps_get(maps, type));
    for (; *names; names++) {
        if (featmask_map_lookup(map, *names) < 0 &&
            !featmask_map_add_dynamic(map, *names, FEATMASK_NO_BIT, errp)) {
            return false;
        }
    }
    if (!featmask_map_finalize(map, errp)) {
        return false;
    }
    pthread_mutex_lock(&maps->lock);
    g_hash_table_insert(maps->by_type, g_strdup(type),
                        g_steal_pointer(&map));
    pthread_mutex_unlock(&maps->lock);
    return true;
}

const char **featmask_maps_kinds(void)
{
    GPtrArray *kinds = g_ptr_array_new();
    size_t i;

    for (i = 0; virtio_featmask_kinds[i]; i++) {
        g_ptr_array_add(kinds, (char *)virtio_featmask_kinds[i]);
    }
    for (i = 0; virtio_featmask_device_kinds[i]; i++) {
        g_ptr_array_add(kinds, (char *)virtio_featmask_device_kinds[i]);
    }
    g_ptr_array_add(kinds, (char *)PVPANIC_FEATMASK_KIND);
    g_ptr_array_add(kinds, (char *)X86_FEATMASK_KIND);
    g_ptr_array_add(kinds, NULL);
    return (const char **)g_ptr_array_free(kinds, FALSE);
}
