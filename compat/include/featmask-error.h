/*
 * featmask's errors, for users of libfeatmask
 *
 * The library's functions report errors through an Error **errp
 * argument, as in QEMU: pass the address of an Error * set to NULL, and
 * read and free the error with these.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_ERROR_H
#define FEATMASK_ERROR_H

#include "qemu/featmask.h"

/* The error's message, one line. */
const char *featmask_error_message(const Error *err);

/* Hints that go with the message, or NULL. */
const char *featmask_error_hint(const Error *err);

void featmask_error_free(Error *err);

#endif
