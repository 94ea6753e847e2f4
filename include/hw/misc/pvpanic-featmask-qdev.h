/*
 * features= on the pvpanic devices: the hooks pvpanic-isa.c and
 * pvpanic-pci.c call
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_PVPANIC_FEATMASK_QDEV_H
#define HW_MISC_PVPANIC_FEATMASK_QDEV_H

#include "hw/qdev-featmask.h"

/**
 * pvpanic_featmask_class_init: implement the featmask-device interface
 * for a pvpanic device class whose instances keep their #QdevFeatmask
 * where @state says (in their PVPanicState)
 */
void pvpanic_featmask_class_init(ObjectClass *klass,
                                 QdevFeatmask *(*state)(DeviceState *dev));

/**
 * pvpanic_featmask_realize: apply features= to the events, check them and
 * register the migration guard; call it first thing in realize
 */
bool pvpanic_featmask_realize(DeviceState *dev, Error **errp);

/**
 * pvpanic_featmask_unrealize: undo pvpanic_featmask_realize()
 */
void pvpanic_featmask_unrealize(DeviceState *dev);

#endif
