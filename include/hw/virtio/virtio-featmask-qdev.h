/*
 * features= on virtio devices: the hooks virtio.c and virtio-bus.c call
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_VIRTIO_FEATMASK_QDEV_H
#define HW_VIRTIO_FEATMASK_QDEV_H

#include "hw/qdev-featmask.h"

/**
 * virtio_featmask_class_init: implement the featmask-device interface for
 * every virtio device; a device class with a backend then sets the
 * backend hooks of FEATMASK_DEVICE_CLASS() in its own class_init
 */
void virtio_featmask_class_init(ObjectClass *klass);

/**
 * virtio_featmask_bits: the feature bits of @set (over a virtio map)
 */
uint64_t virtio_featmask_bits(const FeatmaskSet *set);

/**
 * virtio_featmask_realize: apply features= before the device realizes
 */
bool virtio_featmask_realize(VirtIODevice *vdev, Error **errp);

/**
 * virtio_featmask_plugged: enforce features= once the transport added its
 * features, and register the migration guard
 */
bool virtio_featmask_plugged(VirtIODevice *vdev, Error **errp);

void virtio_featmask_unrealize(VirtIODevice *vdev);

#endif
