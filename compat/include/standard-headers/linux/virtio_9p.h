/*
 * Standalone stand-in for QEMU's standard-headers/linux/virtio_9p.h: the
 * system's uapi header (Linux 6.1 on Debian 12), and the feature bits it
 * lacks.  Inside QEMU the real one is used.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_COMPAT_VIRTIO_9P_H
#define FEATMASK_COMPAT_VIRTIO_9P_H

#include <linux/virtio_9p.h>

#endif
