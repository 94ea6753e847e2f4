/*
 * Helpers shared by featmask's libFuzzer harnesses
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_FUZZ_UTIL_H
#define FEATMASK_FUZZ_UTIL_H

#include "target/i386/featmask-cpu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * fuzz_check: an invariant the harness checks beyond "no crash"; a
 * violation prints what is wrong and aborts, so libFuzzer keeps the input.
 */
#define fuzz_check(cond, ...) \
    do { \
        if (!(cond)) { \
            fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
        } \
    } while (0)

void G_GNUC_NORETURN G_GNUC_PRINTF(4, 5)
fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...);

/**
 * fuzz_setup: what every harness does once
 *
 * Makes glib's criticals and warnings fatal (a g_return_if_fail() that an
 * input reaches is a bug in the caller), and creates a private folder in
 * /dev/shm (or $TMPDIR) for the files the loaders read.
 */
void fuzz_setup(void);

/* The input as a NUL-terminated string (free with g_free). */
char *fuzz_text(const uint8_t *data, size_t size);

/*
 * fuzz_write: write @len bytes to the file @name of the private folder
 * and return its path (free with g_free)
 */
char *fuzz_write(const char *name, const void *data, size_t len);

/*
 * fuzz_split: the parts of @text between lines "%%" (at most @max parts;
 * the last takes the rest), so that one input can hold several files
 */
char **fuzz_split(const char *text, int max);

/* Do @a and @b hold the same leaves and MSRs? */
bool fuzz_cpuid_data_equal(const X86CpuidData *a, const X86CpuidData *b);

#endif
