/*
 * featmask: Kubernetes node labels of a host, and the node selector of a
 * pool
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "labels.h"
#include "libvirt.h"

#define LABEL_NAME_MAX 63

static void label_free(void *opaque)
{
    FeatmaskLabel *l = opaque;

    g_free(l->name);
    g_free(l->value);
    g_free(l);
}

/* Kubernetes' rule for the name part of a label and for its value. */
static bool label_part_ok(const char *s)
{
    size_t n = strlen(s);

    return n && n <= LABEL_NAME_MAX && g_ascii_isalnum(s[0]) &&
           g_ascii_isalnum(s[n - 1]) &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789-_.") == n;
}

static bool add_label(GPtrArray *labels, const char *prefix, const char *name,
                      const char *value, Error **errp)
{
    FeatmaskLabel *l;

    if (!label_part_ok(name) || !label_part_ok(value)) {
        error_setg(errp, "'%s%s=%s' is not a valid Kubernetes label (names"
                   " and values: up to 63 of A-Z a-z 0-9 . _ -, starting and"
                   " ending alphanumeric)", prefix, name, value);
        return false;
    }
    l = g_new0(FeatmaskLabel, 1);
    l->name = g_strconcat(prefix, name, NULL);
    l->value = g_strdup(value);
    g_ptr_array_add(labels, l);
    return true;
}

/* KubeVirt's vendor names are libvirt's. */
static const char *vendor_name(const char *cpuid_vendor)
{
    static const char *const names[][2] = {
        { "GenuineIntel", "Intel" },
        { "AuthenticAMD", "AMD" },
        { "HygonGenuine", "Hygon" },
        { "CentaurHauls", "VIA" },
        { "  Shanghai  ", "Zhaoxin" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        if (!strcmp(names[i][0], cpuid_vendor)) {
            return names[i][1];
        }
    }
    return NULL;
}

static bool add_cpu_features(GPtrArray *labels, const FeatmaskSet *set,
                             bool x86, Error **errp)
{
    const FeatmaskMap *map = featmask_set_map(set);
    int f;

    for (f = featmask_set_next(set, 0); f >= 0;
         f = featmask_set_next(set, f + 1)) {
        const char *q = featmask_map_get(map, f)->name;
        const char *lv = x86 ? featmask_libvirt_cpu_feature(q) : NULL;

        if (!add_label(labels, lv ? KUBEVIRT_LABEL_CPU_FEATURE
                                  : FEATMASK_LABEL_CPU_FEATURE,
                       lv ? lv : q, "true", errp)) {
            return false;
        }
    }
    return true;
}

/*
 * Every libvirt model whose features the host has: the QEMU model version
 * that has libvirt's name as its name (version 1) or its alias.
 */
static bool add_cpu_models(GPtrArray *labels, const FeatmaskProfileCpu *cpu,
                           Error **errp)
{
    const char *const *lv = featmask_libvirt_cpu_models();
    size_t n, m, v;
    const X86Model *models = x86_models(&n);

    for (; *lv; lv++) {
        for (m = 0; m < n; m++) {
            for (v = 0; v < models[m].nversions; v++) {
                const X86ModelVersion *mv = &models[m].versions[v];
                const char *name = mv->version == 1 ? models[m].name
                                                    : mv->alias;
                g_autoptr(FeatmaskSet) need = NULL;

                if (!name || strcmp(name, *lv) ||
                    strcmp(models[m].vendor, cpu->vendor)) {
                    continue;
                }
                need = x86_model_features(&models[m], mv->version,
                                          &error_abort);
                if (featmask_set_is_subset(need, cpu->features) &&
                    !add_label(labels, KUBEVIRT_LABEL_CPU_MODEL, *lv,
                               "true", errp)) {
                    return false;
                }
            }
        }
    }
    return true;
}

static bool add_device(GPtrArray *labels, const char *id, const char *type,
                       const FeatmaskSet *set, Error **errp)
{
    const FeatmaskMap *map = featmask_set_map(set);
    int f;

    if (!add_label(labels, FEATMASK_LABEL_DEVICE_TYPE, id, type, errp)) {
        error_prepend(errp, "device '%s': ", id);
        return false;
    }
    for (f = featmask_set_next(set, 0); f >= 0;
         f = featmask_set_next(set, f + 1)) {
        g_autofree char *name = g_strdup_printf("%s.%s", id,
            featmask_map_get(map, f)->name);

        if (!add_label(labels, FEATMASK_LABEL_DEVICE_FEATURE, name, "true",
                       errp)) {
            error_prepend(errp, "device '%s': ", id);
            return false;
        }
    }
    return true;
}

static bool add_vendor(GPtrArray *labels, const char *cpuid_vendor,
                       Error **errp)
{
    const char *v = cpuid_vendor ? vendor_name(cpuid_vendor) : NULL;

    return !v || add_label(labels, KUBEVIRT_LABEL_CPU_VENDOR, v, "true",
                           errp);
}

GPtrArray *featmask_labels_host(const FeatmaskProfile *p, Error **errp)
{
    g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func(label_free);
    guint d;

    if (p->cpu) {
        bool x86 = !strcmp(featmask_map_kind(featmask_set_map(
                                p->cpu->features)), X86_FEATMASK_KIND);

        if (!add_vendor(labels, p->cpu->vendor, errp) ||
            (x86 && p->cpu->vendor && !add_cpu_models(labels, p->cpu,
                                                      errp)) ||
            !add_cpu_features(labels, p->cpu->features, x86, errp)) {
            return NULL;
        }
    }
    for (d = 0; d < p->devices->len; d++) {
        FeatmaskProfileDevice *dev = p->devices->pdata[d];

        if (!add_device(labels, dev->id, dev->type, dev->features, errp)) {
            return NULL;
        }
    }
    return g_steal_pointer(&labels);
}

GPtrArray *featmask_labels_selector(const FeatmaskPool *pool, Error **errp)
{
    g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func(label_free);
    guint d;

    if (pool->cpu) {
        const FeatmaskSet *common = featmask_baseline_common(
            pool->cpu->baseline);

        if (!add_vendor(labels, pool->cpu_vendor, errp) ||
            !add_cpu_features(labels, common, !strcmp(featmask_map_kind(
                pool->cpu->map), X86_FEATMASK_KIND), errp)) {
            return NULL;
        }
    }
    for (d = 0; d < pool->devices->len; d++) {
        FeatmaskPoolItem *item = pool->devices->pdata[d];

        if (!add_device(labels, item->id, item->type,
                        featmask_baseline_common(item->baseline), errp)) {
            return NULL;
        }
    }
    return g_steal_pointer(&labels);
}

char *featmask_labels_format(GPtrArray *labels, const char *host)
{
    GString *s = g_string_new(NULL);
    g_autofree char *name = g_strescape(host, NULL);    /* one line */
    guint i;

    g_string_append_printf(s, "# featmask labels of host '%s' for "
        "node-feature-discovery (features.d)\n# CPU: KubeVirt's names "
        "(libvirt %s); what libvirt cannot name: %s<QEMU name>\n"
        "# devices: %s<id>=<type>, %s<id>.<feature>\n", name,
        FEATMASK_LIBVIRT_VERSION, FEATMASK_LABEL_CPU_FEATURE,
        FEATMASK_LABEL_DEVICE_TYPE, FEATMASK_LABEL_DEVICE_FEATURE);
    for (i = 0; i < labels->len; i++) {
        FeatmaskLabel *l = labels->pdata[i];

        g_string_append_printf(s, "%s=%s\n", l->name, l->value);
    }
    return g_string_free(s, FALSE);
}
