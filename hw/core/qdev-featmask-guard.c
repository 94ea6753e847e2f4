/*
 * qdev feature masks: the migration guard
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "hw/qdev-core.h"
#include "hw/qdev-featmask.h"
#include "migration/vmstate.h"
#include "trace.h"

/*
 * The migration guard: with features=, the source sends the names of the
 * features its device offers, in a section of its own registered before
 * the device's, so the destination checks them before it loads the
 * device's state.  Without features= the section is not sent.
 */

#define QDEV_FEATMASK_GUARD_MAX 65536

static bool featmask_guard_needed(void *opaque)
{
    QdevFeatmask *fm = opaque;

    return fm->text != NULL;
}

static int featmask_guard_pre_save(void *opaque)
{
    QdevFeatmask *fm = opaque;
    g_autoptr(FeatmaskSet) offered = qdev_featmask_offered(fm->dev);
    g_autofree const char **names = featmask_set_to_names(offered);
    char *list = g_strjoinv(",", (char **)names);

    g_free(fm->guard_names);
    fm->guard_len = strlen(list);
    fm->guard_names = (uint8_t *)list;
    return 0;
}

static int featmask_guard_post_save(void *opaque)
{
    QdevFeatmask *fm = opaque;

    g_clear_pointer(&fm->guard_names, g_free);
    fm->guard_len = 0;
    return 0;
}

static bool featmask_guard_len_ok(void *opaque, int version_id)
{
    QdevFeatmask *fm = opaque;

    return fm->guard_len <= QDEV_FEATMASK_GUARD_MAX;
}

static int featmask_guard_pre_load(void *opaque)
{
    QdevFeatmask *fm = opaque;

    g_clear_pointer(&fm->guard_names, g_free);
    fm->guard_len = 0;
    return 0;
}

/*
 * Feature names are made of these (QEMU's property names); a comma
 * separates them.  Anything else, a NUL included, is a corrupted section:
 * a NUL would hide the names after it from the check.
 */
static bool featmask_guard_byte_ok(uint8_t c)
{
    return g_ascii_isalnum(c) || c == '_' || c == '-' || c == '.' ||
           c == ',';
}

/* The missing names listed in the error; the rest are counted. */
#define QDEV_FEATMASK_GUARD_SHOWN 16

static int featmask_guard_post_load(void *opaque, int version_id)
{
    QdevFeatmask *fm = opaque;
    g_autofree char *who = qdev_featmask_describe(fm->dev);
    g_autofree char *list = NULL;
    g_auto(GStrv) names = NULL;
    g_autoptr(FeatmaskSet) here = NULL;
    g_autoptr(GString) missing = g_string_new(NULL);
    unsigned n_missing = 0;
    uint32_t i;

    for (i = 0; i < fm->guard_len; i++) {
        if (!featmask_guard_byte_ok(fm->guard_names[i])) {
            error_report("%s: the migration stream's featmask section is"
                         " corrupted: byte 0x%02x at offset %" PRIu32
                         " of %" PRIu32 " is not part of a feature name",
                         who, fm->guard_names[i], i, fm->guard_len);
            g_clear_pointer(&fm->guard_names, g_free);
            return -EINVAL;
        }
    }
    /* An empty list arrives as no buffer at all. */
    list = fm->guard_len ? g_strndup((char *)fm->guard_names, fm->guard_len)
                         : g_strdup("");
    g_clear_pointer(&fm->guard_names, g_free);
    names = g_strsplit(list, ",", -1);
    here = qdev_featmask_offered(fm->dev);
    for (i = 0; names[i]; i++) {
        int idx;

        if (!*names[i]) {
            continue;
        }
        idx = featmask_map_lookup(fm->map, names[i]);
        if (idx >= 0 && featmask_set_has(here, idx)) {
            continue;
        }
        if (n_missing++ < QDEV_FEATMASK_GUARD_SHOWN) {
            /* No name is this long: a corrupted section's garbage. */
            g_string_append_printf(missing, "%s%.64s%s",
                                   missing->len ? ", " : "", names[i],
                                   strlen(names[i]) > 64 ? "..." : "");
        }
    }
    trace_qdev_featmask_guard_load(who, list, n_missing);
    if (!n_missing && names[0] && qdev_featmask_backend_lost(fm->dev)) {
        g_autofree char *backend = qdev_featmask_backend_describe(fm->dev);

        error_report("%s: features enabled on the source are not available"
                     " here: %s lost its backend", who,
                     backend ? backend : "the device");
        return -EINVAL;
    }
    if (n_missing) {
        if (n_missing > QDEV_FEATMASK_GUARD_SHOWN) {
            g_string_append_printf(missing, " and %u more",
                                   n_missing - QDEV_FEATMASK_GUARD_SHOWN);
        }
        error_report("%s: features enabled on the source are not available"
                     " here: %s", who, missing->str);
        return -EINVAL;
    }
    return 0;
}

static const VMStateDescription vmstate_qdev_featmask_guard = {
    .name = "featmask",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = featmask_guard_needed,
    .pre_save = featmask_guard_pre_save,
    .post_save = featmask_guard_post_save,
    .pre_load = featmask_guard_pre_load,
    .post_load = featmask_guard_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(guard_len, QdevFeatmask),
        VMSTATE_VALIDATE("featmask names fit", featmask_guard_len_ok),
        VMSTATE_VBUFFER_ALLOC_UINT32(guard_names, QdevFeatmask, 0, NULL,
                                     guard_len),
        VMSTATE_END_OF_LIST()
    },
};

bool qdev_featmask_guard_register(DeviceState *dev, QdevFeatmask *fm,
                                  Error **errp)
{
    if (vmstate_register_with_alias_id(VMSTATE_IF(dev),
                                       VMSTATE_INSTANCE_ID_ANY,
                                       &vmstate_qdev_featmask_guard, fm,
                                       -1, 0, errp) < 0) {
        return false;
    }
    fm->guard_registered = true;
    return true;
}

void qdev_featmask_guard_unregister(DeviceState *dev, QdevFeatmask *fm)
{
    if (fm->guard_registered) {
        vmstate_unregister(VMSTATE_IF(dev), &vmstate_qdev_featmask_guard,
                           fm);
        fm->guard_registered = false;
    }
}
