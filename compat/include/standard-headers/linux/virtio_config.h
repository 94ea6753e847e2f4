/*
 * Standalone stand-in for QEMU's copy of the kernel header
 * linux/virtio_config.h: the system's own, with the feature bits newer
 * than Debian 12's kernel headers (values from QEMU's copy)
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_STANDARD_HEADERS_LINUX_VIRTIO_CONFIG_H
#define FEATMASK_STANDARD_HEADERS_LINUX_VIRTIO_CONFIG_H

#include <linux/virtio_config.h>

#ifndef VIRTIO_F_NOTIFICATION_DATA
#define VIRTIO_F_NOTIFICATION_DATA 38
#endif
#ifndef VIRTIO_F_NOTIF_CONFIG_DATA
#define VIRTIO_F_NOTIF_CONFIG_DATA 39
#endif
#ifndef VIRTIO_F_ADMIN_VQ
#define VIRTIO_F_ADMIN_VQ 41
#endif

#endif
