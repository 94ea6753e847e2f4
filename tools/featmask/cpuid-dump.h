/*
 * featmask: CPUID data from dumps of other machines and from this host
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

/*
 * Limits of a dump or KVM record (docs/interop/cpuid-dumps.rst): a real
 * CPU has a few hundred leaves, KVM answers at most 256 entries.
 */
#define CPUID_DUMP_MAX_SIZE (16 * 1024 * 1024)  /* bytes */
#define CPUID_DUMP_MAX_LEAVES 4096  /* leaves and subleaves, or KVM entries */
#define CPUID_DUMP_MAX_MSRS 4096    /* MSRs of a KVM record */

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
 * or 0x80000000 announces is an error "FILE:LINE: what is wrong"; so is a
 * dump past CPUID_DUMP_MAX_SIZE or CPUID_DUMP_MAX_LEAVES.
 */
X86CpuidData *cpuid_dump_parse(const char *text, const char *filename,
                               CpuidDumpFormat *format, Error **errp);

/**
 * cpuid_text_lines: the lines of @text, as g_strsplit(@text, "\n", -1)
 * gives them (but "" is one empty line), in time linear in the length of
 * @text (even under ASan)
 */
char **cpuid_text_lines(const char *text);

/**
 * cpuid_dump_load: read and parse a dump file
 */
X86CpuidData *cpuid_dump_load(const char *filename, CpuidDumpFormat *format,
                              Error **errp);

/*
 * This host (tools/featmask/probe-cpuid.c)
 */

/**
 * cpuid_probe_host: this host's raw CPUID, read with libcpuid
 *
 * cpuid_get_raw_data() gives the leaves libcpuid stores; the subleaves it
 * does not (7.1, 7.2, 0xD.1, 0x24, 0x80000020 and up) are read with
 * libcpuid's cpu_exec_cpuid_ext().  Feature MSRs are not read (the words
 * they fill are reported unknown by x86_cpuid_decode()).  libcpuid's
 * errors become @errp.
 */
X86CpuidData *cpuid_probe_host(Error **errp);

/**
 * KvmCpuidRecord: the answers of /dev/kvm that say what a guest can get
 * @entries: KVM_GET_SUPPORTED_CPUID's entries (#X86KvmCpuidEntry)
 * @msr_index: the feature MSRs (KVM_GET_MSR_FEATURE_INDEX_LIST) ...
 * @msr_value: ... and their values (KVM_GET_MSRS on the /dev/kvm fd)
 */
typedef struct KvmCpuidRecord {
    GArray *entries;
    GArray *msr_index;
    GArray *msr_value;
} KvmCpuidRecord;

KvmCpuidRecord *kvm_cpuid_record_new(void);
void kvm_cpuid_record_free(KvmCpuidRecord *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KvmCpuidRecord, kvm_cpuid_record_free)

/**
 * kvm_cpuid_record_read: ask KVM (@dev, normally "/dev/kvm")
 * @present: set to false, with NULL returned and no error, when @dev does
 *           not exist (a host without KVM, as the CI machines)
 */
KvmCpuidRecord *kvm_cpuid_record_read(const char *dev, bool *present,
                                      Error **errp);

/**
 * kvm_cpuid_record_save / kvm_cpuid_record_load: a record as text, so
 * that the answers of a KVM host can be replayed elsewhere (format in
 * docs/interop/cpuid-dumps.rst)
 */
bool kvm_cpuid_record_save(const KvmCpuidRecord *r, const char *file,
                           Error **errp);
KvmCpuidRecord *kvm_cpuid_record_parse(const char *text, const char *file,
                                       Error **errp);
KvmCpuidRecord *kvm_cpuid_record_load(const char *file, Error **errp);

/**
 * kvm_cpuid_record_data: the record as CPUID data (source KVM)
 */
X86CpuidData *kvm_cpuid_record_data(const KvmCpuidRecord *r);

#endif
