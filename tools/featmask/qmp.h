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

/*
 * Members of QEMU's replies, read without trusting their shape: NULL (or
 * @dflt) when @o is NULL, the member is missing or has another type.
 */
JsonObject *featmask_qmp_object(JsonObject *o, const char *name);
JsonArray *featmask_qmp_array(JsonObject *o, const char *name);
const char *featmask_qmp_string(JsonObject *o, const char *name);
gint64 featmask_qmp_int(JsonObject *o, const char *name, gint64 dflt);
bool featmask_qmp_bool(JsonObject *o, const char *name, bool dflt);
/* The same for a node: its object or array, or NULL. */
JsonObject *featmask_qmp_node_object(JsonNode *n);
JsonArray *featmask_qmp_node_array(JsonNode *n);
/* Element @i of @a as a string or object, NULL for another type. */
const char *featmask_qmp_element_string(JsonArray *a, guint i);
JsonObject *featmask_qmp_element_object(JsonArray *a, guint i);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FeatmaskQmp, featmask_qmp_close)

#endif
