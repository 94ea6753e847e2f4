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
#include "hw/virtio/vhost.h"
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

/*
 * The vhost family: vhost-user devices (their chardev), vhost kernel
 * devices (vhost-vsock, vhost-scsi: /dev/vhost-KIND or vhostfd=) and
 * vhost-vdpa-device (vhostdev= or vhostfd=).  What they can provide is
 * what their backend reported when it was connected, in its
 * struct vhost_dev.
 */

FeatmaskSet *virtio_featmask_vhost_available(VirtIODevice *vdev,
                                             struct vhost_dev *hdev,
                                             const FeatmaskMap *map)
{
    uint64_t bits;

    /* Never connected (or gone): the backend provides nothing. */
    if (!hdev || !hdev->vhost_ops) {
        return featmask_set_new(map);
    }
    bits = hdev->features;
    return featmask_set_from_bits(map, &bits, 1, NULL);
}

FeatmaskSet *virtio_featmask_vhost_offerable(VirtIODevice *vdev,
                                             struct vhost_dev *hdev,
                                             const FeatmaskMap *map,
                                             const int *feature_bits,
                                             uint64_t qemu_bits)
{
    g_autoptr(FeatmaskSet) all = qdev_featmask_switchable(DEVICE(vdev));
    uint64_t bits = virtio_featmask_bits(all) | qemu_bits |
                    vdev->host_features;

    if (!hdev || !hdev->vhost_ops) {
        return featmask_set_new(map);
    }
    bits = vhost_get_features(hdev, feature_bits, bits);
    return featmask_set_from_bits(map, &bits, 1, NULL);
}

/* A string property of @dev, NULL when it has none or it is empty. */
static char *virtio_featmask_str_prop(DeviceState *dev, const char *name)
{
    char *value;

    if (!object_property_find(OBJECT(dev), name)) {
        return NULL;
    }
    value = object_property_get_str(OBJECT(dev), name, NULL);
    if (value && !*value) {
        g_clear_pointer(&value, g_free);
    }
    return value;
}

static bool virtio_featmask_vhost_backend(DeviceState *dev,
                                          QdevFeatmaskBackend *be)
{
    const char *kind = virtio_featmask_device_kind(
        object_get_typename(OBJECT(dev)));
    char *chardev = virtio_featmask_str_prop(dev, "chardev");
    char *vhostdev = virtio_featmask_str_prop(dev, "vhostdev");
    char *vhostfd = virtio_featmask_str_prop(dev, "vhostfd");
    bool vdpa = object_dynamic_cast(OBJECT(dev), "vhost-vdpa-device");

    if (chardev) {
        be->type = g_strdup("chardev");
        be->id = chardev;
        be->driver = g_strdup("vhost-user");
        g_free(vhostdev);
        g_free(vhostfd);
        return true;
    }
    be->type = g_strdup("vhost");
    be->driver = g_strdup(vdpa ? "vhost-vdpa" : "vhost-kernel");
    if (vhostdev) {
        be->id = vhostdev;
        g_free(vhostfd);
    } else if (vhostfd) {
        be->id = vhostfd;
    } else if (!vdpa && object_property_find(OBJECT(dev), "vhostfd") &&
               kind && g_str_has_prefix(kind, "virtio-")) {
        /* The vhost kernel module's device: /dev/vhost-vsock, ... */
        be->id = g_strdup_printf("/dev/vhost-%s", kind + strlen("virtio-"));
    } else {
        /* A vhost-user device without its chardev: it has no backend. */
        return false;
    }
    return true;
}

static FeatmaskSet *virtio_featmask_vhost_get_available(
    DeviceState *dev, const FeatmaskMap *map)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);

    return virtio_featmask_vhost_available(
        vdev, vdc->get_vhost ? vdc->get_vhost(vdev) : NULL, map);
}

void virtio_featmask_vhost_class_init(ObjectClass *klass,
                                      VirtioFeatmaskAvailableFunc available)
{
    FeatmaskDeviceClass *fdc = FEATMASK_DEVICE_CLASS(klass);

    fdc->backend = virtio_featmask_vhost_backend;
    fdc->available = available ? available
                               : virtio_featmask_vhost_get_available;
    fdc->backend_features = true;
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
