/*
 * Standalone stand-in for QEMU's standard-headers/misc/pvpanic.h: the
 * system's uapi header (Linux 6.1 on Debian 12), and the event it lacks.
 * Inside QEMU the real one is used.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_COMPAT_PVPANIC_H
#define FEATMASK_COMPAT_PVPANIC_H

#include <misc/pvpanic.h>

/* Linux 6.9 and QEMU 9.0 */
#ifndef PVPANIC_SHUTDOWN
#define PVPANIC_SHUTDOWN (1 << 2)
#endif

#endif
