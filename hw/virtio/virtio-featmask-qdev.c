/*
 * features= on virtio devices
 *
 * Every virtio device implements the featmask-device interface.  Its map
 * is featmask's map of its kind (virtio-featmask.c and
 * virtio-featmask-devices.c; the transport features alone for a device
 * whose features only its backend knows); its switches are the bool and
 * OnOffAuto properties the map names.  A device class with a backend
 * (virtio-net) overrides the backend hooks in its own class_init.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-featmask.h"
#include "hw/virtio/virtio-featmask-devices.h"
#include "hw/virtio/virtio-featmask-qdev.h"

static QdevFeatmask *virtio_featmask_state(DeviceState *dev)
{
    return &VIRTIO_DEVICE(dev)->featmask;
}

static FeatmaskMap *virtio_featmask_static_map(DeviceState *dev)
{
    const char *kind = virtio_featmask_device_kind(
        object_get_typename(OBJECT(dev)));

    /* A device featmask has no table for still has the transport's. */
    return virtio_featmask_device_map(kind ? kind : "virtio");
}

static FeatmaskSet *virtio_featmask_offered(DeviceState *dev,
                                            const FeatmaskMap *map)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    return featmask_set_from_bits(map, &vdev->host_features, 1, NULL);
}

static FeatmaskSet *virtio_featmask_acked(DeviceState *dev,
                                          const FeatmaskMap *map)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    return featmask_set_from_bits(map, &vdev->guest_features, 1, NULL);
}

/*
 * Without a backend of its own the device is all QEMU's: whatever has a
 * switch can be turned on.
 */
static FeatmaskSet *virtio_featmask_available(DeviceState *dev,
                                              const FeatmaskMap *map)
{
    return qdev_featmask_switchable(dev);
}

/* A kind ("virtio-net") or a device type ("virtio-net-pci"). */
static FeatmaskMap *virtio_featmask_kind(const char *name)
{
    const char *kind = virtio_featmask_device_kind(name);

    return virtio_featmask_device_map(kind ? kind : name);
}

void virtio_featmask_class_init(ObjectClass *klass)
{
    FeatmaskDeviceClass *fdc = FEATMASK_DEVICE_CLASS(klass);

    fdc->state = virtio_featmask_state;
    fdc->static_map = virtio_featmask_static_map;
    fdc->offered = virtio_featmask_offered;
    fdc->acked = virtio_featmask_acked;
    fdc->available = virtio_featmask_available;
    qdev_featmask_register_kinds(virtio_featmask_kind);
}

uint64_t virtio_featmask_bits(const FeatmaskSet *set)
{
    uint64_t bits = 0;

    featmask_set_to_bits(set, &bits, 1);
    return bits;
}

bool virtio_featmask_realize(VirtIODevice *vdev, Error **errp)
{
    return qdev_featmask_apply(DEVICE(vdev), errp);
}

bool virtio_featmask_plugged(VirtIODevice *vdev, Error **errp)
{
    DeviceState *dev = DEVICE(vdev);

    if (!qdev_featmask_enforce(dev, errp) ||
        !qdev_featmask_guard_register(dev, &vdev->featmask, errp)) {
        qdev_featmask_unrealize(dev);
        return false;
    }
    return true;
}

void virtio_featmask_unrealize(VirtIODevice *vdev)
{
    qdev_featmask_guard_unregister(DEVICE(vdev), &vdev->featmask);
    qdev_featmask_unrealize(DEVICE(vdev));
}
