/*
 * featmask: reading raw CPUID dumps of other machines
 *
 * Three text formats are read (docs/interop/cpuid-dumps.rst):
 *  - libcpuid's raw format, written by `cpuid_tool --save FILE`
 *    ("basic_cpuid[7]=00000000 ..."),
 *  - the AIDA64 CPUID dump format that libcpuid also reads and that many
 *    dumps in libcpuid's test suite use ("CPUID 00000007: ...-...-..."),
 *  - the raw format of Debian's `cpuid` tool, `cpuid -1 -r`
 *    ("   0x00000007 0x00: eax=0x... ebx=0x... ecx=0x... edx=0x...").
 * Only the first logical CPU of a dump is read.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_CPUID_DUMP_H
#define FEATMASK_CPUID_DUMP_H

#include "target/i386/featmask-cpu.h"

typedef enum CpuidDumpFormat {
    CPUID_DUMP_UNKNOWN,
    CPUID_DUMP_LIBCPUID,    /* cpuid_tool --save */
    CPUID_DUMP_AIDA64,      /* AIDA64's CPUID dump */
    CPUID_DUMP_CPUID_TOOL,  /* Debian's cpuid -1 -r */
} CpuidDumpFormat;

/**
 * cpuid_dump_format_name: "libcpuid", "aida64", "cpuid-tool"
 */
const char *cpuid_dump_format_name(CpuidDumpFormat fmt);

/**
 * cpuid_dump_detect: the format of a dump, from its first lines
 *
 * Returns CPUID_DUMP_UNKNOWN if no line before the first data line tells.
 */
CpuidDumpFormat cpuid_dump_detect(const char *text);

/**
 * cpuid_dump_parse: parse a dump held in memory
 * @text: the dump (NUL-terminated)
 * @filename: name used in error messages
 * @format: if not NULL, receives the format found
 * @errp: error object
 *
 * A line that is not understood, a register that is not 8 hex digits, a
 * dump of a non-x86 CPU, or a dump that ends before the leaves its leaf 0
 * or 0x80000000 announces is an error "FILE:LINE: what is wrong".
 */
X86CpuidData *cpuid_dump_parse(const char *text, const char *filename,
                               CpuidDumpFormat *format, Error **errp);

/**
 * cpuid_dump_load: read and parse a dump file
 */
X86CpuidData *cpuid_dump_load(const char *filename, CpuidDumpFormat *format,
                              Error **errp);

#endif
