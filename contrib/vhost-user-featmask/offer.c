/*
 * vhost-user-featmask: which virtio features the backend offers
 *
 * The offered set comes from the project's mask language over the
 * virtio-net (or virtio-blk) feature map, or from a featmask host
 * profile, so that two backend processes can play two hosts whose switch
 * (or storage) software differs.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"

#include <inttypes.h>

#include "qemu/featmask.h"
#include "hw/virtio/virtio-featmask.h"
#include "tools/featmask/profile.h"
#include "vhost-user-proto.h"
#include "offer.h"

/*
 * The bits QEMU (10.0, and 7.2 but for notification_data) negotiates with
 * a vhost-user backend: the guest sees one of these only if the backend
 * offers it.  Every other bit is emulated by QEMU itself.
 */
static const int net_backend_bits[] = {
    0, 1, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,    /* offloads, mtu */
    21, 22,                                         /* announce, mq */
    24, 27, 28, 29,                     /* notify_on_empty .. event_idx */
    32, 33, 34, 35, 38, 40,             /* version_1 .. ring_reset */
    54, 55, 56, 57, 60, 61,             /* uso, hash_report, rss, rsc */
    -1
};

static const int blk_backend_bits[] = {
    1, 2, 4, 5, 6, 9, 10, 11, 12, 13, 14,   /* size_max .. write_zeroes */
    24, 28, 29,                         /* notify_on_empty .. event_idx */
    32, 33, 34, 35, 38, 40,             /* version_1 .. ring_reset */
    -1
};

bool vuf_bit_from_backend(const char *kind, int bit)
{
    const int *bits = strcmp(kind, "virtio-blk") == 0 ? blk_backend_bits
                                                      : net_backend_bits;

    for (size_t i = 0; bits[i] >= 0; i++) {
        if (bits[i] == bit) {
            return true;
        }
    }
    return false;
}

static const char *vhost_bit_name(int bit)
{
    switch (bit) {
    case VU_F_LOG_ALL:
        return "vhost_log_all";
    case VU_F_PROTOCOL_FEATURES:
        return "vhost_user_protocol_features";
    default:
        return NULL;
    }
}

char *vuf_features_names(const FeatmaskMap *map, uint64_t bits)
{
    g_autoptr(GString) s = g_string_new(NULL);

    for (int bit = 0; bit < 64; bit++) {
        const char *name = NULL;
        int idx;

        if (!(bits & (1ull << bit))) {
            continue;
        }
        idx = featmask_map_lookup_bit(map, bit);
        if (idx >= 0) {
            name = featmask_map_get(map, idx)->name;
        } else {
            name = vhost_bit_name(bit);
        }
        if (s->len) {
            g_string_append_c(s, ',');
        }
        if (name) {
            g_string_append(s, name);
        } else {
            g_string_append_printf(s, "bit%d", bit);
        }
    }
    return g_strdup(s->len ? s->str : "none");
}

/* The device's set in @file, re-expressed over @map (of its kind). */
static FeatmaskSet *profile_device_set(const FeatmaskMap *map,
                                       const char *file, const char *device,
                                       Error **errp)
{
    const char *files[] = { file };
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(GPtrArray) profiles = NULL;
    FeatmaskProfile *p;
    FeatmaskProfileDevice *dev;
    const FeatmaskMap *dmap;
    const char *kind;

    profiles = featmask_profiles_load(files, 1, maps, errp);
    if (!profiles) {
        return NULL;
    }
    p = g_ptr_array_index(profiles, 0);
    dev = featmask_profile_find_device(p, device);
    if (!dev) {
        error_setg(errp, "profile '%s' has no device '%s'", file, device);
        return NULL;
    }
    kind = dev->type ? virtio_featmask_kind_of_type(dev->type) : NULL;
    dmap = featmask_set_map(dev->features);
    if (g_strcmp0(kind, featmask_map_kind(map)) != 0 ||
        strcmp(featmask_map_kind(dmap), featmask_map_kind(map)) != 0) {
        error_setg(errp, "device '%s' in profile '%s' is a '%s', not a "
                   "%s device", device, file,
                   dev->type ? dev->type : "(no type)",
                   featmask_map_kind(map));
        return NULL;
    }
    if (dmap == map) {
        return featmask_set_copy(dev->features);
    } else {
        /* Same kind, another instance of the map: go through names. */
        g_autofree const char **names = featmask_set_to_names(dev->features);

        return featmask_set_from_names(map, names, errp);
    }
}

bool vuf_features_select(VufFeatures *f, const char *kind, const char *mask,
                         const char *profile, const char *device,
                         Error **errp)
{
    g_autoptr(FeatmaskMap) map = virtio_featmask_map(kind);
    g_autoptr(FeatmaskSet) dflt = NULL;
    g_autoptr(FeatmaskSet) selected = NULL;
    g_autoptr(FeatmaskMask) parsed = NULL;
    g_autofree char *source = NULL;
    uint64_t words[2] = { 0, 0 };

    if (!map) {
        error_setg(errp, "featmask has no '%s' feature map", kind);
        return false;
    }
    if (profile && !device) {
        error_setg(errp, "--profile needs --device ID");
        return false;
    }
    if (device && !profile) {
        error_setg(errp, "--device needs --profile FILE");
        return false;
    }

    if (profile) {
        dflt = profile_device_set(map, profile, device, errp);
        if (!dflt) {
            return false;
        }
        source = g_strdup_printf("profile '%s' device '%s'", profile, device);
    } else {
        dflt = featmask_set_new_full(map);
        source = g_strdup_printf("the whole %s map", kind);
    }

    if (mask) {
        const FeatmaskSet *off;

        parsed = featmask_mask_parse(map, mask, errp);
        if (!parsed) {
            return false;
        }
        off = featmask_mask_off(parsed);
        for (int i = featmask_set_next(off, 0); i >= 0;
             i = featmask_set_next(off, i + 1)) {
            int bit = featmask_map_get(map, i)->bit;

            if (bit >= 0 && bit < 64 && (VUF_MANDATORY_BITS & (1ull << bit))) {
                error_setg(errp, "feature '%s' is mandatory for this backend "
                           "and cannot be switched off",
                           featmask_map_get(map, i)->name);
                return false;
            }
        }
        selected = featmask_mask_apply(parsed, dflt);
        if (profile && !featmask_check(selected, dflt, NULL, errp)) {
            error_prepend(errp, "mask '%s' asks for more than %s offers: ",
                          mask, source);
            return false;
        }
        if (profile) {
            g_free(source);
            source = g_strdup_printf("profile '%s' device '%s', mask '%s'",
                                     profile, device, mask);
        } else {
            g_free(source);
            source = g_strdup_printf("mask '%s'", mask);
        }
    } else {
        selected = featmask_set_copy(dflt);
    }

    featmask_set_to_bits(selected, words, G_N_ELEMENTS(words));
    if (words[1]) {
        error_setg(errp, "features above bit 63 cannot be offered over "
                   "vhost-user (GET_FEATURES is 64 bits wide)");
        return false;
    }

    f->kind = featmask_map_kind(map);
    f->map = g_steal_pointer(&map);
    f->selected = g_steal_pointer(&selected);
    f->offered = words[0] | VUF_MANDATORY_BITS;
    f->source = g_steal_pointer(&source);
    return true;
}

void vuf_features_clear(VufFeatures *f)
{
    featmask_set_free(f->selected);
    featmask_map_unref(f->map);
    g_free(f->source);
    memset(f, 0, sizeof(*f));
}

void vuf_features_print(const VufFeatures *f, FILE *out)
{
    g_autoptr(FeatmaskSet) closed = featmask_set_copy(f->selected);

    fprintf(out, "offered 0x%016" PRIx64 "\n", f->offered);
    fprintf(out, "mandatory 0x%016" PRIx64 "\n", (uint64_t)VUF_MANDATORY_BITS);
    fprintf(out, "source %s\n", f->source);
    for (int bit = 0; bit < 64; bit++) {
        const char *name = vhost_bit_name(bit);
        const char *who;
        int idx;

        if (!(f->offered & (1ull << bit))) {
            continue;
        }
        idx = featmask_map_lookup_bit(f->map, bit);
        if (idx >= 0) {
            name = featmask_map_get(f->map, idx)->name;
            who = vuf_bit_from_backend(f->kind, bit) ? "backend" : "qemu";
        } else {
            who = "vhost";
        }
        fprintf(out, "%2d %-30s %s%s\n", bit, name ? name : "?", who,
                (VUF_MANDATORY_BITS & (1ull << bit)) ? " mandatory" : "");
    }

    /* A set a real device would not offer: say so, but offer it anyway. */
    if (featmask_set_close(closed, NULL)) {
        for (int i = featmask_set_next(f->selected, 0); i >= 0;
             i = featmask_set_next(f->selected, i + 1)) {
            g_autofree char *lost = featmask_set_missing_deps(f->selected, i);

            if (lost) {
                fprintf(out, "warning %s without %s\n",
                        featmask_map_get(f->map, i)->name, lost);
            }
        }
    }
}
