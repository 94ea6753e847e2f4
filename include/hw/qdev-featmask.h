/*
 * qdev feature masks: the features= property of devices whose family
 * implements the featmask-device interface
 *
 * A device family adopts feature masks by implementing
 * TYPE_FEATMASK_DEVICE (its class struct holds the family's hooks), by
 * keeping a #QdevFeatmask in its device struct and by defining a
 * DEFINE_PROP_FEATMASK() property on it.  The family's feature map comes
 * from featmask's static map of the device's kind: a feature has a switch
 * when the device has a boolean property of the feature's name, and the
 * switches are set through those properties.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_QDEV_FEATMASK_H
#define HW_QDEV_FEATMASK_H

#include "qemu/featmask.h"
#include "qom/object.h"
#include "hw/qdev-core.h"

#define TYPE_FEATMASK_DEVICE "featmask-device"

typedef struct FeatmaskDeviceClass FeatmaskDeviceClass;
DECLARE_CLASS_CHECKERS(FeatmaskDeviceClass, FEATMASK_DEVICE,
                       TYPE_FEATMASK_DEVICE)
#define FEATMASK_DEVICE(obj) \
    INTERFACE_CHECK(FeatmaskDevice, (obj), TYPE_FEATMASK_DEVICE)

typedef struct FeatmaskDevice FeatmaskDevice;

/**
 * QdevFeatmaskBackend: what a device's backend is, for messages and QMP
 * @type: the kind of backend option ("netdev", "chardev", "drive")
 * @id: its id
 * @driver: the backend's driver ("vhost-user", "tap"), or NULL
 */
typedef struct QdevFeatmaskBackend {
    char *type;
    char *id;
    char *driver;
} QdevFeatmaskBackend;

void qdev_featmask_backend_free(QdevFeatmaskBackend *be);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QdevFeatmaskBackend, qdev_featmask_backend_free)

typedef struct QdevFeatmask QdevFeatmask;

/**
 * FeatmaskDeviceClass: the hooks a device family implements
 * @state: the #QdevFeatmask member of @dev
 * @static_map: featmask's map of the device's kind (a new reference)
 * @offered: the features the device offers now
 * @acked: the features the guest driver acked
 * @available: what the device could offer with its backend, asked once
 *             when the device is plugged; @offered is added to it
 * @backend: fills @be with the device's backend; false if it has none
 * @backend_lost: true when the backend went away (a host that lost it
 *                provides none of its features); may be NULL
 * @host_lacks: before the device realizes, what this host (or device
 *              type) lacks to provide feature @f, as a phrase ("needs
 *              /dev/udmabuf") to be freed, or NULL when nothing is
 *              missing; may be NULL.  A requested feature the host lacks
 *              fails features= before the device's own realize runs, and
 *              such a feature is not available.
 * @backend_features: the features without a switch are what the backend
 *                    (vhost-user, a vhost kernel module) reports, not
 *                    QEMU's choice; for features=help
 * @map: the device's map, built on first use (generic code only)
 * @map_class: the class @map was built for (generic code only)
 */
struct FeatmaskDeviceClass {
    InterfaceClass parent_class;

    QdevFeatmask *(*state)(DeviceState *dev);
    FeatmaskMap *(*static_map)(DeviceState *dev);
    FeatmaskSet *(*offered)(DeviceState *dev, const FeatmaskMap *map);
    FeatmaskSet *(*acked)(DeviceState *dev, const FeatmaskMap *map);
    FeatmaskSet *(*available)(DeviceState *dev, const FeatmaskMap *map);
    bool (*backend)(DeviceState *dev, QdevFeatmaskBackend *be);
    bool (*backend_lost)(DeviceState *dev);
    char *(*host_lacks)(DeviceState *dev, const FeatmaskFeature *f);
    bool backend_features;

    FeatmaskMap *map;
    ObjectClass *map_class;
};

/**
 * QdevFeatmask: the per-device state, a member of the device's struct
 * @text: the features= property as given, NULL when it was not given
 * @mask: @text parsed over the device's map by the property's setter
 * @map: the device's map, once realized
 * @requested: what features= asks for, NULL without features=
 * @forbidden: features without a switch that features= names as off
 * @available: what the device could offer with its backend, once plugged
 * @dev: the device, once plugged
 *
 * The other members belong to the migration guard.
 */
struct QdevFeatmask {
    char *text;
    FeatmaskMask *mask;
    FeatmaskMap *map;
    FeatmaskSet *requested;
    FeatmaskSet *forbidden;
    FeatmaskSet *available;
    DeviceState *dev;
    bool guard_registered;
    uint32_t guard_len;
    uint8_t *guard_names;
};

/*
 * The features= property: a mask whose items are separated by ':' (or
 * ',' where no option parser splits the value, as in JSON).  "help" (or
 * "?") lists the device's features on the command line and exits, like
 * -device foo,help; after the command line (device_add) it is an error
 * that says where the list is.
 */
extern const PropertyInfo qdev_prop_featmask;

#define DEFINE_PROP_FEATMASK(_name, _state, _field) \
    DEFINE_PROP(_name, _state, _field, qdev_prop_featmask, QdevFeatmask)

/**
 * qdev_featmask_register_kinds: let query-features-baseline find the
 * static maps of a family of devices by kind name
 * @lookup: returns a new reference to the map of a kind, or NULL
 */
void qdev_featmask_register_kinds(FeatmaskMap *(*lookup)(const char *kind));

/**
 * qdev_featmask_get: the feature mask state of @obj
 *
 * Returns the state of @obj, or of its child when @obj is a proxy whose
 * features= property is an alias (virtio-net-pci and its virtio-backend
 * child), or NULL when the device has no feature map.  @holder, if not
 * NULL, receives the device that holds the state.
 */
QdevFeatmask *qdev_featmask_get(Object *obj, DeviceState **holder);

/**
 * qdev_featmask_map: the map of @dev's class
 *
 * Returns a new reference, or NULL if @dev has no feature map.  Built
 * once per class.
 */
FeatmaskMap *qdev_featmask_map(DeviceState *dev, Error **errp);

/**
 * qdev_featmask_help: the text of features=help for @dev: its features in
 * map order, each with its switch (property and type, "fixed" or
 * "backend"), its value now and what it needs
 */
char *qdev_featmask_help(DeviceState *dev);

/**
 * qdev_featmask_switches: the features whose switch is on now
 */
FeatmaskSet *qdev_featmask_switches(DeviceState *dev);

/**
 * qdev_featmask_switchable: the features that have a switch
 */
FeatmaskSet *qdev_featmask_switchable(DeviceState *dev);

/**
 * qdev_featmask_apply: apply features= before the device is realized
 *
 * Checks the mask against the map's dependencies and sets the switches
 * through their properties.  Without features= it does nothing.
 */
bool qdev_featmask_apply(DeviceState *dev, Error **errp);

/**
 * qdev_featmask_enforce: check what the device offers after its backend
 * had its say
 *
 * Asks the family once what the backend can provide.  With features=, a
 * requested feature the device does not offer is an error naming the
 * features and the backend, and so is a feature without a switch that the
 * mask turns off but the device offers.
 */
bool qdev_featmask_enforce(DeviceState *dev, Error **errp);

/**
 * qdev_featmask_unrealize: forget what qdev_featmask_apply() and
 * qdev_featmask_enforce() found
 */
void qdev_featmask_unrealize(DeviceState *dev);

/*
 * The migration guard (qdev-featmask-guard.c): with features=, the names
 * of the features the device offers travel in a section of their own,
 * checked by the destination before it loads the device.  Register it
 * after qdev_featmask_enforce() succeeded.
 */
bool qdev_featmask_guard_register(DeviceState *dev, QdevFeatmask *fm,
                                  Error **errp);
void qdev_featmask_guard_unregister(DeviceState *dev, QdevFeatmask *fm);

/**
 * qdev_featmask_user_device: the device a user knows @dev by: @dev if it
 * has an id, else the device it is part of (the proxy of a virtio device)
 */
DeviceState *qdev_featmask_user_device(DeviceState *dev);

/**
 * qdev_featmask_describe: "device 'net0' (virtio-net-pci)"
 */
char *qdev_featmask_describe(DeviceState *dev);

/**
 * qdev_featmask_backend: @dev's backend, or NULL if it has none
 */
QdevFeatmaskBackend *qdev_featmask_backend(DeviceState *dev);

/**
 * qdev_featmask_backend_describe: "netdev 'hostnet0' (vhost-user)", or
 * NULL if @dev has no backend
 */
char *qdev_featmask_backend_describe(DeviceState *dev);

/**
 * qdev_featmask_backend_lost: whether @dev's backend went away
 */
bool qdev_featmask_backend_lost(DeviceState *dev);

/* For the QMP commands. */
typedef void (*QdevFeatmaskFunc)(DeviceState *dev, QdevFeatmask *fm,
                                 void *opaque);
void qdev_featmask_foreach(QdevFeatmaskFunc fn, void *opaque);
FeatmaskSet *qdev_featmask_offered(DeviceState *dev);
FeatmaskSet *qdev_featmask_available(DeviceState *dev);
FeatmaskSet *qdev_featmask_acked(DeviceState *dev);
FeatmaskMap *qdev_featmask_kind_map(const char *kind);

#endif
