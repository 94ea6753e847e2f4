/*
 * featmask maps of the virtio devices besides net, blk and scsi: serial
 * (console), rng, balloon, gpu, input, crypto, vsock, fs, iommu, sound,
 * mem, 9p, i2c, scmi, gpio and pmem, and the kind of every QEMU 10.0
 * virtio device type, vhost, vhost-user and vhost-vdpa variants included
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_VIRTIO_FEATMASK_DEVICES_H
#define HW_VIRTIO_FEATMASK_DEVICES_H

#include "qemu/featmask.h"

/* The kinds this file has tables for, NULL-terminated. */
extern const char *const virtio_featmask_device_kinds[];

/**
 * virtio_featmask_device_map: the map of one of
 * virtio_featmask_device_kinds, or of a kind virtio_featmask_map() knows
 * ("virtio", "virtio-net", ...)
 *
 * Returns a new reference to a finalized map (built once), or NULL.
 */
FeatmaskMap *virtio_featmask_device_map(const char *kind);

/**
 * virtio_featmask_device_kind: the kind of any QEMU virtio device type
 * ("vhost-user-blk-pci" -> "virtio-blk", "vhost-vsock-pci" ->
 * "virtio-vsock", "virtio-keyboard-pci" -> "virtio-input"); "virtio" for
 * the generic types whose device features only the backend knows
 * (vhost-user-device, vhost-vdpa-device) and virtio-nsm, which the virtio
 * specification does not describe.  NULL if @type is no virtio device
 * type featmask knows.  Returns a static string.
 */
const char *virtio_featmask_device_kind(const char *type);

#endif
