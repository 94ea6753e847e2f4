/*
 * vhost-user-featmask: which virtio features the backend offers
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef VUF_OFFER_H
#define VUF_OFFER_H

#include "qemu/featmask.h"

/* Always offered, whatever the mask or profile says. */
#define VUF_MANDATORY_BITS \
    ((1ull << VU_F_LOG_ALL) | (1ull << VU_F_PROTOCOL_FEATURES) | \
     (1ull << VU_F_VERSION_1))

/**
 * VufFeatures:
 * @kind: the device kind, "virtio-net" or "virtio-blk"
 * @map: the kind's feature map the selection is over
 * @selected: what the mask or profile selected, over @map
 * @offered: the GET_FEATURES answer: @selected as bits plus the
 *           mandatory bits
 * @source: human description of where @selected comes from
 */
typedef struct VufFeatures {
    const char *kind;
    FeatmaskMap *map;
    FeatmaskSet *selected;
    uint64_t offered;
    char *source;
} VufFeatures;

/**
 * vuf_features_select: compute the offered features
 * @f: filled on success
 * @kind: "virtio-net" or "virtio-blk"
 * @mask: a featmask mask string, or NULL
 * @profile: a featmask host profile file, or NULL
 * @device: the device id in @profile (required with @profile)
 * @errp: error object
 *
 * Without @profile, @mask is applied to the whole map of @kind ("all"
 * when @mask is NULL).  With @profile, the device's features are the
 * default set and @mask (relative or absolute) may only narrow them.
 * Switching a mandatory feature off is an error.
 */
bool vuf_features_select(VufFeatures *f, const char *kind, const char *mask,
                         const char *profile, const char *device,
                         Error **errp);

void vuf_features_clear(VufFeatures *f);

/**
 * vuf_features_names: "csum,guest_csum,..." for a feature word; bits the
 * map does not name are written "bitN", the vhost bits by their vhost
 * names.  Returns "none" for 0.
 */
char *vuf_features_names(const FeatmaskMap *map, uint64_t bits);

/**
 * vuf_features_print: the --print-features listing
 */
void vuf_features_print(const VufFeatures *f, FILE *out);

/**
 * vuf_bit_from_backend: does QEMU take feature @bit of a @kind device from
 * a vhost-user backend?  QEMU decides the others itself (ctrl_vq, status,
 * mac, ...), whatever the backend offers.
 */
bool vuf_bit_from_backend(const char *kind, int bit);

#endif
