/*
 * Standalone stand-in for QEMU's standard-headers/linux/virtio_pmem.h: the
 * system's uapi header (Linux 6.1 on Debian 12), and the feature bits it
 * lacks.  Inside QEMU the real one is used.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_COMPAT_VIRTIO_PMEM_H
#define FEATMASK_COMPAT_VIRTIO_PMEM_H

#include <linux/virtio_pmem.h>

/* newer Linux only */
#ifndef VIRTIO_PMEM_F_SHMEM_REGION
#define VIRTIO_PMEM_F_SHMEM_REGION 0
#endif

#endif
