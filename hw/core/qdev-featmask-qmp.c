/*
 * QMP commands of qdev feature masks: query-device-features and
 * query-features-baseline
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/util.h"
#include "qapi/qapi-commands-featmask.h"
#include "hw/qdev-core.h"
#include "hw/qdev-featmask.h"

static strList *featmask_str_list(const FeatmaskSet *set)
{
    g_autofree const char **names = featmask_set_to_names(set);
    strList *list = NULL, **tail = &list;
    size_t i;

    for (i = 0; names[i]; i++) {
        QAPI_LIST_APPEND(tail, g_strdup(names[i]));
    }
    return list;
}

static DeviceBackend *featmask_device_backend(DeviceState *dev)
{
    g_autoptr(QdevFeatmaskBackend) be = qdev_featmask_backend(dev);
    DeviceBackend *info;

    if (!be) {
        return NULL;
    }
    info = g_new0(DeviceBackend, 1);
    info->type = qapi_enum_parse(&DeviceBackendType_lookup, be->type, -1,
                                 &error_abort);
    info->id = g_steal_pointer(&be->id);
    info->driver = g_steal_pointer(&be->driver);
    return info;
}

static DeviceFeatures *featmask_device_features(DeviceState *dev,
                                                QdevFeatmask *fm)
{
    DeviceState *user = qdev_featmask_user_device(dev);
    DeviceFeatures *info = g_new0(DeviceFeatures, 1);
    g_autoptr(FeatmaskSet) available = qdev_featmask_available(dev);
    g_autoptr(FeatmaskSet) offered = qdev_featmask_offered(dev);
    g_autoptr(FeatmaskSet) acked = qdev_featmask_acked(dev);

    info->qom_path = object_get_canonical_path(OBJECT(user));
    info->id = g_strdup(user->id);
    info->type = g_strdup(object_get_typename(OBJECT(user)));
    info->kind = g_strdup(featmask_map_kind(fm->map));
    info->backend = featmask_device_backend(dev);
    info->available = featmask_str_list(available);
    info->mask = g_strdup(fm->text);
    if (fm->requested) {
        info->has_requested = true;
        info->requested = featmask_str_list(fm->requested);
    }
    info->enabled = featmask_str_list(offered);
    info->acked = featmask_str_list(acked);
    return info;
}

static void featmask_collect(DeviceState *dev, QdevFeatmask *fm,
                             void *opaque)
{
    GPtrArray *all = opaque;

    g_ptr_array_add(all, featmask_device_features(dev, fm));
}

static int featmask_cmp_path(gconstpointer a, gconstpointer b)
{
    const DeviceFeatures *x = *(DeviceFeatures *const *)a;
    const DeviceFeatures *y = *(DeviceFeatures *const *)b;

    return strcmp(x->qom_path, y->qom_path);
}

/* Every device with a feature map, in QOM path order. */
static GPtrArray *featmask_all_devices(void)
{
    GPtrArray *all = g_ptr_array_new();

    qdev_featmask_foreach(featmask_collect, all);
    g_ptr_array_sort(all, featmask_cmp_path);
    return all;
}

DeviceFeaturesList *qmp_query_device_features(const char *id, Error **errp)
{
    g_autoptr(GPtrArray) all = featmask_all_devices();
    DeviceFeaturesList *list = NULL, **tail = &list;
    bool found = false;
    guint i;

    for (i = 0; i < all->len; i++) {
        DeviceFeatures *info = all->pdata[i];

        if (id && g_strcmp0(info->id, id) && strcmp(info->qom_path, id)) {
            qapi_free_DeviceFeatures(info);
            continue;
        }
        found = true;
        QAPI_LIST_APPEND(tail, info);
    }
    if (id && !found) {
        error_setg(errp, "no device '%s' with a feature map", id);
    }
    return list;
}

/* The map of the device @id (an id or a QOM path). */
static FeatmaskMap *featmask_device_map(const char *id, Error **errp)
{
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", id);
    Object *obj = object_resolve_path(path, NULL);
    DeviceState *holder;

    if (!obj) {
        obj = object_resolve_path(id, NULL);
    }
    if (!obj || !qdev_featmask_get(obj, &holder)) {
        error_setg(errp, "no device '%s' with a feature map", id);
        return NULL;
    }
    return qdev_featmask_map(holder, errp);
}

/*
 * A map of the names the hosts give, for a kind without a map.  The
 * names come from the client: a bad one (empty) is its error.
 */
static FeatmaskMap *featmask_names_map(const char *kind,
                                       FeaturesBaselineHostList *hosts,
                                       Error **errp)
{
    g_autoptr(FeatmaskMap) map = featmask_map_new(kind,
                                                  "negotiated by name");
    FeaturesBaselineHostList *h;
    strList *s;

    for (h = hosts; h; h = h->next) {
        for (s = h->value->features; s; s = s->next) {
            if (featmask_map_lookup(map, s->value) < 0 &&
                !featmask_map_add_dynamic(map, s->value, FEATMASK_NO_BIT,
                                          errp)) {
                return NULL;
            }
        }
    }
    if (!featmask_map_finalize(map, errp)) {
        return NULL;
    }
    return g_steal_pointer(&map);
}

static void featmask_free_sets(GPtrArray *sets)
{
    guint i;

    for (i = 0; i < sets->len; i++) {
        featmask_set_free(sets->pdata[i]);
    }
    g_ptr_array_free(sets, TRUE);
}

FeaturesBaseline *qmp_query_features_baseline(const char *device,
                                              const char *kind,
                                              FeaturesBaselineHostList *hosts,
                                              bool has_keep_unmigratable,
                                              bool keep_unmigratable,
                                              Error **errp)
{
    ERRP_GUARD();
    g_autoptr(FeatmaskMap) map = NULL;
    g_autoptr(FeatmaskBaseline) b = NULL;
    g_autoptr(FeatmaskMask) mask = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GPtrArray *sets = g_ptr_array_new();
    FeaturesBaselineHostList *h;
    FeaturesBaseline *ret = NULL;
    FeaturesBaselineTurnOffList **turn_tail;
    FeatureDropList **drop_tail;
    bool dynamic = false;
    size_t i;

    if (!device == !kind) {
        error_setg(errp, "give exactly one of 'device' and 'kind'");
        goto out;
    }
    if (device) {
        map = featmask_device_map(device, errp);
    } else {
        map = qdev_featmask_kind_map(kind);
        if (!map) {
            map = featmask_names_map(kind, hosts, errp);
            dynamic = true;
        }
    }
    if (!map) {
        goto out;
    }

    for (h = hosts; h; h = h->next) {
        g_autoptr(GPtrArray) list = g_ptr_array_new();
        FeatmaskSet *set;
        strList *s;

        for (s = h->value->features; s; s = s->next) {
            g_ptr_array_add(list, s->value);
        }
        g_ptr_array_add(list, NULL);
        set = featmask_set_from_names(map, (const char *const *)list->pdata,
                                      errp);
        if (!set) {
            error_prepend(errp, "host '%s': ", h->value->host);
            goto out;
        }
        g_ptr_array_add(sets, set);
        g_ptr_array_add(names, h->value->host);
    }
    b = featmask_negotiate(map, (const FeatmaskSet *const *)sets->pdata,
                           sets->len,
                           keep_unmigratable ? FEATMASK_KEEP_UNMIGRATABLE : 0,
                           errp);
    if (!b) {
        goto out;
    }

    ret = g_new0(FeaturesBaseline, 1);
    ret->kind = g_strdup(featmask_map_kind(map));
    ret->dynamic = dynamic || featmask_map_is_dynamic(map);
    ret->common = featmask_str_list(featmask_baseline_common(b));
    mask = featmask_mask_from_set(featmask_baseline_common(b));
    ret->mask = g_strdelimit(featmask_mask_format(mask), ",", ':');
    turn_tail = &ret->hosts;
    for (i = 0; i < sets->len; i++) {
        FeaturesBaselineTurnOff *t = g_new0(FeaturesBaselineTurnOff, 1);

        t->host = g_strdup(names->pdata[i]);
        t->turn_off = featmask_str_list(featmask_baseline_turn_off(b, i));
        QAPI_LIST_APPEND(turn_tail, t);
    }
    drop_tail = &ret->dropped;
    for (i = 0; i < featmask_baseline_ndrops(b); i++) {
        const FeatmaskDrop *d = featmask_baseline_drop(b, i);
        FeatureDrop *fd = g_new0(FeatureDrop, 1);
        strList **host_tail = &fd->hosts;
        size_t j;

        fd->feature = g_strdup(featmask_map_get(map, d->feature)->name);
        switch (d->reason) {
        case FEATMASK_DROP_MISSING:
            fd->reason = FEATURE_DROP_REASON_MISSING;
            fd->has_hosts = true;
            for (j = 0; j < d->nhosts; j++) {
                QAPI_LIST_APPEND(host_tail,
                                 g_strdup(names->pdata[d->hosts[j]]));
            }
            break;
        case FEATMASK_DROP_DEPENDENCY:
            fd->reason = FEATURE_DROP_REASON_DEPENDENCY;
            fd->needs = g_strdup(d->lost);
            break;
        default:
            fd->reason = FEATURE_DROP_REASON_UNMIGRATABLE;
            break;
        }
        QAPI_LIST_APPEND(drop_tail, fd);
    }

out:
    featmask_free_sets(sets);
    return ret;
}
