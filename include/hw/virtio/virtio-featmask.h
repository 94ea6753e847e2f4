/*
 * featmask maps of virtio devices: the transport features every virtio
 * device has, and the device-specific features of virtio-net, virtio-blk
 * and virtio-scsi, named as QEMU 10.0's properties and numbered as in
 * the virtio 1.3 specification
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_VIRTIO_FEATMASK_H
#define HW_VIRTIO_FEATMASK_H

#include "qemu/featmask.h"

/**
 * virtio_featmask_map: the map of a virtio device kind
 * @kind: "virtio" (transport features only), "virtio-net", "virtio-blk"
 *        or "virtio-scsi"; device maps include the transport features
 *
 * Returns a new reference to a finalized map (built once), or NULL for a
 * kind featmask has no table for.
 */
FeatmaskMap *virtio_featmask_map(const char *kind);

/**
 * virtio_featmask_type_is: is @type the device type @base, or @base on
 * one of its transports ("-pci", "-pci-transitional",
 * "-pci-non-transitional", "-device", "-ccw")?
 */
bool virtio_featmask_type_is(const char *type, const char *base);

/**
 * virtio_featmask_kind_of_type: the kind of a QEMU device type
 * ("virtio-net-pci" -> "virtio-net"); NULL if it is not a virtio device
 * featmask knows.  Returns a static string.
 */
const char *virtio_featmask_kind_of_type(const char *type);

/* The kinds with a table, NULL-terminated. */
extern const char *const virtio_featmask_kinds[];

#endif
