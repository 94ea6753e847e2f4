/*
 * Standalone stand-in for QEMU's copy of the kernel header
 * linux/virtio_scsi.h: the system's own
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_STANDARD_HEADERS_LINUX_VIRTIO_SCSI_H
#define FEATMASK_STANDARD_HEADERS_LINUX_VIRTIO_SCSI_H

#include <linux/virtio_scsi.h>

#endif
