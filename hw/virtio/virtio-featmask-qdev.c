/*
 * features= on virtio devices
 *
 * Every virtio device gets a feature map derived from its bit properties
 * on VirtIODevice.host_features (the transport features) and on the
 * feature word its class adopts with qdev_featmask_class_add_word().
 * Names and dependencies come from featmask's virtio maps.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-featmask.h"
#include "hw/virtio/virtio-featmask-qdev.h"

static FeatmaskMap *virtio_featmask_static_map(DeviceState *dev)
{
    const char *kind = virtio_featmask_kind_of_type(
        object_get_typename(OBJECT(dev)));

    /* A device featmask has no table for still has the transport's. */
    return virtio_featmask_map(kind ? kind : "virtio");
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

static const QdevFeatmaskOps virtio_featmask_ops = {
    .static_map = virtio_featmask_static_map,
    .offered = virtio_featmask_offered,
    .acked = virtio_featmask_acked,
};

/* A kind ("virtio-net") or a device type ("virtio-net-pci"). */
static FeatmaskMap *virtio_featmask_kind(const char *name)
{
    const char *kind = virtio_featmask_kind_of_type(name);

    return virtio_featmask_map(kind ? kind : name);
}

void virtio_featmask_class_init(DeviceClass *dc)
{
    qdev_featmask_class_init(dc, offsetof(VirtIODevice, featmask),
                             &virtio_featmask_ops);
    qdev_featmask_class_add_word(dc, offsetof(VirtIODevice, host_features));
    qdev_featmask_register_kinds(virtio_featmask_kind);
}

bool virtio_featmask_realize(VirtIODevice *vdev, Error **errp)
{
    return qdev_featmask_apply(DEVICE(vdev), errp);
}

uint64_t virtio_featmask_get_features(VirtIODevice *vdev, Error **errp)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);
    DeviceState *dev = DEVICE(vdev);
    g_autoptr(FeatmaskMap) map = qdev_featmask_map(dev, NULL);

    /*
     * What could the backend provide?  Ask the device with every switch
     * on; get_features only filters what it is given by what the device
     * and its backend support, so asking twice changes nothing.
     */
    if (map) {
        g_autoptr(FeatmaskSet) saved = qdev_featmask_switches(dev);
        g_autoptr(FeatmaskSet) all = featmask_set_new_full(map);
        Error *local_err = NULL;
        uint64_t bits;

        qdev_featmask_set_switches(dev, all);
        bits = vdc->get_features(vdev, vdev->host_features, &local_err);
        qdev_featmask_set_switches(dev, saved);
        if (local_err) {
            error_free(local_err);
        } else {
            featmask_set_free(vdev->featmask.available);
            vdev->featmask.available = featmask_set_from_bits(map, &bits, 1,
                                                              NULL);
        }
    }
    return vdc->get_features(vdev, vdev->host_features, errp);
}

bool virtio_featmask_plugged(VirtIODevice *vdev, Error **errp)
{
    return qdev_featmask_enforce(DEVICE(vdev), errp);
}

void virtio_featmask_unrealize(VirtIODevice *vdev)
{
    qdev_featmask_unrealize(DEVICE(vdev));
}
