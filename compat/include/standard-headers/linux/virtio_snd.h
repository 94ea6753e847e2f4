/*
 * Standalone stand-in for QEMU's standard-headers/linux/virtio_snd.h: the
 * system's uapi header (Linux 6.1 on Debian 12), and the feature bits it
 * lacks.  Inside QEMU the real one is used.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_COMPAT_VIRTIO_SND_H
#define FEATMASK_COMPAT_VIRTIO_SND_H

#include <linux/virtio_snd.h>

/* newer Linux only (an enum there: defined after the include, harmless) */
#ifndef VIRTIO_SND_F_CTLS
#define VIRTIO_SND_F_CTLS 0
#endif

#endif
