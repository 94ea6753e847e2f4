/*
 * Standalone stand-in for QEMU's qapi/error.h
 *
 * The same calling conventions as QEMU's Error API (see QEMU's
 * include/qapi/error.h): a function that can fail takes Error **errp
 * last, sets it with error_setg(), and returns false or NULL.  Only the
 * subset featmask uses is provided.  This folder is never copied into
 * QEMU.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_COMPAT_QAPI_ERROR_H
#define FEATMASK_COMPAT_QAPI_ERROR_H

typedef struct Error Error;

/* Pass as errp: abort on error / exit(1) on error. */
extern Error *error_abort;
extern Error *error_fatal;

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *func, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);

#define error_setg(errp, fmt, ...) \
    error_setg_internal((errp), __FILE__, __LINE__, __func__, \
                        (fmt), ## __VA_ARGS__)

/* Add text shown after the message (valid names, the nearest match). */
void error_append_hint(Error *const *errp, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/* Prefix the message of *errp, if set ("file.json:3:7: "). */
void error_prepend(Error *const *errp, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

void error_propagate(Error **dst_errp, Error *local_err);
void error_free(Error *err);
Error *error_copy(const Error *err);
const char *error_get_pretty(const Error *err);
const char *error_get_hint(const Error *err);

/* Print "prefix: message\nhint" on stderr. */
void error_report_err(Error *err);

/*
 * ERRP_GUARD: make errp safe to dereference in the function that uses it,
 * even when the caller passed NULL, &error_abort or &error_fatal.
 */
typedef struct ErrorPropagator {
    Error *local_err;
    Error **errp;
} ErrorPropagator;

static inline void error_propagator_cleanup(ErrorPropagator *prop)
{
    error_propagate(prop->errp, prop->local_err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ErrorPropagator, error_propagator_cleanup)

#define ERRP_GUARD()                                            \
    g_auto(ErrorPropagator) _auto_errp_prop = {.errp = errp};   \
    do {                                                        \
        if (!errp || errp == &error_abort || errp == &error_fatal) { \
            errp = &_auto_errp_prop.local_err;                  \
        }                                                       \
    } while (0)

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Error, error_free)

#endif
