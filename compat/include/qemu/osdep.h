/*
 * Standalone stand-in for QEMU's qemu/osdep.h
 *
 * featmask's core files include "qemu/osdep.h" first, as every QEMU
 * source file does.  Inside QEMU they get QEMU's; in the standalone build
 * they get this one, which provides the little the core relies on.
 * This folder is never copied into QEMU.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_COMPAT_OSDEP_H
#define FEATMASK_COMPAT_OSDEP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <inttypes.h>
#include <glib.h>

#ifndef G_GNUC_PRINTF
#define G_GNUC_PRINTF(a, b)
#endif

#define QEMU_BUILD_BUG_ON(x) G_STATIC_ASSERT(!(x))
#define ARRAY_SIZE(x) G_N_ELEMENTS(x)

#endif
