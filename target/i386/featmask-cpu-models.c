/*
 * featmask: QEMU 10.0's named x86 CPU models
 *
 * Each model as QEMU 10.0 defines it: the features of version 1, then
 * what every later version turns on or off (versions are cumulative).
 * Only CPU feature properties are listed; the versions' other changes
 * (model-id, stepping, cache descriptions) do not change what a guest
 * may use.  tests/unit/test-featmask-cpu.c checks every name against the
 * map, and scripts/check-cpu-names.py (a test) checks the models' names
 * and versions, and the feature names, against QEMU's target/i386/cpu.c.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/featmask.h"
#include "featmask-cpu.h"

static const X86Model x86_model_table[] = {
    {
        .name = "qemu64",
        .vendor = "AuthenticAMD",
        .features = FEATMASK_NAMES("fpu", "de", "pse", "tsc", "msr", "pae",
            "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov", "pat",
            "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni", "cx16",
            "syscall", "nx", "lm", "lahf-lm", "svm"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "phenom",
        .vendor = "AuthenticAMD",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "monitor", "cx16", "popcnt", "syscall", "nx", "mmxext", "fxsr-opt",
            "pdpe1gb", "rdtscp", "lm", "3dnowext", "3dnow", "lahf-lm", "svm",
            "abm", "sse4a", "npt"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "core2duo",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "acpi", "mmx", "fxsr", "sse", "sse2",
            "ss", "pni", "monitor", "ssse3", "cx16", "syscall", "nx", "lm",
            "lahf-lm", "vmx-ins-outs", "vmx-entry-ia32e-mode",
            "vmx-exit-ack-intr", "vmx-activity-hlt", "vmx-intr-exit",
            "vmx-nmi-exit", "vmx-vnmi", "vmx-vintr-pending", "vmx-tsc-offset",
            "vmx-hlt-exit", "vmx-invlpg-exit", "vmx-mwait-exit",
            "vmx-rdpmc-exit", "vmx-rdtsc-exit", "vmx-cr8-load-exit",
            "vmx-cr8-store-exit", "vmx-flexpriority", "vmx-vnmi-pending",
            "vmx-movdr-exit", "vmx-io-exit", "vmx-io-bitmap", "vmx-msr-bitmap",
            "vmx-monitor-exit", "vmx-pause-exit", "vmx-secondary-ctls",
            "vmx-apicv-xapic"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "kvm64",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "cx16", "syscall", "nx", "lm", "vmx-entry-ia32e-mode",
            "vmx-exit-ack-intr", "vmx-activity-hlt", "vmx-intr-exit",
            "vmx-nmi-exit", "vmx-vintr-pending", "vmx-tsc-offset",
            "vmx-hlt-exit", "vmx-invlpg-exit", "vmx-mwait-exit",
            "vmx-rdpmc-exit", "vmx-rdtsc-exit", "vmx-cr8-load-exit",
            "vmx-cr8-store-exit", "vmx-flexpriority", "vmx-movdr-exit",
            "vmx-io-exit", "vmx-io-bitmap", "vmx-monitor-exit",
            "vmx-pause-exit"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "qemu32",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "de", "pse", "tsc", "msr", "pae",
            "mce", "cx8", "apic", "sep", "pge", "cmov", "pat", "mmx", "fxsr",
            "sse", "sse2", "pni"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "kvm32",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "vmx-entry-ia32e-mode", "vmx-exit-ack-intr", "vmx-activity-hlt",
            "vmx-intr-exit", "vmx-nmi-exit", "vmx-vintr-pending",
            "vmx-tsc-offset", "vmx-hlt-exit", "vmx-invlpg-exit",
            "vmx-mwait-exit", "vmx-rdpmc-exit", "vmx-rdtsc-exit",
            "vmx-movdr-exit", "vmx-io-exit", "vmx-io-bitmap", "vmx-msr-bitmap",
            "vmx-monitor-exit", "vmx-pause-exit"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "coreduo",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "clflush", "acpi", "mmx", "fxsr", "sse", "sse2", "ss",
            "pni", "monitor", "nx", "vmx-entry-ia32e-mode",
            "vmx-exit-ack-intr", "vmx-activity-hlt", "vmx-intr-exit",
            "vmx-nmi-exit", "vmx-vintr-pending", "vmx-tsc-offset",
            "vmx-hlt-exit", "vmx-invlpg-exit", "vmx-mwait-exit",
            "vmx-rdpmc-exit", "vmx-rdtsc-exit", "vmx-movdr-exit",
            "vmx-io-exit", "vmx-io-bitmap", "vmx-msr-bitmap",
            "vmx-monitor-exit", "vmx-pause-exit"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "486",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "pse"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "pentium",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "mce", "cx8", "apic", "mmx"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "pentium2",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "mmx", "fxsr"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "pentium3",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "mmx", "fxsr", "sse"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "athlon",
        .vendor = "AuthenticAMD",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "mmx", "fxsr", "sse", "sse2", "mmxext", "3dnowext",
            "3dnow"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "n270",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "clflush", "acpi", "mmx", "fxsr", "sse", "sse2", "ss",
            "pni", "monitor", "ssse3", "movbe", "nx", "lahf-lm"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "Conroe",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "ssse3", "syscall", "nx", "lm", "lahf-lm", "vmx-ins-outs",
            "vmx-entry-ia32e-mode", "vmx-exit-ack-intr", "vmx-activity-hlt",
            "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi", "vmx-vintr-pending",
            "vmx-tsc-offset", "vmx-hlt-exit", "vmx-invlpg-exit",
            "vmx-mwait-exit", "vmx-rdpmc-exit", "vmx-rdtsc-exit",
            "vmx-cr8-load-exit", "vmx-cr8-store-exit", "vmx-flexpriority",
            "vmx-vnmi-pending", "vmx-movdr-exit", "vmx-io-exit",
            "vmx-io-bitmap", "vmx-msr-bitmap", "vmx-monitor-exit",
            "vmx-pause-exit", "vmx-secondary-ctls", "vmx-apicv-xapic"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "Penryn",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "ssse3", "cx16", "sse4.1", "syscall", "nx", "lm", "lahf-lm",
            "vmx-ins-outs", "vmx-entry-ia32e-mode",
            "vmx-entry-load-perf-global-ctrl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-activity-hlt", "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi",
            "vmx-vintr-pending", "vmx-tsc-offset", "vmx-hlt-exit",
            "vmx-invlpg-exit", "vmx-mwait-exit", "vmx-rdpmc-exit",
            "vmx-rdtsc-exit", "vmx-cr8-load-exit", "vmx-cr8-store-exit",
            "vmx-flexpriority", "vmx-vnmi-pending", "vmx-movdr-exit",
            "vmx-io-exit", "vmx-io-bitmap", "vmx-msr-bitmap",
            "vmx-monitor-exit", "vmx-pause-exit", "vmx-secondary-ctls",
            "vmx-apicv-xapic", "vmx-wbinvd-exit"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "Nehalem",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "ssse3", "cx16", "sse4.1", "sse4.2", "popcnt", "syscall", "nx",
            "lm", "lahf-lm", "vmx-ins-outs", "vmx-true-ctls",
            "vmx-entry-noload-debugctl", "vmx-entry-ia32e-mode",
            "vmx-entry-load-perf-global-ctrl", "vmx-entry-load-pat",
            "vmx-entry-load-efer", "vmx-ept-execonly", "vmx-page-walk-4",
            "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept",
            "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-activity-hlt", "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi",
            "vmx-preemption-timer", "vmx-vintr-pending", "vmx-tsc-offset",
            "vmx-hlt-exit", "vmx-invlpg-exit", "vmx-mwait-exit",
            "vmx-rdpmc-exit", "vmx-rdtsc-exit", "vmx-cr3-load-noexit",
            "vmx-cr3-store-noexit", "vmx-cr8-load-exit", "vmx-cr8-store-exit",
            "vmx-flexpriority", "vmx-vnmi-pending", "vmx-movdr-exit",
            "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf", "vmx-msr-bitmap",
            "vmx-monitor-exit", "vmx-pause-exit", "vmx-secondary-ctls",
            "vmx-apicv-xapic", "vmx-ept", "vmx-desc-exit", "vmx-rdtscp-exit",
            "vmx-apicv-x2apic", "vmx-vpid", "vmx-wbinvd-exit"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .alias = "Nehalem-IBRS",
                .on = FEATMASK_NAMES("spec-ctrl"),
            },
        },
        .nversions = 2,
    },
    {
        .name = "Westmere",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "ssse3", "cx16", "sse4.1", "sse4.2", "popcnt", "aes",
            "syscall", "nx", "lm", "lahf-lm", "arat", "vmx-ins-outs",
            "vmx-true-ctls", "vmx-entry-noload-debugctl",
            "vmx-entry-ia32e-mode", "vmx-entry-load-perf-global-ctrl",
            "vmx-entry-load-pat", "vmx-entry-load-efer", "vmx-ept-execonly",
            "vmx-page-walk-4", "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept",
            "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-intr-exit",
            "vmx-nmi-exit", "vmx-vnmi", "vmx-preemption-timer",
            "vmx-vintr-pending", "vmx-tsc-offset", "vmx-hlt-exit",
            "vmx-invlpg-exit", "vmx-mwait-exit", "vmx-rdpmc-exit",
            "vmx-rdtsc-exit", "vmx-cr3-load-noexit", "vmx-cr3-store-noexit",
            "vmx-cr8-load-exit", "vmx-cr8-store-exit", "vmx-flexpriority",
            "vmx-vnmi-pending", "vmx-movdr-exit", "vmx-io-exit",
            "vmx-io-bitmap", "vmx-mtf", "vmx-msr-bitmap", "vmx-monitor-exit",
            "vmx-pause-exit", "vmx-secondary-ctls", "vmx-apicv-xapic",
            "vmx-ept", "vmx-desc-exit", "vmx-rdtscp-exit", "vmx-apicv-x2apic",
            "vmx-vpid", "vmx-wbinvd-exit", "vmx-unrestricted-guest"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .alias = "Westmere-IBRS",
                .on = FEATMASK_NAMES("spec-ctrl"),
            },
        },
        .nversions = 2,
    },
    {
        .name = "SandyBridge",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "ssse3", "cx16", "sse4.1", "sse4.2", "x2apic",
            "popcnt", "tsc-deadline", "aes", "xsave", "avx", "syscall", "nx",
            "rdtscp", "lm", "lahf-lm", "xsaveopt", "arat", "vmx-ins-outs",
            "vmx-true-ctls", "vmx-entry-noload-debugctl",
            "vmx-entry-ia32e-mode", "vmx-entry-load-perf-global-ctrl",
            "vmx-entry-load-pat", "vmx-entry-load-efer", "vmx-ept-execonly",
            "vmx-page-walk-4", "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept",
            "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-intr-exit",
            "vmx-nmi-exit", "vmx-vnmi", "vmx-preemption-timer",
            "vmx-vintr-pending", "vmx-tsc-offset", "vmx-hlt-exit",
            "vmx-invlpg-exit", "vmx-mwait-exit", "vmx-rdpmc-exit",
            "vmx-rdtsc-exit", "vmx-cr3-load-noexit", "vmx-cr3-store-noexit",
            "vmx-cr8-load-exit", "vmx-cr8-store-exit", "vmx-flexpriority",
            "vmx-vnmi-pending", "vmx-movdr-exit", "vmx-io-exit",
            "vmx-io-bitmap", "vmx-mtf", "vmx-msr-bitmap", "vmx-monitor-exit",
            "vmx-pause-exit", "vmx-secondary-ctls", "vmx-apicv-xapic",
            "vmx-ept", "vmx-desc-exit", "vmx-rdtscp-exit", "vmx-apicv-x2apic",
            "vmx-vpid", "vmx-wbinvd-exit", "vmx-unrestricted-guest"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .alias = "SandyBridge-IBRS",
                .on = FEATMASK_NAMES("spec-ctrl"),
            },
        },
        .nversions = 2,
    },
    {
        .name = "IvyBridge",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "ssse3", "cx16", "sse4.1", "sse4.2", "x2apic",
            "popcnt", "tsc-deadline", "aes", "xsave", "avx", "f16c", "rdrand",
            "fsgsbase", "smep", "erms", "syscall", "nx", "rdtscp", "lm",
            "lahf-lm", "xsaveopt", "arat", "vmx-ins-outs", "vmx-true-ctls",
            "vmx-entry-noload-debugctl", "vmx-entry-ia32e-mode",
            "vmx-entry-load-perf-global-ctrl", "vmx-entry-load-pat",
            "vmx-entry-load-efer", "vmx-ept-execonly", "vmx-page-walk-4",
            "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept",
            "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-intr-exit",
            "vmx-nmi-exit", "vmx-vnmi", "vmx-preemption-timer",
            "vmx-posted-intr", "vmx-vintr-pending", "vmx-tsc-offset",
            "vmx-hlt-exit", "vmx-invlpg-exit", "vmx-mwait-exit",
            "vmx-rdpmc-exit", "vmx-rdtsc-exit", "vmx-cr3-load-noexit",
            "vmx-cr3-store-noexit", "vmx-cr8-load-exit", "vmx-cr8-store-exit",
            "vmx-flexpriority", "vmx-vnmi-pending", "vmx-movdr-exit",
            "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf", "vmx-msr-bitmap",
            "vmx-monitor-exit", "vmx-pause-exit", "vmx-secondary-ctls",
            "vmx-apicv-xapic", "vmx-ept", "vmx-desc-exit", "vmx-rdtscp-exit",
            "vmx-apicv-x2apic", "vmx-vpid", "vmx-wbinvd-exit",
            "vmx-unrestricted-guest", "vmx-apicv-register", "vmx-apicv-vid",
            "vmx-rdrand-exit"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .alias = "IvyBridge-IBRS",
                .on = FEATMASK_NAMES("spec-ctrl"),
            },
        },
        .nversions = 2,
    },
    {
        .name = "Haswell",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "ssse3", "fma", "cx16", "pcid", "sse4.1", "sse4.2",
            "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave", "avx",
            "f16c", "rdrand", "syscall", "nx", "rdtscp", "lm", "lahf-lm",
            "abm", "fsgsbase", "bmi1", "hle", "avx2", "smep", "bmi2", "erms",
            "invpcid", "rtm", "xsaveopt", "arat", "vmx-ins-outs",
            "vmx-true-ctls", "vmx-entry-noload-debugctl",
            "vmx-entry-ia32e-mode", "vmx-entry-load-perf-global-ctrl",
            "vmx-entry-load-pat", "vmx-entry-load-efer", "vmx-ept-execonly",
            "vmx-page-walk-4", "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept",
            "vmx-eptad", "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-vmwrite-vmexit-fields",
            "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi",
            "vmx-preemption-timer", "vmx-posted-intr", "vmx-vintr-pending",
            "vmx-tsc-offset", "vmx-hlt-exit", "vmx-invlpg-exit",
            "vmx-mwait-exit", "vmx-rdpmc-exit", "vmx-rdtsc-exit",
            "vmx-cr3-load-noexit", "vmx-cr3-store-noexit", "vmx-cr8-load-exit",
            "vmx-cr8-store-exit", "vmx-flexpriority", "vmx-vnmi-pending",
            "vmx-movdr-exit", "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf",
            "vmx-msr-bitmap", "vmx-monitor-exit", "vmx-pause-exit",
            "vmx-secondary-ctls", "vmx-apicv-xapic", "vmx-ept",
            "vmx-desc-exit", "vmx-rdtscp-exit", "vmx-apicv-x2apic", "vmx-vpid",
            "vmx-wbinvd-exit", "vmx-unrestricted-guest", "vmx-apicv-register",
            "vmx-apicv-vid", "vmx-rdrand-exit", "vmx-invpcid-exit",
            "vmx-vmfunc", "vmx-shadow-vmcs", "vmx-eptp-switching"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .alias = "Haswell-noTSX",
                .off = FEATMASK_NAMES("hle", "rtm"),
            },
            {
                .version = 3,
                .alias = "Haswell-IBRS",
                .on = FEATMASK_NAMES("hle", "rtm", "spec-ctrl"),
            },
            {
                .version = 4,
                .alias = "Haswell-noTSX-IBRS",
                .off = FEATMASK_NAMES("hle", "rtm"),
            },
        },
        .nversions = 4,
    },
    {
        .name = "Broadwell",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "ssse3", "fma", "cx16", "pcid", "sse4.1", "sse4.2",
            "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave", "avx",
            "f16c", "rdrand", "syscall", "nx", "rdtscp", "lm", "lahf-lm",
            "abm", "3dnowprefetch", "fsgsbase", "bmi1", "hle", "avx2", "smep",
            "bmi2", "erms", "invpcid", "rtm", "rdseed", "adx", "smap",
            "xsaveopt", "arat", "vmx-ins-outs", "vmx-true-ctls",
            "vmx-entry-noload-debugctl", "vmx-entry-ia32e-mode",
            "vmx-entry-load-perf-global-ctrl", "vmx-entry-load-pat",
            "vmx-entry-load-efer", "vmx-ept-execonly", "vmx-page-walk-4",
            "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept", "vmx-eptad",
            "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-vmwrite-vmexit-fields",
            "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi",
            "vmx-preemption-timer", "vmx-posted-intr", "vmx-vintr-pending",
            "vmx-tsc-offset", "vmx-hlt-exit", "vmx-invlpg-exit",
            "vmx-mwait-exit", "vmx-rdpmc-exit", "vmx-rdtsc-exit",
            "vmx-cr3-load-noexit", "vmx-cr3-store-noexit", "vmx-cr8-load-exit",
            "vmx-cr8-store-exit", "vmx-flexpriority", "vmx-vnmi-pending",
            "vmx-movdr-exit", "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf",
            "vmx-msr-bitmap", "vmx-monitor-exit", "vmx-pause-exit",
            "vmx-secondary-ctls", "vmx-apicv-xapic", "vmx-ept",
            "vmx-desc-exit", "vmx-rdtscp-exit", "vmx-apicv-x2apic", "vmx-vpid",
            "vmx-wbinvd-exit", "vmx-unrestricted-guest", "vmx-apicv-register",
            "vmx-apicv-vid", "vmx-rdrand-exit", "vmx-invpcid-exit",
            "vmx-vmfunc", "vmx-shadow-vmcs", "vmx-rdseed-exit", "vmx-pml",
            "vmx-eptp-switching"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .alias = "Broadwell-noTSX",
                .off = FEATMASK_NAMES("hle", "rtm"),
            },
            {
                .version = 3,
                .alias = "Broadwell-IBRS",
                .on = FEATMASK_NAMES("hle", "rtm", "spec-ctrl"),
            },
            {
                .version = 4,
                .alias = "Broadwell-noTSX-IBRS",
                .off = FEATMASK_NAMES("hle", "rtm"),
            },
        },
        .nversions = 4,
    },
    {
        .name = "Skylake-Client",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "ssse3", "fma", "cx16", "pcid", "sse4.1", "sse4.2",
            "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave", "avx",
            "f16c", "rdrand", "syscall", "nx", "rdtscp", "lm", "lahf-lm",
            "abm", "3dnowprefetch", "fsgsbase", "bmi1", "hle", "avx2", "smep",
            "bmi2", "erms", "invpcid", "rtm", "rdseed", "adx", "smap",
            "xsaveopt", "xsavec", "xgetbv1", "arat", "vmx-ins-outs",
            "vmx-true-ctls", "vmx-entry-noload-debugctl",
            "vmx-entry-ia32e-mode", "vmx-entry-load-perf-global-ctrl",
            "vmx-entry-load-pat", "vmx-entry-load-efer", "vmx-ept-execonly",
            "vmx-page-walk-4", "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept",
            "vmx-eptad", "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-vmwrite-vmexit-fields",
            "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi",
            "vmx-preemption-timer", "vmx-vintr-pending", "vmx-tsc-offset",
            "vmx-hlt-exit", "vmx-invlpg-exit", "vmx-mwait-exit",
            "vmx-rdpmc-exit", "vmx-rdtsc-exit", "vmx-cr3-load-noexit",
            "vmx-cr3-store-noexit", "vmx-cr8-load-exit", "vmx-cr8-store-exit",
            "vmx-flexpriority", "vmx-vnmi-pending", "vmx-movdr-exit",
            "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf", "vmx-msr-bitmap",
            "vmx-monitor-exit", "vmx-pause-exit", "vmx-secondary-ctls",
            "vmx-apicv-xapic", "vmx-ept", "vmx-desc-exit", "vmx-rdtscp-exit",
            "vmx-vpid", "vmx-wbinvd-exit", "vmx-unrestricted-guest",
            "vmx-rdrand-exit", "vmx-invpcid-exit", "vmx-vmfunc",
            "vmx-shadow-vmcs", "vmx-rdseed-exit", "vmx-pml",
            "vmx-eptp-switching"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .alias = "Skylake-Client-IBRS",
                .on = FEATMASK_NAMES("spec-ctrl"),
            },
            {
                .version = 3,
                .alias = "Skylake-Client-noTSX-IBRS",
                .off = FEATMASK_NAMES("hle", "rtm"),
            },
            {
                .version = 4,
                .on = FEATMASK_NAMES("xsaves", "vmx-xsaves"),
            },
        },
        .nversions = 4,
    },
    {
        .name = "Skylake-Server",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "ssse3", "fma", "cx16", "pcid", "sse4.1", "sse4.2",
            "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave", "avx",
            "f16c", "rdrand", "syscall", "nx", "pdpe1gb", "rdtscp", "lm",
            "lahf-lm", "abm", "3dnowprefetch", "fsgsbase", "bmi1", "hle",
            "avx2", "smep", "bmi2", "erms", "invpcid", "rtm", "avx512f",
            "avx512dq", "rdseed", "adx", "smap", "clflushopt", "clwb",
            "avx512cd", "avx512bw", "avx512vl", "pku", "xsaveopt", "xsavec",
            "xgetbv1", "arat", "vmx-ins-outs", "vmx-true-ctls",
            "vmx-entry-noload-debugctl", "vmx-entry-ia32e-mode",
            "vmx-entry-load-perf-global-ctrl", "vmx-entry-load-pat",
            "vmx-entry-load-efer", "vmx-ept-execonly", "vmx-page-walk-4",
            "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept", "vmx-eptad",
            "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-vmwrite-vmexit-fields",
            "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi",
            "vmx-preemption-timer", "vmx-posted-intr", "vmx-vintr-pending",
            "vmx-tsc-offset", "vmx-hlt-exit", "vmx-invlpg-exit",
            "vmx-mwait-exit", "vmx-rdpmc-exit", "vmx-rdtsc-exit",
            "vmx-cr3-load-noexit", "vmx-cr3-store-noexit", "vmx-cr8-load-exit",
            "vmx-cr8-store-exit", "vmx-flexpriority", "vmx-vnmi-pending",
            "vmx-movdr-exit", "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf",
            "vmx-msr-bitmap", "vmx-monitor-exit", "vmx-pause-exit",
            "vmx-secondary-ctls", "vmx-apicv-xapic", "vmx-ept",
            "vmx-desc-exit", "vmx-rdtscp-exit", "vmx-apicv-x2apic", "vmx-vpid",
            "vmx-wbinvd-exit", "vmx-unrestricted-guest", "vmx-apicv-register",
            "vmx-apicv-vid", "vmx-rdrand-exit", "vmx-invpcid-exit",
            "vmx-vmfunc", "vmx-shadow-vmcs", "vmx-rdseed-exit", "vmx-pml"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .alias = "Skylake-Server-IBRS",
                .on = FEATMASK_NAMES("spec-ctrl"),
                .off = FEATMASK_NAMES("clflushopt"),
            },
            {
                .version = 3,
                .alias = "Skylake-Server-noTSX-IBRS",
                .off = FEATMASK_NAMES("hle", "rtm"),
            },
            {
                .version = 4,
                .on = FEATMASK_NAMES("vmx-eptp-switching"),
            },
            {
                .version = 5,
                .on = FEATMASK_NAMES("xsaves", "vmx-xsaves"),
            },
        },
        .nversions = 5,
    },
    {
        .name = "Cascadelake-Server",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "ssse3", "fma", "cx16", "pcid", "sse4.1", "sse4.2",
            "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave", "avx",
            "f16c", "rdrand", "syscall", "nx", "pdpe1gb", "rdtscp", "lm",
            "lahf-lm", "abm", "3dnowprefetch", "fsgsbase", "bmi1", "hle",
            "avx2", "smep", "bmi2", "erms", "invpcid", "rtm", "avx512f",
            "avx512dq", "rdseed", "adx", "smap", "clflushopt", "clwb",
            "avx512cd", "avx512bw", "avx512vl", "pku", "avx512vnni",
            "spec-ctrl", "ssbd", "xsaveopt", "xsavec", "xgetbv1", "arat",
            "vmx-ins-outs", "vmx-true-ctls", "vmx-entry-noload-debugctl",
            "vmx-entry-ia32e-mode", "vmx-entry-load-perf-global-ctrl",
            "vmx-entry-load-pat", "vmx-entry-load-efer", "vmx-ept-execonly",
            "vmx-page-walk-4", "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept",
            "vmx-eptad", "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-vmwrite-vmexit-fields",
            "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi",
            "vmx-preemption-timer", "vmx-posted-intr", "vmx-vintr-pending",
            "vmx-tsc-offset", "vmx-hlt-exit", "vmx-invlpg-exit",
            "vmx-mwait-exit", "vmx-rdpmc-exit", "vmx-rdtsc-exit",
            "vmx-cr3-load-noexit", "vmx-cr3-store-noexit", "vmx-cr8-load-exit",
            "vmx-cr8-store-exit", "vmx-flexpriority", "vmx-vnmi-pending",
            "vmx-movdr-exit", "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf",
            "vmx-msr-bitmap", "vmx-monitor-exit", "vmx-pause-exit",
            "vmx-secondary-ctls", "vmx-apicv-xapic", "vmx-ept",
            "vmx-desc-exit", "vmx-rdtscp-exit", "vmx-apicv-x2apic", "vmx-vpid",
            "vmx-wbinvd-exit", "vmx-unrestricted-guest", "vmx-apicv-register",
            "vmx-apicv-vid", "vmx-rdrand-exit", "vmx-invpcid-exit",
            "vmx-vmfunc", "vmx-shadow-vmcs", "vmx-rdseed-exit", "vmx-pml"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .on = FEATMASK_NAMES("arch-capabilities", "rdctl-no",
                    "ibrs-all", "skip-l1dfl-vmentry", "mds-no"),
            },
            {
                .version = 3,
                .alias = "Cascadelake-Server-noTSX",
                .off = FEATMASK_NAMES("hle", "rtm"),
            },
            {
                .version = 4,
                .on = FEATMASK_NAMES("vmx-eptp-switching"),
            },
            {
                .version = 5,
                .on = FEATMASK_NAMES("xsaves", "vmx-xsaves"),
            },
        },
        .nversions = 5,
    },
    {
        .name = "Cooperlake",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "ssse3", "fma", "cx16", "pcid", "sse4.1", "sse4.2",
            "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave", "avx",
            "f16c", "rdrand", "syscall", "nx", "pdpe1gb", "rdtscp", "lm",
            "lahf-lm", "abm", "3dnowprefetch", "fsgsbase", "bmi1", "hle",
            "avx2", "smep", "bmi2", "erms", "invpcid", "rtm", "avx512f",
            "avx512dq", "rdseed", "adx", "smap", "clflushopt", "clwb",
            "avx512cd", "avx512bw", "avx512vl", "pku", "avx512vnni",
            "spec-ctrl", "stibp", "arch-capabilities", "ssbd", "rdctl-no",
            "ibrs-all", "skip-l1dfl-vmentry", "mds-no", "pschange-mc-no",
            "taa-no", "avx512-bf16", "xsaveopt", "xsavec", "xgetbv1", "arat",
            "vmx-ins-outs", "vmx-true-ctls", "vmx-entry-noload-debugctl",
            "vmx-entry-ia32e-mode", "vmx-entry-load-perf-global-ctrl",
            "vmx-entry-load-pat", "vmx-entry-load-efer", "vmx-ept-execonly",
            "vmx-page-walk-4", "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept",
            "vmx-eptad", "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-vmwrite-vmexit-fields",
            "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi",
            "vmx-preemption-timer", "vmx-posted-intr", "vmx-vintr-pending",
            "vmx-tsc-offset", "vmx-hlt-exit", "vmx-invlpg-exit",
            "vmx-mwait-exit", "vmx-rdpmc-exit", "vmx-rdtsc-exit",
            "vmx-cr3-load-noexit", "vmx-cr3-store-noexit", "vmx-cr8-load-exit",
            "vmx-cr8-store-exit", "vmx-flexpriority", "vmx-vnmi-pending",
            "vmx-movdr-exit", "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf",
            "vmx-msr-bitmap", "vmx-monitor-exit", "vmx-pause-exit",
            "vmx-secondary-ctls", "vmx-apicv-xapic", "vmx-ept",
            "vmx-desc-exit", "vmx-rdtscp-exit", "vmx-apicv-x2apic", "vmx-vpid",
            "vmx-wbinvd-exit", "vmx-unrestricted-guest", "vmx-apicv-register",
            "vmx-apicv-vid", "vmx-rdrand-exit", "vmx-invpcid-exit",
            "vmx-vmfunc", "vmx-shadow-vmcs", "vmx-rdseed-exit", "vmx-pml",
            "vmx-eptp-switching"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .on = FEATMASK_NAMES("xsaves", "vmx-xsaves"),
            },
        },
        .nversions = 2,
    },
    {
        .name = "Icelake-Server",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "ssse3", "fma", "cx16", "pcid", "sse4.1", "sse4.2",
            "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave", "avx",
            "f16c", "rdrand", "syscall", "nx", "pdpe1gb", "rdtscp", "lm",
            "lahf-lm", "abm", "3dnowprefetch", "wbnoinvd", "fsgsbase", "bmi1",
            "hle", "avx2", "smep", "bmi2", "erms", "invpcid", "rtm", "avx512f",
            "avx512dq", "rdseed", "adx", "smap", "clflushopt", "clwb",
            "avx512cd", "avx512bw", "avx512vl", "avx512vbmi", "umip", "pku",
            "avx512vbmi2", "gfni", "vaes", "vpclmulqdq", "avx512vnni",
            "avx512bitalg", "avx512-vpopcntdq", "la57", "spec-ctrl", "ssbd",
            "xsaveopt", "xsavec", "xgetbv1", "arat", "vmx-ins-outs",
            "vmx-true-ctls", "vmx-entry-noload-debugctl",
            "vmx-entry-ia32e-mode", "vmx-entry-load-perf-global-ctrl",
            "vmx-entry-load-pat", "vmx-entry-load-efer", "vmx-ept-execonly",
            "vmx-page-walk-4", "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept",
            "vmx-eptad", "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-vmwrite-vmexit-fields",
            "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi",
            "vmx-preemption-timer", "vmx-posted-intr", "vmx-vintr-pending",
            "vmx-tsc-offset", "vmx-hlt-exit", "vmx-invlpg-exit",
            "vmx-mwait-exit", "vmx-rdpmc-exit", "vmx-rdtsc-exit",
            "vmx-cr3-load-noexit", "vmx-cr3-store-noexit", "vmx-cr8-load-exit",
            "vmx-cr8-store-exit", "vmx-flexpriority", "vmx-vnmi-pending",
            "vmx-movdr-exit", "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf",
            "vmx-msr-bitmap", "vmx-monitor-exit", "vmx-pause-exit",
            "vmx-secondary-ctls", "vmx-apicv-xapic", "vmx-ept",
            "vmx-desc-exit", "vmx-rdtscp-exit", "vmx-apicv-x2apic", "vmx-vpid",
            "vmx-wbinvd-exit", "vmx-unrestricted-guest", "vmx-apicv-register",
            "vmx-apicv-vid", "vmx-rdrand-exit", "vmx-invpcid-exit",
            "vmx-vmfunc", "vmx-shadow-vmcs"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .alias = "Icelake-Server-noTSX",
                .off = FEATMASK_NAMES("hle", "rtm"),
            },
            {
                .version = 3,
                .on = FEATMASK_NAMES("arch-capabilities", "rdctl-no",
                    "ibrs-all", "skip-l1dfl-vmentry", "mds-no",
                    "pschange-mc-no", "taa-no"),
            },
            {
                .version = 4,
                .on = FEATMASK_NAMES("sha-ni", "avx512ifma", "rdpid", "fsrm",
                    "vmx-rdseed-exit", "vmx-pml", "vmx-eptp-switching"),
            },
            {
                .version = 5,
                .on = FEATMASK_NAMES("xsaves", "vmx-xsaves"),
            },
            {
                .version = 6,
                .on = FEATMASK_NAMES("vmx-page-walk-5"),
            },
            {
                .version = 7,
                .on = FEATMASK_NAMES("hle", "rtm"),
            },
        },
        .nversions = 7,
    },
    {
        .name = "SapphireRapids",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "ssse3", "fma", "cx16", "pcid", "sse4.1", "sse4.2",
            "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave", "avx",
            "f16c", "rdrand", "syscall", "nx", "pdpe1gb", "rdtscp", "lm",
            "lahf-lm", "abm", "3dnowprefetch", "wbnoinvd", "fsgsbase", "bmi1",
            "hle", "avx2", "smep", "bmi2", "erms", "invpcid", "rtm", "avx512f",
            "avx512dq", "rdseed", "adx", "smap", "avx512ifma", "clflushopt",
            "clwb", "avx512cd", "sha-ni", "avx512bw", "avx512vl", "avx512vbmi",
            "umip", "pku", "avx512vbmi2", "gfni", "vaes", "vpclmulqdq",
            "avx512vnni", "avx512bitalg", "avx512-vpopcntdq", "la57", "rdpid",
            "bus-lock-detect", "fsrm", "serialize", "tsx-ldtrk", "amx-bf16",
            "avx512-fp16", "amx-tile", "amx-int8", "spec-ctrl",
            "arch-capabilities", "ssbd", "rdctl-no", "ibrs-all",
            "skip-l1dfl-vmentry", "mds-no", "pschange-mc-no", "taa-no",
            "xsaveopt", "xsavec", "xgetbv1", "xsaves", "xfd", "arat",
            "avx-vnni", "avx512-bf16", "fzrm", "fsrs", "fsrc", "vmx-ins-outs",
            "vmx-true-ctls", "vmx-entry-noload-debugctl",
            "vmx-entry-ia32e-mode", "vmx-entry-load-perf-global-ctrl",
            "vmx-entry-load-pat", "vmx-entry-load-efer", "vmx-ept-execonly",
            "vmx-page-walk-4", "vmx-page-walk-5", "vmx-ept-2mb", "vmx-ept-1gb",
            "vmx-invept", "vmx-eptad", "vmx-invept-single-context",
            "vmx-invept-all-context", "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-vmwrite-vmexit-fields",
            "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi",
            "vmx-preemption-timer", "vmx-posted-intr", "vmx-vintr-pending",
            "vmx-tsc-offset", "vmx-hlt-exit", "vmx-invlpg-exit",
            "vmx-mwait-exit", "vmx-rdpmc-exit", "vmx-rdtsc-exit",
            "vmx-cr3-load-noexit", "vmx-cr3-store-noexit", "vmx-cr8-load-exit",
            "vmx-cr8-store-exit", "vmx-flexpriority", "vmx-vnmi-pending",
            "vmx-movdr-exit", "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf",
            "vmx-msr-bitmap", "vmx-monitor-exit", "vmx-pause-exit",
            "vmx-secondary-ctls", "vmx-apicv-xapic", "vmx-ept",
            "vmx-desc-exit", "vmx-rdtscp-exit", "vmx-apicv-x2apic", "vmx-vpid",
            "vmx-wbinvd-exit", "vmx-unrestricted-guest", "vmx-apicv-register",
            "vmx-apicv-vid", "vmx-rdrand-exit", "vmx-invpcid-exit",
            "vmx-vmfunc", "vmx-shadow-vmcs", "vmx-rdseed-exit", "vmx-pml",
            "vmx-xsaves", "vmx-eptp-switching"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .on = FEATMASK_NAMES("sbdr-ssdp-no", "fbsdp-no", "psdp-no"),
            },
            {
                .version = 3,
                .on = FEATMASK_NAMES("ss", "tsc-adjust", "cldemote", "movdiri",
                    "movdir64b"),
            },
        },
        .nversions = 3,
    },
    {
        .name = "GraniteRapids",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "ssse3", "fma", "cx16", "pcid", "sse4.1", "sse4.2",
            "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave", "avx",
            "f16c", "rdrand", "syscall", "nx", "pdpe1gb", "rdtscp", "lm",
            "lahf-lm", "abm", "3dnowprefetch", "wbnoinvd", "fsgsbase", "bmi1",
            "hle", "avx2", "smep", "bmi2", "erms", "invpcid", "rtm", "avx512f",
            "avx512dq", "rdseed", "adx", "smap", "avx512ifma", "clflushopt",
            "clwb", "avx512cd", "sha-ni", "avx512bw", "avx512vl", "avx512vbmi",
            "umip", "pku", "avx512vbmi2", "gfni", "vaes", "vpclmulqdq",
            "avx512vnni", "avx512bitalg", "avx512-vpopcntdq", "la57", "rdpid",
            "bus-lock-detect", "fsrm", "serialize", "tsx-ldtrk", "amx-bf16",
            "avx512-fp16", "amx-tile", "amx-int8", "spec-ctrl",
            "arch-capabilities", "ssbd", "rdctl-no", "ibrs-all",
            "skip-l1dfl-vmentry", "mds-no", "pschange-mc-no", "taa-no",
            "sbdr-ssdp-no", "fbsdp-no", "psdp-no", "pbrsb-no", "xsaveopt",
            "xsavec", "xgetbv1", "xsaves", "xfd", "arat", "avx-vnni",
            "avx512-bf16", "fzrm", "fsrs", "fsrc", "amx-fp16", "prefetchiti",
            "mcdt-no", "vmx-ins-outs", "vmx-true-ctls",
            "vmx-entry-noload-debugctl", "vmx-entry-ia32e-mode",
            "vmx-entry-load-perf-global-ctrl", "vmx-entry-load-pat",
            "vmx-entry-load-efer", "vmx-ept-execonly", "vmx-page-walk-4",
            "vmx-page-walk-5", "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept",
            "vmx-eptad", "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-vmwrite-vmexit-fields",
            "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi",
            "vmx-preemption-timer", "vmx-posted-intr", "vmx-vintr-pending",
            "vmx-tsc-offset", "vmx-hlt-exit", "vmx-invlpg-exit",
            "vmx-mwait-exit", "vmx-rdpmc-exit", "vmx-rdtsc-exit",
            "vmx-cr3-load-noexit", "vmx-cr3-store-noexit", "vmx-cr8-load-exit",
            "vmx-cr8-store-exit", "vmx-flexpriority", "vmx-vnmi-pending",
            "vmx-movdr-exit", "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf",
            "vmx-msr-bitmap", "vmx-monitor-exit", "vmx-pause-exit",
            "vmx-secondary-ctls", "vmx-apicv-xapic", "vmx-ept",
            "vmx-desc-exit", "vmx-rdtscp-exit", "vmx-apicv-x2apic", "vmx-vpid",
            "vmx-wbinvd-exit", "vmx-unrestricted-guest", "vmx-apicv-register",
            "vmx-apicv-vid", "vmx-rdrand-exit", "vmx-invpcid-exit",
            "vmx-vmfunc", "vmx-shadow-vmcs", "vmx-rdseed-exit", "vmx-pml",
            "vmx-xsaves", "vmx-eptp-switching"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .on = FEATMASK_NAMES("ss", "tsc-adjust", "cldemote", "movdiri",
                    "movdir64b", "avx10", "avx10-128", "avx10-256",
                    "avx10-512"),
            },
        },
        .nversions = 2,
    },
    {
        .name = "SierraForest",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "ssse3", "fma", "cx16", "pcid", "sse4.1", "sse4.2",
            "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave", "avx",
            "f16c", "rdrand", "syscall", "nx", "pdpe1gb", "rdtscp", "lm",
            "lahf-lm", "abm", "3dnowprefetch", "wbnoinvd", "fsgsbase", "bmi1",
            "avx2", "smep", "bmi2", "erms", "invpcid", "rdseed", "adx", "smap",
            "clflushopt", "clwb", "sha-ni", "umip", "pku", "gfni", "vaes",
            "vpclmulqdq", "rdpid", "bus-lock-detect", "fsrm", "serialize",
            "spec-ctrl", "arch-capabilities", "ssbd", "rdctl-no", "ibrs-all",
            "skip-l1dfl-vmentry", "mds-no", "pschange-mc-no", "sbdr-ssdp-no",
            "fbsdp-no", "psdp-no", "pbrsb-no", "xsaveopt", "xsavec", "xgetbv1",
            "xsaves", "arat", "avx-vnni", "cmpccxadd", "fsrs", "avx-ifma",
            "avx-vnni-int8", "avx-ne-convert", "mcdt-no", "vmx-ins-outs",
            "vmx-true-ctls", "vmx-entry-noload-debugctl",
            "vmx-entry-ia32e-mode", "vmx-entry-load-perf-global-ctrl",
            "vmx-entry-load-pat", "vmx-entry-load-efer", "vmx-ept-execonly",
            "vmx-page-walk-4", "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept",
            "vmx-eptad", "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-vmwrite-vmexit-fields",
            "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi",
            "vmx-preemption-timer", "vmx-posted-intr", "vmx-vintr-pending",
            "vmx-tsc-offset", "vmx-hlt-exit", "vmx-invlpg-exit",
            "vmx-mwait-exit", "vmx-rdpmc-exit", "vmx-rdtsc-exit",
            "vmx-cr3-load-noexit", "vmx-cr3-store-noexit", "vmx-cr8-load-exit",
            "vmx-cr8-store-exit", "vmx-flexpriority", "vmx-vnmi-pending",
            "vmx-movdr-exit", "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf",
            "vmx-msr-bitmap", "vmx-monitor-exit", "vmx-pause-exit",
            "vmx-secondary-ctls", "vmx-apicv-xapic", "vmx-ept",
            "vmx-desc-exit", "vmx-rdtscp-exit", "vmx-apicv-x2apic", "vmx-vpid",
            "vmx-wbinvd-exit", "vmx-unrestricted-guest", "vmx-apicv-register",
            "vmx-apicv-vid", "vmx-rdrand-exit", "vmx-invpcid-exit",
            "vmx-vmfunc", "vmx-shadow-vmcs", "vmx-rdseed-exit", "vmx-pml",
            "vmx-xsaves", "vmx-eptp-switching"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .on = FEATMASK_NAMES("ss", "tsc-adjust", "cldemote", "movdiri",
                    "movdir64b", "gds-no", "rfds-no", "lam", "intel-psfd",
                    "ipred-ctrl", "rrsba-ctrl", "bhi-ctrl"),
            },
        },
        .nversions = 2,
    },
    {
        .name = "ClearwaterForest",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "ss",
            "pni", "pclmulqdq", "ssse3", "fma", "cx16", "pcid", "sse4.1",
            "sse4.2", "x2apic", "movbe", "popcnt", "tsc-deadline", "aes",
            "xsave", "avx", "f16c", "rdrand", "syscall", "nx", "pdpe1gb",
            "rdtscp", "lm", "lahf-lm", "abm", "3dnowprefetch", "wbnoinvd",
            "fsgsbase", "tsc-adjust", "bmi1", "avx2", "smep", "bmi2", "erms",
            "invpcid", "rdseed", "adx", "smap", "clflushopt", "clwb", "sha-ni",
            "umip", "pku", "gfni", "vaes", "vpclmulqdq", "rdpid",
            "bus-lock-detect", "cldemote", "movdiri", "movdir64b", "fsrm",
            "serialize", "spec-ctrl", "arch-capabilities", "ssbd", "rdctl-no",
            "ibrs-all", "skip-l1dfl-vmentry", "mds-no", "pschange-mc-no",
            "sbdr-ssdp-no", "fbsdp-no", "psdp-no", "bhi-no", "pbrsb-no",
            "gds-no", "rfds-no", "xsaveopt", "xsavec", "xgetbv1", "xsaves",
            "arat", "sha512", "sm3", "sm4", "avx-vnni", "cmpccxadd", "fsrs",
            "avx-ifma", "lam", "avx-vnni-int8", "avx-ne-convert",
            "avx-vnni-int16", "prefetchiti", "intel-psfd", "ipred-ctrl",
            "rrsba-ctrl", "ddpd-u", "bhi-ctrl", "mcdt-no", "vmx-ins-outs",
            "vmx-true-ctls", "vmx-entry-noload-debugctl",
            "vmx-entry-ia32e-mode", "vmx-entry-load-perf-global-ctrl",
            "vmx-entry-load-pat", "vmx-entry-load-efer", "vmx-ept-execonly",
            "vmx-page-walk-4", "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept",
            "vmx-eptad", "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-vmwrite-vmexit-fields",
            "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi",
            "vmx-preemption-timer", "vmx-posted-intr", "vmx-vintr-pending",
            "vmx-tsc-offset", "vmx-hlt-exit", "vmx-invlpg-exit",
            "vmx-mwait-exit", "vmx-rdpmc-exit", "vmx-rdtsc-exit",
            "vmx-cr3-load-noexit", "vmx-cr3-store-noexit", "vmx-cr8-load-exit",
            "vmx-cr8-store-exit", "vmx-flexpriority", "vmx-vnmi-pending",
            "vmx-movdr-exit", "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf",
            "vmx-msr-bitmap", "vmx-monitor-exit", "vmx-pause-exit",
            "vmx-secondary-ctls", "vmx-apicv-xapic", "vmx-ept",
            "vmx-desc-exit", "vmx-rdtscp-exit", "vmx-apicv-x2apic", "vmx-vpid",
            "vmx-wbinvd-exit", "vmx-unrestricted-guest", "vmx-apicv-register",
            "vmx-apicv-vid", "vmx-rdrand-exit", "vmx-invpcid-exit",
            "vmx-vmfunc", "vmx-shadow-vmcs", "vmx-rdseed-exit", "vmx-pml",
            "vmx-xsaves", "vmx-eptp-switching"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "Denverton",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "monitor", "ssse3", "cx16", "sse4.1", "sse4.2",
            "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave",
            "rdrand", "syscall", "nx", "pdpe1gb", "rdtscp", "lm", "lahf-lm",
            "3dnowprefetch", "fsgsbase", "smep", "erms", "mpx", "rdseed",
            "smap", "clflushopt", "sha-ni", "spec-ctrl", "arch-capabilities",
            "ssbd", "xsaveopt", "xsavec", "xgetbv1", "arat", "rdctl-no",
            "skip-l1dfl-vmentry", "vmx-ins-outs", "vmx-true-ctls",
            "vmx-entry-noload-debugctl", "vmx-entry-ia32e-mode",
            "vmx-entry-load-perf-global-ctrl", "vmx-entry-load-pat",
            "vmx-entry-load-efer", "vmx-ept-execonly", "vmx-page-walk-4",
            "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept", "vmx-eptad",
            "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-vmwrite-vmexit-fields",
            "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi",
            "vmx-preemption-timer", "vmx-posted-intr", "vmx-vintr-pending",
            "vmx-tsc-offset", "vmx-hlt-exit", "vmx-invlpg-exit",
            "vmx-mwait-exit", "vmx-rdpmc-exit", "vmx-rdtsc-exit",
            "vmx-cr3-load-noexit", "vmx-cr3-store-noexit", "vmx-cr8-load-exit",
            "vmx-cr8-store-exit", "vmx-flexpriority", "vmx-vnmi-pending",
            "vmx-movdr-exit", "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf",
            "vmx-msr-bitmap", "vmx-monitor-exit", "vmx-pause-exit",
            "vmx-secondary-ctls", "vmx-apicv-xapic", "vmx-ept",
            "vmx-desc-exit", "vmx-rdtscp-exit", "vmx-apicv-x2apic", "vmx-vpid",
            "vmx-wbinvd-exit", "vmx-unrestricted-guest", "vmx-apicv-register",
            "vmx-apicv-vid", "vmx-rdrand-exit", "vmx-invpcid-exit",
            "vmx-vmfunc", "vmx-shadow-vmcs", "vmx-rdseed-exit", "vmx-pml",
            "vmx-eptp-switching"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .off = FEATMASK_NAMES("monitor", "mpx"),
            },
            {
                .version = 3,
                .on = FEATMASK_NAMES("xsaves", "vmx-xsaves"),
            },
        },
        .nversions = 3,
    },
    {
        .name = "Snowridge",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "monitor", "ssse3", "cx16", "sse4.1", "sse4.2",
            "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave",
            "rdrand", "syscall", "nx", "pdpe1gb", "rdtscp", "lm", "lahf-lm",
            "3dnowprefetch", "fsgsbase", "smep", "erms", "mpx", "rdseed",
            "smap", "clflushopt", "clwb", "sha-ni", "umip", "gfni", "cldemote",
            "movdiri", "movdir64b", "spec-ctrl", "arch-capabilities",
            "core-capability", "ssbd", "split-lock-detect", "xsaveopt",
            "xsavec", "xgetbv1", "arat", "vmx-ins-outs", "vmx-true-ctls",
            "vmx-entry-noload-debugctl", "vmx-entry-ia32e-mode",
            "vmx-entry-load-perf-global-ctrl", "vmx-entry-load-pat",
            "vmx-entry-load-efer", "vmx-ept-execonly", "vmx-page-walk-4",
            "vmx-ept-2mb", "vmx-ept-1gb", "vmx-invept", "vmx-eptad",
            "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-exit-nosave-debugctl",
            "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
            "vmx-exit-save-pat", "vmx-exit-load-pat", "vmx-exit-save-efer",
            "vmx-exit-load-efer", "vmx-exit-save-preemption-timer",
            "vmx-store-lma", "vmx-activity-hlt", "vmx-vmwrite-vmexit-fields",
            "vmx-intr-exit", "vmx-nmi-exit", "vmx-vnmi",
            "vmx-preemption-timer", "vmx-posted-intr", "vmx-vintr-pending",
            "vmx-tsc-offset", "vmx-hlt-exit", "vmx-invlpg-exit",
            "vmx-mwait-exit", "vmx-rdpmc-exit", "vmx-rdtsc-exit",
            "vmx-cr3-load-noexit", "vmx-cr3-store-noexit", "vmx-cr8-load-exit",
            "vmx-cr8-store-exit", "vmx-flexpriority", "vmx-vnmi-pending",
            "vmx-movdr-exit", "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf",
            "vmx-msr-bitmap", "vmx-monitor-exit", "vmx-pause-exit",
            "vmx-secondary-ctls", "vmx-apicv-xapic", "vmx-ept",
            "vmx-desc-exit", "vmx-rdtscp-exit", "vmx-apicv-x2apic", "vmx-vpid",
            "vmx-wbinvd-exit", "vmx-unrestricted-guest", "vmx-apicv-register",
            "vmx-apicv-vid", "vmx-rdrand-exit", "vmx-invpcid-exit",
            "vmx-vmfunc", "vmx-shadow-vmcs", "vmx-rdseed-exit", "vmx-pml",
            "vmx-eptp-switching"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .off = FEATMASK_NAMES("mpx"),
            },
            {
                .version = 3,
                .on = FEATMASK_NAMES("xsaves", "vmx-xsaves"),
            },
            {
                .version = 4,
                .off = FEATMASK_NAMES("split-lock-detect", "core-capability"),
            },
        },
        .nversions = 4,
    },
    {
        .name = "KnightsMill",
        .vendor = "GenuineIntel",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "ss",
            "pni", "pclmulqdq", "ssse3", "fma", "cx16", "sse4.1", "sse4.2",
            "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave", "avx",
            "f16c", "rdrand", "syscall", "nx", "pdpe1gb", "rdtscp", "lm",
            "lahf-lm", "abm", "3dnowprefetch", "fsgsbase", "bmi1", "avx2",
            "smep", "bmi2", "erms", "avx512f", "rdseed", "adx", "avx512pf",
            "avx512er", "avx512cd", "avx512-vpopcntdq", "avx512-4vnniw",
            "avx512-4fmaps", "xsaveopt", "arat"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "Opteron_G1",
        .vendor = "AuthenticAMD",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "syscall", "nx", "lm"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "Opteron_G2",
        .vendor = "AuthenticAMD",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "cx16", "syscall", "nx", "lm", "lahf-lm", "svm"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "Opteron_G3",
        .vendor = "AuthenticAMD",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "monitor", "cx16", "popcnt", "syscall", "nx", "rdtscp", "lm",
            "lahf-lm", "svm", "abm", "sse4a", "misalignsse"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "Opteron_G4",
        .vendor = "AuthenticAMD",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "ssse3", "cx16", "sse4.1", "sse4.2", "popcnt", "aes",
            "xsave", "avx", "syscall", "nx", "pdpe1gb", "rdtscp", "lm",
            "lahf-lm", "svm", "abm", "sse4a", "misalignsse", "3dnowprefetch",
            "xop", "fma4", "npt", "nrip-save"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "Opteron_G5",
        .vendor = "AuthenticAMD",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "ssse3", "fma", "cx16", "sse4.1", "sse4.2", "popcnt",
            "aes", "xsave", "avx", "f16c", "syscall", "nx", "pdpe1gb",
            "rdtscp", "lm", "lahf-lm", "svm", "abm", "sse4a", "misalignsse",
            "3dnowprefetch", "xop", "fma4", "tbm", "npt", "nrip-save"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "EPYC",
        .vendor = "AuthenticAMD",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "monitor", "ssse3", "fma", "cx16", "sse4.1", "sse4.2",
            "movbe", "popcnt", "aes", "xsave", "avx", "f16c", "rdrand",
            "syscall", "nx", "mmxext", "fxsr-opt", "pdpe1gb", "rdtscp", "lm",
            "lahf-lm", "svm", "cr8legacy", "abm", "sse4a", "misalignsse",
            "3dnowprefetch", "osvw", "topoext", "fsgsbase", "bmi1", "avx2",
            "smep", "bmi2", "rdseed", "adx", "smap", "clflushopt", "sha-ni",
            "xsaveopt", "xsavec", "xgetbv1", "arat", "npt", "nrip-save"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .alias = "EPYC-IBPB",
                .on = FEATMASK_NAMES("ibpb"),
            },
            {
                .version = 3,
                .on = FEATMASK_NAMES("ibpb", "perfctr-core", "clzero",
                    "xsaveerptr", "xsaves"),
            },
            { .version = 4 },
        },
        .nversions = 4,
    },
    {
        .name = "Dhyana",
        .vendor = "HygonGenuine",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "monitor", "ssse3", "fma", "cx16", "sse4.1", "sse4.2", "movbe",
            "popcnt", "xsave", "avx", "f16c", "rdrand", "syscall", "nx",
            "mmxext", "fxsr-opt", "pdpe1gb", "rdtscp", "lm", "lahf-lm", "svm",
            "cr8legacy", "abm", "sse4a", "misalignsse", "3dnowprefetch",
            "osvw", "topoext", "ibpb", "fsgsbase", "bmi1", "avx2", "smep",
            "bmi2", "rdseed", "adx", "smap", "clflushopt", "xsaveopt",
            "xsavec", "xgetbv1", "arat", "npt", "nrip-save"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .on = FEATMASK_NAMES("xsaves"),
            },
        },
        .nversions = 2,
    },
    {
        .name = "EPYC-Rome",
        .vendor = "AuthenticAMD",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "monitor", "ssse3", "fma", "cx16", "sse4.1", "sse4.2",
            "movbe", "popcnt", "aes", "xsave", "avx", "f16c", "rdrand",
            "syscall", "nx", "mmxext", "fxsr-opt", "pdpe1gb", "rdtscp", "lm",
            "lahf-lm", "svm", "cr8legacy", "abm", "sse4a", "misalignsse",
            "3dnowprefetch", "osvw", "topoext", "perfctr-core", "clzero",
            "xsaveerptr", "wbnoinvd", "ibpb", "amd-stibp", "fsgsbase", "bmi1",
            "avx2", "smep", "bmi2", "rdseed", "adx", "smap", "clflushopt",
            "clwb", "sha-ni", "umip", "rdpid", "xsaveopt", "xsavec", "xgetbv1",
            "xsaves", "arat", "npt", "nrip-save"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .on = FEATMASK_NAMES("ibrs", "amd-ssbd"),
            },
            { .version = 3 },
            {
                .version = 4,
                .off = FEATMASK_NAMES("xsaves"),
            },
        },
        .nversions = 4,
    },
    {
        .name = "EPYC-Milan",
        .vendor = "AuthenticAMD",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "monitor", "ssse3", "fma", "cx16", "pcid", "sse4.1",
            "sse4.2", "movbe", "popcnt", "aes", "xsave", "avx", "f16c",
            "rdrand", "syscall", "nx", "mmxext", "fxsr-opt", "pdpe1gb",
            "rdtscp", "lm", "lahf-lm", "svm", "cr8legacy", "abm", "sse4a",
            "misalignsse", "3dnowprefetch", "osvw", "topoext", "perfctr-core",
            "clzero", "xsaveerptr", "wbnoinvd", "ibpb", "ibrs", "amd-stibp",
            "amd-ssbd", "fsgsbase", "bmi1", "avx2", "smep", "bmi2", "erms",
            "invpcid", "rdseed", "adx", "smap", "clflushopt", "clwb", "sha-ni",
            "umip", "pku", "rdpid", "fsrm", "xsaveopt", "xsavec", "xgetbv1",
            "xsaves", "arat", "npt", "nrip-save", "svme-addr-chk"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            {
                .version = 2,
                .on = FEATMASK_NAMES("vaes", "vpclmulqdq", "stibp-always-on",
                    "amd-psfd", "no-nested-data-bp",
                    "lfence-always-serializing", "null-sel-clr-base"),
            },
        },
        .nversions = 2,
    },
    {
        .name = "EPYC-Genoa",
        .vendor = "AuthenticAMD",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni",
            "pclmulqdq", "monitor", "ssse3", "fma", "cx16", "pcid", "sse4.1",
            "sse4.2", "movbe", "popcnt", "aes", "xsave", "avx", "f16c",
            "rdrand", "syscall", "nx", "mmxext", "fxsr-opt", "pdpe1gb",
            "rdtscp", "lm", "lahf-lm", "svm", "cr8legacy", "abm", "sse4a",
            "misalignsse", "3dnowprefetch", "osvw", "topoext", "perfctr-core",
            "clzero", "xsaveerptr", "wbnoinvd", "ibpb", "ibrs", "amd-stibp",
            "stibp-always-on", "amd-ssbd", "amd-psfd", "no-nested-data-bp",
            "lfence-always-serializing", "null-sel-clr-base", "auto-ibrs",
            "fsgsbase", "bmi1", "avx2", "smep", "bmi2", "erms", "invpcid",
            "avx512f", "avx512dq", "rdseed", "adx", "smap", "avx512ifma",
            "clflushopt", "clwb", "avx512cd", "sha-ni", "avx512bw", "avx512vl",
            "avx512vbmi", "umip", "pku", "avx512vbmi2", "gfni", "vaes",
            "vpclmulqdq", "avx512vnni", "avx512bitalg", "avx512-vpopcntdq",
            "la57", "rdpid", "fsrm", "avx512-bf16", "xsaveopt", "xsavec",
            "xgetbv1", "xsaves", "arat", "npt", "nrip-save", "vnmi",
            "svme-addr-chk"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
        },
        .nversions = 1,
    },
    {
        .name = "YongFeng",
        .vendor = "CentaurHauls",
        .features = FEATMASK_NAMES("fpu", "vme", "de", "pse", "tsc", "msr",
            "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "clflush", "acpi", "mmx", "fxsr", "sse", "sse2",
            "ss", "pni", "pclmulqdq", "monitor", "ssse3", "fma", "cx16",
            "pcid", "sse4.1", "sse4.2", "x2apic", "movbe", "popcnt",
            "tsc-deadline", "aes", "xsave", "avx", "f16c", "rdrand",
            "fsgsbase", "bmi1", "avx2", "smep", "bmi2", "invpcid", "rdseed",
            "adx", "smap", "sha-ni", "umip", "pku", "rdpid", "spec-ctrl",
            "arch-capabilities", "syscall", "nx", "pdpe1gb", "rdtscp", "lm",
            "lahf-lm", "abm", "3dnowprefetch", "invtsc", "xstore", "xstore-en",
            "xcrypt", "xcrypt-en", "ace2", "phe", "phe-en", "pmm", "pmm-en",
            "xsaveopt", "rdctl-no", "skip-l1dfl-vmentry", "ssb-no", "mds-no",
            "pschange-mc-no", "vmx-vintr-pending", "vmx-tsc-offset",
            "vmx-hlt-exit", "vmx-invlpg-exit", "vmx-mwait-exit",
            "vmx-rdpmc-exit", "vmx-rdtsc-exit", "vmx-cr3-load-noexit",
            "vmx-cr3-store-noexit", "vmx-cr8-load-exit", "vmx-cr8-store-exit",
            "vmx-flexpriority", "vmx-vnmi-pending", "vmx-movdr-exit",
            "vmx-io-exit", "vmx-io-bitmap", "vmx-mtf", "vmx-msr-bitmap",
            "vmx-monitor-exit", "vmx-pause-exit", "vmx-secondary-ctls",
            "vmx-apicv-xapic", "vmx-ept", "vmx-desc-exit", "vmx-rdtscp-exit",
            "vmx-apicv-x2apic", "vmx-vpid", "vmx-wbinvd-exit",
            "vmx-unrestricted-guest", "vmx-apicv-register", "vmx-apicv-vid",
            "vmx-rdrand-exit", "vmx-invpcid-exit", "vmx-vmfunc",
            "vmx-shadow-vmcs", "vmx-pml", "vmx-intr-exit", "vmx-nmi-exit",
            "vmx-vnmi", "vmx-preemption-timer", "vmx-posted-intr",
            "vmx-exit-nosave-debugctl", "vmx-exit-load-perf-global-ctrl",
            "vmx-exit-ack-intr", "vmx-exit-save-pat", "vmx-exit-load-pat",
            "vmx-exit-save-efer", "vmx-exit-load-efer",
            "vmx-exit-save-preemption-timer", "vmx-entry-noload-debugctl",
            "vmx-entry-ia32e-mode", "vmx-entry-load-perf-global-ctrl",
            "vmx-entry-load-pat", "vmx-entry-load-efer", "vmx-store-lma",
            "vmx-activity-hlt", "vmx-vmwrite-vmexit-fields",
            "vmx-ept-execonly", "vmx-page-walk-4", "vmx-ept-2mb",
            "vmx-ept-1gb", "vmx-invept", "vmx-eptad",
            "vmx-invept-single-context", "vmx-invept-all-context",
            "vmx-invvpid", "vmx-invvpid-single-addr",
            "vmx-invept-single-context", "vmx-invvpid-all-context",
            "vmx-invept-single-context-noglobals", "vmx-ins-outs",
            "vmx-true-ctls", "vmx-eptp-switching"),
        .versions = (const X86ModelVersion[]) {
            { .version = 1 },
            { .version = 2 },
        },
        .nversions = 2,
    },
};

const X86Model *x86_models(size_t *n)
{
    *n = G_N_ELEMENTS(x86_model_table);
    return x86_model_table;
}

const X86Model *x86_model_find(const char *name)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(x86_model_table); i++) {
        if (!strcmp(x86_model_table[i].name, name)) {
            return &x86_model_table[i];
        }
    }
    return NULL;
}

static bool add_names(FeatmaskSet *set, const char *const *names, bool on,
                      Error **errp)
{
    const FeatmaskMap *map = featmask_set_map(set);

    for (; names && *names; names++) {
        int idx = featmask_map_resolve(map, *names, errp);

        if (idx < 0) {
            return false;
        }
        if (on) {
            featmask_set_add(set, idx);
        } else {
            featmask_set_del(set, idx);
        }
    }
    return true;
}

FeatmaskSet *x86_model_features(const X86Model *model, int version,
                                Error **errp)
{
    g_autoptr(FeatmaskMap) map = x86_featmask_map();
    g_autoptr(FeatmaskSet) set = featmask_set_new(map);
    int newest = model->versions[model->nversions - 1].version;
    size_t i;

    if (version == 0) {
        version = newest;
    }
    if (version < 1 || version > newest) {
        error_setg(errp, "CPU model '%s' has no version %d (it has 1 to %d)",
                   model->name, version, newest);
        return NULL;
    }
    if (!add_names(set, model->features, true, errp)) {
        return NULL;
    }
    for (i = 0; i < model->nversions && model->versions[i].version <= version;
         i++) {
        if (!add_names(set, model->versions[i].on, true, errp) ||
            !add_names(set, model->versions[i].off, false, errp)) {
            return NULL;
        }
    }
    /*
     * QEMU drops a model's features whose dependencies are off: the VMX
     * controls of a model count only when the user adds vmx.
     */
    featmask_set_close(set, NULL);
    return g_steal_pointer(&set);
}

void x86_model_choice_free(X86ModelChoice *c)
{
    if (!c) {
        return;
    }
    g_free(c->name);
    featmask_set_free(c->extra);
    featmask_set_free(c->missing);
    g_free(c);
}

/* Does @list (NULL: any model) hold "Model-vN"? */
static bool model_known(const char *const *list, const char *name)
{
    return !list || g_strv_contains(list, name);
}

X86ModelChoice *x86_model_choose_full(const FeatmaskSet *common,
                                      const char *vendor,
                                      const char *const *known,
                                      const FeatmaskSet *removable,
                                      Error **errp)
{
    g_autoptr(X86ModelChoice) best = NULL;
    size_t best_cost = 0, best_missing = 0;
    size_t i, v;

    for (i = 0; i < G_N_ELEMENTS(x86_model_table); i++) {
        const X86Model *m = &x86_model_table[i];

        if (strcmp(m->vendor, vendor)) {
            continue;
        }
        for (v = 0; v < m->nversions; v++) {
            g_autofree char *name = g_strdup_printf(
                "%s-v%d", m->name, m->versions[v].version);
            g_autoptr(FeatmaskSet) f = NULL;
            g_autoptr(FeatmaskSet) extra = NULL;
            g_autoptr(FeatmaskSet) missing = NULL;
            size_t cost, nmissing;

            if (!model_known(known, name)) {
                continue;
            }
            f = x86_model_features(m, m->versions[v].version, &error_abort);
            missing = featmask_set_copy(f);
            featmask_set_subtract(missing, common);
            if (removable && !featmask_set_is_subset(missing, removable)) {
                continue;
            }
            extra = featmask_set_copy(common);
            featmask_set_subtract(extra, f);
            nmissing = featmask_set_count(missing);
            cost = featmask_set_count(extra) + nmissing;
            /*
             * The fewest items; then the fewest removals; later entries
             * and versions win the remaining ties: they are newer.
             */
            if (best && (cost > best_cost ||
                         (cost == best_cost && nmissing > best_missing))) {
                continue;
            }
            x86_model_choice_free(best);
            best = g_new0(X86ModelChoice, 1);
            best->model = m;
            best->version = m->versions[v].version;
            best->name = g_steal_pointer(&name);
            best->extra = g_steal_pointer(&extra);
            best->missing = g_steal_pointer(&missing);
            best_cost = cost;
            best_missing = nmissing;
        }
    }
    if (!best) {
        error_setg(errp, "no named CPU model of vendor '%s' %s", vendor,
                   known || removable ? "that every host's QEMU knows fits"
                   " the features every host has" : "is known");
        return NULL;
    }
    return g_steal_pointer(&best);
}

X86ModelChoice *x86_model_choose(const FeatmaskSet *common,
                                 const char *vendor, Error **errp)
{
    return x86_model_choose_full(common, vendor, NULL, NULL, errp);
}

char *x86_model_choice_format(const X86ModelChoice *c)
{
    GString *s = g_string_new(c->name);
    g_autofree const char **names = featmask_set_to_names(c->extra);
    const char **n;

    for (n = names; *n; n++) {
        g_string_append_printf(s, ",+%s", *n);
    }
    if (c->missing) {
        g_autofree const char **off = featmask_set_to_names(c->missing);

        for (n = off; *n; n++) {
            g_string_append_printf(s, ",-%s", *n);
        }
    }
    return g_string_free(s, FALSE);
}
