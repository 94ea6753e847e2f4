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

struct vhost_dev;

/**
 * virtio_featmask_class_init: implement the featmask-device interface for
 * every virtio device; a device class with a backend then sets the
 * backend hooks of FEATMASK_DEVICE_CLASS() in its own class_init
 */
void virtio_featmask_class_init(ObjectClass *klass);

typedef FeatmaskSet *(*VirtioFeatmaskAvailableFunc)(DeviceState *dev,
                                                    const FeatmaskMap *map);

/**
 * virtio_featmask_vhost_class_init: the device's features come from a
 * vhost backend (vhost-user, a vhost kernel module, vhost-vdpa)
 * @available: what the backend can provide, usually
 *             virtio_featmask_vhost_available() of the device's vhost_dev;
 *             NULL to find that vhost_dev with VirtioDeviceClass.get_vhost
 *
 * The backend is the device's "chardev" (vhost-user), "vhostdev" or
 * "vhostfd" property, else the vhost kernel module's /dev/vhost-KIND.
 * Features without a switch are the backend's.
 */
void virtio_featmask_vhost_class_init(ObjectClass *klass,
                                      VirtioFeatmaskAvailableFunc available);

/**
 * virtio_featmask_vhost_available: the features of @map that the vhost
 * backend of @hdev reported when it connected (none if it never did)
 */
FeatmaskSet *virtio_featmask_vhost_available(VirtIODevice *vdev,
                                             struct vhost_dev *hdev,
                                             const FeatmaskMap *map);

/**
 * virtio_featmask_vhost_offerable: what a vhost device could offer with
 * the backend of @hdev, as its get_features() would: every switch, the
 * device's own features and @qemu_bits (what QEMU adds itself), with the
 * bits of @feature_bits kept only where the backend reported them
 *
 * For a device whose get_features() passes its features through
 * vhost_get_features() with a list of backend bits (vhost-user-blk).
 */
FeatmaskSet *virtio_featmask_vhost_offerable(VirtIODevice *vdev,
                                             struct vhost_dev *hdev,
                                             const FeatmaskMap *map,
                                             const int *feature_bits,
                                             uint64_t qemu_bits);

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
