/*
 * Standalone implementation of the Error subset in compat/include
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "featmask-error.h"

struct Error {
    char *msg;
    GString *hint;
    const char *src;
    const char *func;
    int line;
};

Error *error_abort;
Error *error_fatal;

static void error_handle(Error **errp, Error *err)
{
    if (errp == &error_abort) {
        fprintf(stderr, "Unexpected error in %s() at %s:%d:\n%s\n",
                err->func, err->src, err->line, err->msg);
        abort();
    }
    if (errp == &error_fatal) {
        error_report_err(err);
        exit(1);
    }
    if (!errp) {
        error_free(err);
        return;
    }
    /* Setting an error twice is a programming error, as in QEMU. */
    g_assert(*errp == NULL);
    *errp = err;
}

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *func, const char *fmt, ...)
{
    Error *err;
    va_list ap;

    if (!errp) {
        return;
    }
    err = g_new0(Error, 1);
    va_start(ap, fmt);
    err->msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    err->src = src;
    err->line = line;
    err->func = func;
    error_handle(errp, err);
}

void error_append_hint(Error *const *errp, const char *fmt, ...)
{
    va_list ap;

    if (!errp || !*errp || errp == &error_abort || errp == &error_fatal) {
        return;
    }
    if (!(*errp)->hint) {
        (*errp)->hint = g_string_new(NULL);
    }
    va_start(ap, fmt);
    g_string_append_vprintf((*errp)->hint, fmt, ap);
    va_end(ap);
}

void error_prepend(Error *const *errp, const char *fmt, ...)
{
    g_autofree char *prefix = NULL;
    char *msg;
    va_list ap;

    if (!errp || !*errp || errp == &error_abort || errp == &error_fatal) {
        return;
    }
    va_start(ap, fmt);
    prefix = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    msg = g_strconcat(prefix, (*errp)->msg, NULL);
    g_free((*errp)->msg);
    (*errp)->msg = msg;
}

void error_propagate(Error **dst_errp, Error *local_err)
{
    if (!local_err) {
        return;
    }
    if (dst_errp && *dst_errp && dst_errp != &error_abort &&
        dst_errp != &error_fatal) {
        error_free(local_err);
        return;
    }
    error_handle(dst_errp, local_err);
}

Error *error_copy(const Error *err)
{
    Error *copy = g_new0(Error, 1);

    copy->msg = g_strdup(err->msg);
    if (err->hint) {
        copy->hint = g_string_new(err->hint->str);
    }
    copy->src = err->src;
    copy->line = err->line;
    copy->func = err->func;
    return copy;
}

void error_free(Error *err)
{
    if (err) {
        g_free(err->msg);
        if (err->hint) {
            g_string_free(err->hint, TRUE);
        }
        g_free(err);
    }
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

const char *error_get_hint(const Error *err)
{
    return err->hint ? err->hint->str : NULL;
}

void error_report_err(Error *err)
{
    fprintf(stderr, "%s\n", err->msg);
    if (err->hint) {
        fputs(err->hint->str, stderr);
    }
    error_free(err);
}

/* The library's public names for the above (compat/include/featmask-error.h). */
const char *featmask_error_message(const Error *err)
{
    return error_get_pretty(err);
}

const char *featmask_error_hint(const Error *err)
{
    return error_get_hint(err);
}

void featmask_error_free(Error *err)
{
    error_free(err);
}
