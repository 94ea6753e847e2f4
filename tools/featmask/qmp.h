/*
 * featmask: a small QMP client (QEMU Machine Protocol over a unix socket)
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_QMP_H
#define FEATMASK_QMP_H

#include <json-glib/json-glib.h>

typedef struct FeatmaskQmp FeatmaskQmp;

/**
 * featmask_qmp_connect: connect to a QMP socket and leave capabilities
 * negotiation mode
 * @greeting_version: if not NULL, receives QEMU's version from the
 *                    greeting ("10.0.13 (Debian 1:10.0.13+ds-...)")
 */
FeatmaskQmp *featmask_qmp_connect(const char *path, char **greeting_version,
                                  Error **errp);

/**
 * featmask_qmp_execute: run a command and return its "return" member
 * @args: the arguments (an object node, consumed), or NULL
 * @error_class: if not NULL, receives QEMU's error class on failure
 *               ("CommandNotFound", "GenericError", ...)
 *
 * Events that arrive meanwhile are skipped.
 */
JsonNode *featmask_qmp_execute(FeatmaskQmp *q, const char *cmd,
                               JsonNode *args, char **error_class,
                               Error **errp);

void featmask_qmp_close(FeatmaskQmp *q);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FeatmaskQmp, featmask_qmp_close)

#endif
