/*
 * Standalone stand-in for QEMU's standard-headers/linux/virtio_mem.h: the
 * system's uapi header (Linux 6.1 on Debian 12), and the feature bits it
 * lacks.  Inside QEMU the real one is used.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_COMPAT_VIRTIO_MEM_H
#define FEATMASK_COMPAT_VIRTIO_MEM_H

#include <linux/virtio_mem.h>

/* newer Linux only */
#ifndef VIRTIO_MEM_F_PERSISTENT_SUSPEND
#define VIRTIO_MEM_F_PERSISTENT_SUSPEND 2
#endif

#endif
