/*
 * features= on the pvpanic devices
 *
 * pvpanic-isa ("pvpanic") and pvpanic-pci implement the featmask-device
 * interface over featmask's map of kind "pvpanic".  Each event is
 * switched by its bit of the "events" property (FEATMASK_SWITCH_INT_BIT),
 * which is also what the guest reads from the device's register: what
 * the device offers.
 *
 * The device negotiates nothing.  The guest reads the events and from
 * then on may write any of them (docs/specs/pvpanic.rst: "Software
 * should set only bits both itself and the device recognize"), so what
 * the guest can read is what it counts on: acked is what is offered.  A
 * destination that lacks an event the source offered would drop what the
 * guest was told it can send, which is what the migration guard refuses.
 *
 * There is no backend: every event this QEMU implements can be offered.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/misc/pvpanic.h"
#include "hw/misc/pvpanic-featmask.h"
#include "hw/misc/pvpanic-featmask-qdev.h"

static FeatmaskMap *pvpanic_featmask_static_map(DeviceState *dev)
{
    return pvpanic_featmask_map();
}

/* The events the guest reads from the register. */
static FeatmaskSet *pvpanic_featmask_offered(DeviceState *dev,
                                             const FeatmaskMap *map)
{
    uint64_t events = object_property_get_uint(OBJECT(dev), "events",
                                               &error_abort);

    return featmask_set_from_bits(map, &events, 1, NULL);
}

static FeatmaskSet *pvpanic_featmask_available(DeviceState *dev,
                                               const FeatmaskMap *map)
{
    uint64_t events = PVPANIC_EVENTS;

    return featmask_set_from_bits(map, &events, 1, NULL);
}

/* A kind ("pvpanic") or a device type ("pvpanic-pci"). */
static FeatmaskMap *pvpanic_featmask_kind(const char *name)
{
    return pvpanic_featmask_kind_of_type(name) ? pvpanic_featmask_map()
                                               : NULL;
}

void pvpanic_featmask_class_init(ObjectClass *klass,
                                 QdevFeatmask *(*state)(DeviceState *dev))
{
    FeatmaskDeviceClass *fdc = FEATMASK_DEVICE_CLASS(klass);

    fdc->state = state;
    fdc->static_map = pvpanic_featmask_static_map;
    fdc->offered = pvpanic_featmask_offered;
    /* No handshake: what the guest can read is what it gets. */
    fdc->acked = pvpanic_featmask_offered;
    fdc->available = pvpanic_featmask_available;
    qdev_featmask_register_kinds(pvpanic_featmask_kind);
}

bool pvpanic_featmask_realize(DeviceState *dev, Error **errp)
{
    QdevFeatmask *fm = FEATMASK_DEVICE_GET_CLASS(dev)->state(dev);

    /* Nothing changes the events after this: check them at once. */
    if (!qdev_featmask_apply(dev, errp)) {
        return false;
    }
    if (!qdev_featmask_enforce(dev, errp) ||
        !qdev_featmask_guard_register(dev, fm, errp)) {
        qdev_featmask_unrealize(dev);
        return false;
    }
    return true;
}

void pvpanic_featmask_unrealize(DeviceState *dev)
{
    QdevFeatmask *fm = FEATMASK_DEVICE_GET_CLASS(dev)->state(dev);

    qdev_featmask_guard_unregister(dev, fm);
    qdev_featmask_unrealize(dev);
}
