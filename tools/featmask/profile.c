/*
 * featmask host profiles: the model (a profile, its CPU, devices and
 * switches), its lookups and freeing
 *
 * The JSON document is read by profile-read.c and written by
 * profile-write.c.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "profile.h"
#include "profile-internal.h"

struct FeatmaskDeviceIndex {
    GHashTable *by_id;          /* id (the device's) -> device */
    guint indexed;              /* how many of p->devices are in @by_id */
};

void featmask_profile_cpu_free(FeatmaskProfileCpu *cpu)
{
    if (cpu) {
        g_free(cpu->arch);
        g_free(cpu->vendor);
        g_free(cpu->model);
        g_free(cpu->source);
        g_free(cpu->view);
        featmask_set_free(cpu->features);
        g_strfreev(cpu->unknown_words);
        g_free(cpu);
    }
}

static void profile_device_free(void *opaque)
{
    FeatmaskProfileDevice *dev = opaque;

    g_free(dev->id);
    g_free(dev->type);
    g_free(dev->backend);
    g_free(dev->source);
    featmask_set_free(dev->features);
    g_free(dev);
}

void profile_switches_free(void *opaque)
{
    FeatmaskProfileSwitches *sw = opaque;

    g_free(sw->type);
    g_strfreev(sw->names);
    g_free(sw);
}

char *const *featmask_profile_switches(const FeatmaskProfile *p,
                                       const char *type)
{
    guint i;

    for (i = 0; p->qemu_switches && i < p->qemu_switches->len; i++) {
        FeatmaskProfileSwitches *sw = p->qemu_switches->pdata[i];

        if (!strcmp(sw->type, type)) {
            return sw->names;
        }
    }
    return NULL;
}

void featmask_profile_set_switches(FeatmaskProfile *p, const char *type,
                                   const char *const *names)
{
    FeatmaskProfileSwitches *sw = NULL;
    guint i;

    if (!p->qemu_switches) {
        p->qemu_switches =
            g_ptr_array_new_with_free_func(profile_switches_free);
    }
    for (i = 0; i < p->qemu_switches->len; i++) {
        FeatmaskProfileSwitches *s = p->qemu_switches->pdata[i];

        if (!strcmp(s->type, type)) {
            sw = s;
        }
    }
    if (!sw) {
        sw = g_new0(FeatmaskProfileSwitches, 1);
        sw->type = g_strdup(type);
        g_ptr_array_add(p->qemu_switches, sw);
    }
    g_strfreev(sw->names);
    sw->names = g_strdupv((char **)names);
}

FeatmaskProfile *featmask_profile_new(const char *host)
{
    FeatmaskProfile *p = g_new0(FeatmaskProfile, 1);

    p->host = g_strdup(host);
    p->devices = g_ptr_array_new_with_free_func(profile_device_free);
    p->device_index = g_new0(FeatmaskDeviceIndex, 1);
    p->device_index->by_id = g_hash_table_new(g_str_hash, g_str_equal);
    return p;
}

void featmask_profile_free(FeatmaskProfile *p)
{
    if (!p) {
        return;
    }
    g_free(p->host);
    g_free(p->file);
    g_free(p->qemu_kind);
    g_free(p->qemu_version);
    g_free(p->qemu_binary);
    g_free(p->qemu_accel);
    g_strfreev(p->qemu_args);
    g_strfreev(p->qemu_cpu_models);
    if (p->qemu_switches) {
        g_ptr_array_free(p->qemu_switches, TRUE);
    }
    featmask_profile_cpu_free(p->cpu);
    g_hash_table_destroy(p->device_index->by_id);
    g_free(p->device_index);
    g_ptr_array_free(p->devices, TRUE);
    g_free(p);
}

FeatmaskProfileDevice *featmask_profile_find_device(const FeatmaskProfile *p,
                                                    const char *id)
{
    FeatmaskDeviceIndex *index = p->device_index;

    for (; index->indexed < p->devices->len; index->indexed++) {
        FeatmaskProfileDevice *dev = p->devices->pdata[index->indexed];

        /* The first device of an id wins, as a search would find it. */
        if (dev->id && !g_hash_table_contains(index->by_id, dev->id)) {
            g_hash_table_insert(index->by_id, dev->id, dev);
        }
    }
    return g_hash_table_lookup(index->by_id, id);
}

FeatmaskProfileDevice *featmask_profile_add_device(FeatmaskProfile *p,
                                                   const char *id,
                                                   const char *type,
                                                   const char *source,
                                                   const FeatmaskMap *map)
{
    FeatmaskProfileDevice *dev = g_new0(FeatmaskProfileDevice, 1);

    dev->id = g_strdup(id);
    dev->type = g_strdup(type);
    dev->source = g_strdup(source);
    dev->features = featmask_set_new(map);
    g_ptr_array_add(p->devices, dev);
    return dev;
}
