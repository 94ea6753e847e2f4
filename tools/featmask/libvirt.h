/*
 * featmask: a pool's plan as libvirt domain XML
 *
 * libvirt names CPU features and models its own way, and switches device
 * features with <driver> attributes; featmask's patch-set's features=
 * goes through libvirt's QEMU namespace (<qemu:override>, libvirt 8.2+).
 * The names are libvirt 9.0's (Debian 12), whose x86 models are
 * versionless names ("Skylake-Server-IBRS"), not QEMU's "-vN".
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_LIBVIRT_H
#define FEATMASK_LIBVIRT_H

#include "pool.h"
#include "target/i386/featmask-cpu.h"

#define FEATMASK_LIBVIRT_VERSION "9.0"

/**
 * featmask_libvirt_cpu_feature: libvirt's name of the x86 CPU feature
 * that QEMU calls @qemu_name ("pclmulqdq" -> "pclmuldq"), or NULL if
 * libvirt cannot name it
 */
const char *featmask_libvirt_cpu_feature(const char *qemu_name);

/**
 * featmask_libvirt_cpu_features: the table, NULL-terminated pairs
 * (QEMU name, libvirt name); for the tests
 */
const char *const *featmask_libvirt_cpu_features(size_t *n);

/**
 * featmask_libvirt_cpu_models: libvirt's x86 model names, NULL-terminated
 */
const char *const *featmask_libvirt_cpu_models(void);

/**
 * featmask_libvirt_cpu_model: the libvirt model of QEMU model version
 * @c, or of the newest earlier version libvirt has; NULL if none
 */
const char *featmask_libvirt_cpu_model(const X86ModelChoice *c);

/**
 * FeatmaskLibvirtPlan: what a host's part of the plan is made from
 * @pool: the negotiated pool
 * @model: the named model (the custom CPU form), or NULL for
 *         host-passthrough with what this host has beyond the common
 *         set disabled
 * @features: per device of @pool, the features= value to set through
 *            <qemu:override> (a patched QEMU), or NULL for <driver>
 *            attributes (any QEMU); NULL for all NULL
 */
typedef struct FeatmaskLibvirtPlan {
    const FeatmaskPool *pool;
    const X86ModelChoice *model;
    char *const *features;
} FeatmaskLibvirtPlan;

/**
 * featmask_libvirt_host: host @h's fragments as one domain document
 * @problems: receives a message (g_free'd string) for each feature that
 *            libvirt cannot express and that must be off on this host;
 *            the document then does not keep the VM migratable
 * @notes: receives a message for each common feature the guest will not
 *         get because libvirt cannot name it (safe, but a loss); the
 *         same for every host, so NULL after the first
 */
char *featmask_libvirt_host(const FeatmaskLibvirtPlan *plan, guint h,
                            GPtrArray *problems, GPtrArray *notes);

#endif
