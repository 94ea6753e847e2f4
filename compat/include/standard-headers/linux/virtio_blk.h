/*
 * Standalone stand-in for QEMU's copy of the kernel header
 * linux/virtio_blk.h: the system's own, with the feature bits newer
 * than Debian 12's kernel headers (values from QEMU's copy)
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_STANDARD_HEADERS_LINUX_VIRTIO_BLK_H
#define FEATMASK_STANDARD_HEADERS_LINUX_VIRTIO_BLK_H

#include <linux/virtio_blk.h>

#ifndef VIRTIO_BLK_F_ZONED
#define VIRTIO_BLK_F_ZONED 17
#endif

#endif
