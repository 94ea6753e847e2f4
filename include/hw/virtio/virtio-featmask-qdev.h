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
 * virtio_featmask_class_init: give every virtio device a feature map
 * (the transport features on VirtIODevice.host_features); a device adds
 * its own feature word with qdev_featmask_class_add_word()
 */
void virtio_featmask_class_init(DeviceClass *dc);

/**
 * virtio_featmask_realize: apply features= before the device realizes
 */
bool virtio_featmask_realize(VirtIODevice *vdev, Error **errp);

/**
 * virtio_featmask_get_features: the device's get_features, after a probe
 * of what it could offer with every switch on (recorded for
 * query-device-features)
 */
uint64_t virtio_featmask_get_features(VirtIODevice *vdev, Error **errp);

/**
 * virtio_featmask_plugged: enforce features= once the transport added its
 * features, and register the migration guard
 */
bool virtio_featmask_plugged(VirtIODevice *vdev, Error **errp);

void virtio_featmask_unrealize(VirtIODevice *vdev);

#endif
