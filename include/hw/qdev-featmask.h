/*
 * qdev feature masks: features= on devices, derived from their own bit
 * properties
 *
 * A device class adopts feature masks with qdev_featmask_class_init() and a
 * DEFINE_PROP_FEATMASK() property, and names the fields that hold its
 * feature bits with qdev_featmask_class_add_word().  Its feature map is
 * then derived from its own bit properties on those fields (names and
 * bits), with dependencies taken from featmask's static map of the
 * device's kind where the names match: there is no second table to keep.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_QDEV_FEATMASK_H
#define HW_QDEV_FEATMASK_H

#include "qemu/featmask.h"
#include "hw/qdev-core.h"

/**
 * QdevFeatmaskOps: what a kind of device tells the generic code
 * @static_map: featmask's map of the device's kind, or NULL if featmask
 *              has none (then the map is built from the property names
 *              alone, without dependency knowledge)
 * @offered: the features the device offers now (over @map)
 * @acked: the features the guest driver acked
 * @backend: a description of the backend for error messages, or NULL
 *           to let the generic code look at the usual properties
 *           (netdev, chardev, drive)
 *
 * What the device could offer with its backend is recorded by the device
 * kind's code in #QdevFeatmask.available while it is realized.
 */
typedef struct QdevFeatmaskOps {
    FeatmaskMap *(*static_map)(DeviceState *dev);
    FeatmaskSet *(*offered)(DeviceState *dev, const FeatmaskMap *map);
    FeatmaskSet *(*acked)(DeviceState *dev, const FeatmaskMap *map);
    char *(*backend)(DeviceState *dev);
} QdevFeatmaskOps;

/**
 * QdevFeatmask: the per-device state, a member of the device's struct
 * @mask: the features= property, NULL when it was not given
 * @explicit_on: bit properties given as on next to features= (same
 *               -device or device_add), NULL if none
 * @explicit_off: the same, given as off
 * @requested: what features= asks for, NULL without features=
 * @forbidden: features without a switch that features= names as off
 * @dev: the device, once realized with a map
 * @map: the device's derived map, once realized
 * @available: what the device could offer with its backend, once realized
 *
 * The other members belong to the migration guard.
 */
typedef struct QdevFeatmask {
    char *mask;
    FeatmaskSet *explicit_on;
    FeatmaskSet *explicit_off;
    FeatmaskSet *requested;
    FeatmaskSet *forbidden;
    DeviceState *dev;
    FeatmaskMap *map;
    FeatmaskSet *available;
    bool guard_registered;
    uint32_t guard_len;
    uint8_t *guard_names;
} QdevFeatmask;

/* The features= property: a string member of the device's state. */
#define DEFINE_PROP_FEATMASK(_name, _state, _field) \
    DEFINE_PROP_STRING(_name, _state, _field.mask)

/**
 * qdev_featmask_class_init: give a device class (and its subclasses) a
 * feature map; the class also needs a DEFINE_PROP_FEATMASK() property
 * @dc: the class
 * @state_offset: offset of the #QdevFeatmask member in the device struct
 * @ops: see #QdevFeatmaskOps
 */
void qdev_featmask_class_init(DeviceClass *dc, ptrdiff_t state_offset,
                              const QdevFeatmaskOps *ops);

/**
 * qdev_featmask_class_add_word: the one line that adopts a feature word
 * @dc: a class under one that called qdev_featmask_class_init()
 * @offset: offset of a uint32_t or uint64_t field of the device struct;
 *          every DEFINE_PROP_BIT/DEFINE_PROP_BIT64 property of the class
 *          on that field becomes a feature of the class's map
 */
void qdev_featmask_class_add_word(DeviceClass *dc, ptrdiff_t offset);

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
 * qdev_featmask_map: the derived map of @dev's class
 *
 * Returns a new reference, or NULL if @dev has no feature map.  Built
 * once per class.
 */
FeatmaskMap *qdev_featmask_map(DeviceState *dev, Error **errp);

/**
 * qdev_featmask_switches: the features whose bit property is on now
 */
FeatmaskSet *qdev_featmask_switches(DeviceState *dev);

/**
 * qdev_featmask_set_switches: set the bit properties to @set
 *
 * Features of @set without a property are ignored.  Writes the fields
 * directly; for use while the device is being realized.
 */
void qdev_featmask_set_switches(DeviceState *dev, const FeatmaskSet *set);

/**
 * qdev_featmask_prepare_props: device options seen before properties
 * are set (qdev_device_add_from_qdict)
 * @dev: the new device
 * @props: its options without driver, bus and id; changed in place
 * @errp: error object
 *
 * With features=, options that start with '+' or '-' are items of the
 * mask that the QemuOpts syntax split off at a comma ("features=all,
 * -host_uso"): they are folded back into features=.  Bit properties of
 * the map given in the same options are remembered, to report
 * contradictions with the mask when the device is realized.
 */
bool qdev_featmask_prepare_props(DeviceState *dev, QDict *props,
                                 Error **errp);

/**
 * qdev_featmask_apply: apply features= before the device is realized
 *
 * Parses the mask over the derived map, checks it against the bit
 * properties given with it and against the map's dependencies, and sets
 * the bit properties to the requested set.  Without features= it does
 * nothing.
 */
bool qdev_featmask_apply(DeviceState *dev, Error **errp);

/**
 * qdev_featmask_enforce: check what the device offers after its backend
 * had its say
 *
 * With features=, a requested feature the device does not offer (the
 * backend lacks it) is an error naming the features and the backend, and
 * so is a feature without a switch that the mask turns off but the device
 * offers.  Registers the migration guard of the device.
 */
bool qdev_featmask_enforce(DeviceState *dev, Error **errp);

/**
 * qdev_featmask_unrealize: undo what qdev_featmask_enforce() registered
 */
void qdev_featmask_unrealize(DeviceState *dev);

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
 * qdev_featmask_backend: a description of @dev's backend
 * ("netdev 'hostnet0' (vhost-user)"), or NULL if it has none
 */
char *qdev_featmask_backend(DeviceState *dev);

/* For the QMP commands. */
typedef void (*QdevFeatmaskFunc)(DeviceState *dev, QdevFeatmask *fm,
                                 void *opaque);
void qdev_featmask_foreach(QdevFeatmaskFunc fn, void *opaque);
FeatmaskSet *qdev_featmask_offered(DeviceState *dev);
FeatmaskSet *qdev_featmask_available(DeviceState *dev);
FeatmaskSet *qdev_featmask_acked(DeviceState *dev);
FeatmaskMap *qdev_featmask_kind_map(const char *kind);

#endif
