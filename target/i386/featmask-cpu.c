/*
 * featmask: the x86 CPU feature map (the feature words and their
 * dependencies)
 *
 * The names and bits are those of QEMU 10.0's x86 CPU properties; where
 * they come from in the hardware is documented in the Intel SDM (vol. 2A,
 * CPUID; vol. 4, MSRs) and the AMD APM (vol. 3, appendix E).  The
 * dependencies are those QEMU 10.0 applies when it expands a CPU model,
 * plus architectural ones (an AVX-512 extension is unusable without
 * AVX512F, ...).
 *
 * Raw CPUID data and its decoding are in featmask-cpu-cpuid.c.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/featmask.h"
#include "featmask-cpu.h"
#include "featmask-cpu-internal.h"

#define CPUID(l, s, r) .leaf = (l), .subleaf = (s), .reg = (r)
#define MSR(i, k) .is_msr = true, .leaf = (i), .msr_kind = (k)

/*
 * Feature names by word and bit.  Bits QEMU has no property for are
 * absent: OSXSAVE and OSPKE (they reflect the OS, not the CPU), the AMD
 * copies of leaf 1's EDX bits in 0x80000001 EDX, and the EPT memory-type
 * capability bits.  QEMU names two KVM bits "kvmclock" (the old and the
 * new clock source MSRs); the map has one feature for both, at bit 0.
 * QEMU also gives EPT/VPID capability bit 41 the name of bit 25 (one
 * property sets both); the map has bit 25.
 */
const X86WordInfo x86_words[X86_FW__MAX] = {
    [X86_FW_1_EDX] = {
        CPUID(0x1, 0, EDX),
        .bits = {
            [0] = "fpu", [1] = "vme", [2] = "de", [3] = "pse", [4] = "tsc",
            [5] = "msr", [6] = "pae", [7] = "mce", [8] = "cx8", [9] = "apic",
            [11] = "sep", [12] = "mtrr", [13] = "pge", [14] = "mca",
            [15] = "cmov", [16] = "pat", [17] = "pse36", [18] = "pn",
            [19] = "clflush", [21] = "ds", [22] = "acpi", [23] = "mmx",
            [24] = "fxsr", [25] = "sse", [26] = "sse2", [27] = "ss",
            [28] = "ht", [29] = "tm", [30] = "ia64", [31] = "pbe",
        },
    },
    [X86_FW_1_ECX] = {
        CPUID(0x1, 0, ECX),
        .bits = {
            [0] = "pni", [1] = "pclmulqdq", [2] = "dtes64", [3] = "monitor",
            [4] = "ds-cpl", [5] = "vmx", [6] = "smx", [7] = "est", [8] = "tm2",
            [9] = "ssse3", [10] = "cid", [12] = "fma", [13] = "cx16",
            [14] = "xtpr", [15] = "pdcm", [17] = "pcid", [18] = "dca",
            [19] = "sse4.1", [20] = "sse4.2", [21] = "x2apic", [22] = "movbe",
            [23] = "popcnt", [24] = "tsc-deadline", [25] = "aes",
            [26] = "xsave", [28] = "avx", [29] = "f16c", [30] = "rdrand",
            [31] = "hypervisor",
        },
    },
    [X86_FW_7_0_EBX] = {
        CPUID(0x7, 0, EBX),
        .bits = {
            [0] = "fsgsbase", [1] = "tsc-adjust", [2] = "sgx", [3] = "bmi1",
            [4] = "hle", [5] = "avx2", [6] = "fdp-excptn-only", [7] = "smep",
            [8] = "bmi2", [9] = "erms", [10] = "invpcid", [11] = "rtm",
            [13] = "zero-fcs-fds", [14] = "mpx", [16] = "avx512f",
            [17] = "avx512dq", [18] = "rdseed", [19] = "adx", [20] = "smap",
            [21] = "avx512ifma", [22] = "pcommit", [23] = "clflushopt",
            [24] = "clwb", [25] = "intel-pt", [26] = "avx512pf",
            [27] = "avx512er", [28] = "avx512cd", [29] = "sha-ni",
            [30] = "avx512bw", [31] = "avx512vl",
        },
    },
    [X86_FW_7_0_ECX] = {
        CPUID(0x7, 0, ECX),
        .bits = {
            [1] = "avx512vbmi", [2] = "umip", [3] = "pku", [5] = "waitpkg",
            [6] = "avx512vbmi2", [8] = "gfni", [9] = "vaes",
            [10] = "vpclmulqdq", [11] = "avx512vnni", [12] = "avx512bitalg",
            [14] = "avx512-vpopcntdq", [16] = "la57", [22] = "rdpid",
            [24] = "bus-lock-detect", [25] = "cldemote", [27] = "movdiri",
            [28] = "movdir64b", [30] = "sgxlc", [31] = "pks",
        },
    },
    [X86_FW_7_0_EDX] = {
        CPUID(0x7, 0, EDX),
        .bits = {
            [2] = "avx512-4vnniw", [3] = "avx512-4fmaps", [4] = "fsrm",
            [8] = "avx512-vp2intersect", [10] = "md-clear", [14] = "serialize",
            [16] = "tsx-ldtrk", [19] = "arch-lbr", [22] = "amx-bf16",
            [23] = "avx512-fp16", [24] = "amx-tile", [25] = "amx-int8",
            [26] = "spec-ctrl", [27] = "stibp", [28] = "flush-l1d",
            [29] = "arch-capabilities", [30] = "core-capability", [31] = "ssbd",
        },
    },
    [X86_FW_7_1_EAX] = {
        CPUID(0x7, 1, EAX),
        .bits = {
            [0] = "sha512", [1] = "sm3", [2] = "sm4", [4] = "avx-vnni",
            [5] = "avx512-bf16", [7] = "cmpccxadd", [10] = "fzrm",
            [11] = "fsrs", [12] = "fsrc", [17] = "fred", [18] = "lkgs",
            [19] = "wrmsrns", [21] = "amx-fp16", [23] = "avx-ifma",
            [26] = "lam",
        },
    },
    [X86_FW_7_1_EDX] = {
        CPUID(0x7, 1, EDX),
        .bits = {
            [4] = "avx-vnni-int8", [5] = "avx-ne-convert", [8] = "amx-complex",
            [10] = "avx-vnni-int16", [14] = "prefetchiti", [19] = "avx10",
        },
    },
    [X86_FW_7_2_EDX] = {
        CPUID(0x7, 2, EDX),
        .bits = {
            [0] = "intel-psfd", [1] = "ipred-ctrl", [2] = "rrsba-ctrl",
            [3] = "ddpd-u", [4] = "bhi-ctrl", [5] = "mcdt-no",
        },
    },
    [X86_FW_8000_0001_EDX] = {
        CPUID(0x80000001, 0, EDX),
        .bits = {
            [11] = "syscall", [20] = "nx", [22] = "mmxext", [25] = "fxsr-opt",
            [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm", [30] = "3dnowext",
            [31] = "3dnow",
        },
    },
    [X86_FW_8000_0001_ECX] = {
        CPUID(0x80000001, 0, ECX),
        .bits = {
            [0] = "lahf-lm", [1] = "cmp-legacy", [2] = "svm", [3] = "extapic",
            [4] = "cr8legacy", [5] = "abm", [6] = "sse4a", [7] = "misalignsse",
            [8] = "3dnowprefetch", [9] = "osvw", [10] = "ibs", [11] = "xop",
            [12] = "skinit", [13] = "wdt", [15] = "lwp", [16] = "fma4",
            [17] = "tce", [19] = "nodeid-msr", [21] = "tbm", [22] = "topoext",
            [23] = "perfctr-core", [24] = "perfctr-nb",
        },
    },
    [X86_FW_8000_0007_EBX] = {
        CPUID(0x80000007, 0, EBX),
        .bits = {
            [0] = "overflow-recov", [1] = "succor",
        },
    },
    [X86_FW_8000_0007_EDX] = {
        CPUID(0x80000007, 0, EDX),
        .bits = {
            [8] = "invtsc",
        },
    },
    [X86_FW_8000_0008_EBX] = {
        CPUID(0x80000008, 0, EBX),
        .bits = {
            [0] = "clzero", [2] = "xsaveerptr", [9] = "wbnoinvd", [12] = "ibpb",
            [14] = "ibrs", [15] = "amd-stibp", [17] = "stibp-always-on",
            [24] = "amd-ssbd", [25] = "virt-ssbd", [26] = "amd-no-ssb",
            [28] = "amd-psfd",
        },
    },
    [X86_FW_8000_0021_EAX] = {
        CPUID(0x80000021, 0, EAX),
        .bits = {
            [0] = "no-nested-data-bp", [2] = "lfence-always-serializing",
            [6] = "null-sel-clr-base", [8] = "auto-ibrs", [24] = "eraps",
            [27] = "sbpb", [28] = "ibpb-brtype", [29] = "srso-no",
            [30] = "srso-user-kernel-no",
        },
    },
    [X86_FW_8000_0022_EAX] = {
        CPUID(0x80000022, 0, EAX),
        .bits = {
            [0] = "perfmon-v2",
        },
    },
    [X86_FW_C000_0001_EDX] = {
        CPUID(0xC0000001, 0, EDX),
        .bits = {
            [2] = "xstore", [3] = "xstore-en", [6] = "xcrypt",
            [7] = "xcrypt-en", [8] = "ace2", [9] = "ace2-en", [10] = "phe",
            [11] = "phe-en", [12] = "pmm", [13] = "pmm-en",
        },
    },
    [X86_FW_KVM] = {
        CPUID(0x40000001, 0, EAX),
        .bits = {
            [0] = "kvmclock", [1] = "kvm-nopiodelay", [2] = "kvm-mmu",
            [4] = "kvm-asyncpf", [5] = "kvm-steal-time", [6] = "kvm-pv-eoi",
            [7] = "kvm-pv-unhalt", [9] = "kvm-pv-tlb-flush",
            [10] = "kvm-asyncpf-vmexit", [11] = "kvm-pv-ipi",
            [12] = "kvm-poll-control", [13] = "kvm-pv-sched-yield",
            [14] = "kvm-asyncpf-int", [15] = "kvm-msi-ext-dest-id",
            [24] = "kvmclock-stable-bit",
        },
    },
    [X86_FW_KVM_HINTS] = {
        CPUID(0x40000001, 0, EDX),
        .bits = {
            [0] = "kvm-hint-dedicated",
        },
    },
    [X86_FW_SVM] = {
        CPUID(0x8000000A, 0, EDX),
        .bits = {
            [0] = "npt", [1] = "lbrv", [2] = "svm-lock", [3] = "nrip-save",
            [4] = "tsc-scale", [5] = "vmcb-clean", [6] = "flushbyasid",
            [7] = "decodeassists", [10] = "pause-filter", [12] = "pfthreshold",
            [13] = "avic", [15] = "v-vmsave-vmload", [16] = "vgif",
            [25] = "vnmi", [28] = "svme-addr-chk",
        },
    },
    [X86_FW_XSAVE] = {
        CPUID(0xD, 1, EAX),
        .bits = {
            [0] = "xsaveopt", [1] = "xsavec", [2] = "xgetbv1", [3] = "xsaves",
            [4] = "xfd",
        },
    },
    [X86_FW_6_EAX] = {
        CPUID(0x6, 0, EAX),
        .bits = {
            [2] = "arat",
        },
    },
    [X86_FW_14_0_ECX] = {
        CPUID(0x14, 0, ECX),
        .bits = {
            [31] = "intel-pt-lip",
        },
    },
    [X86_FW_SGX_12_0_EAX] = {
        CPUID(0x12, 0, EAX),
        .bits = {
            [0] = "sgx1", [1] = "sgx2", [11] = "sgx-edeccssa",
        },
    },
    [X86_FW_SGX_12_0_EBX] = {
        CPUID(0x12, 0, EBX),
        .bits = {
            [0] = "sgx-exinfo",
        },
    },
    [X86_FW_SGX_12_1_EAX] = {
        CPUID(0x12, 1, EAX),
        .bits = {
            [1] = "sgx-debug", [2] = "sgx-mode64", [4] = "sgx-provisionkey",
            [5] = "sgx-tokenkey", [7] = "sgx-kss", [10] = "sgx-aex-notify",
        },
    },
    [X86_FW_24_0_EBX] = {
        CPUID(0x24, 0, EBX),
        .bits = {
            [16] = "avx10-128", [17] = "avx10-256", [18] = "avx10-512",
        },
    },
    [X86_FW_ARCH_CAPABILITIES] = {
        MSR(0x10A, X86_MSR_PLAIN),
        .bits = {
            [0] = "rdctl-no", [1] = "ibrs-all", [2] = "rsba",
            [3] = "skip-l1dfl-vmentry", [4] = "ssb-no", [5] = "mds-no",
            [6] = "pschange-mc-no", [7] = "tsx-ctrl", [8] = "taa-no",
            [13] = "sbdr-ssdp-no", [14] = "fbsdp-no", [15] = "psdp-no",
            [17] = "fb-clear", [20] = "bhi-no", [24] = "pbrsb-no",
            [26] = "gds-no", [27] = "rfds-no", [28] = "rfds-clear",
        },
    },
    [X86_FW_CORE_CAPABILITY] = {
        MSR(0xCF, X86_MSR_PLAIN),
        .bits = {
            [5] = "split-lock-detect",
        },
    },
    [X86_FW_PERF_CAPABILITIES] = {
        MSR(0x345, X86_MSR_PLAIN),
        .bits = {
            [13] = "full-width-write",
        },
    },
    [X86_FW_VMX_PROCBASED_CTLS] = {
        MSR(0x48E, X86_MSR_VMX_CTLS),
        .bits = {
            [2] = "vmx-vintr-pending", [3] = "vmx-tsc-offset",
            [7] = "vmx-hlt-exit", [9] = "vmx-invlpg-exit",
            [10] = "vmx-mwait-exit", [11] = "vmx-rdpmc-exit",
            [12] = "vmx-rdtsc-exit", [15] = "vmx-cr3-load-noexit",
            [16] = "vmx-cr3-store-noexit", [19] = "vmx-cr8-load-exit",
            [20] = "vmx-cr8-store-exit", [21] = "vmx-flexpriority",
            [22] = "vmx-vnmi-pending", [23] = "vmx-movdr-exit",
            [24] = "vmx-io-exit", [25] = "vmx-io-bitmap", [27] = "vmx-mtf",
            [28] = "vmx-msr-bitmap", [29] = "vmx-monitor-exit",
            [30] = "vmx-pause-exit", [31] = "vmx-secondary-ctls",
        },
    },
    [X86_FW_VMX_SECONDARY_CTLS] = {
        MSR(0x48B, X86_MSR_VMX_CTLS),
        .bits = {
            [0] = "vmx-apicv-xapic", [1] = "vmx-ept", [2] = "vmx-desc-exit",
            [3] = "vmx-rdtscp-exit", [4] = "vmx-apicv-x2apic", [5] = "vmx-vpid",
            [6] = "vmx-wbinvd-exit", [7] = "vmx-unrestricted-guest",
            [8] = "vmx-apicv-register", [9] = "vmx-apicv-vid", [10] = "vmx-ple",
            [11] = "vmx-rdrand-exit", [12] = "vmx-invpcid-exit",
            [13] = "vmx-vmfunc", [14] = "vmx-shadow-vmcs",
            [15] = "vmx-encls-exit", [16] = "vmx-rdseed-exit", [17] = "vmx-pml",
            [20] = "vmx-xsaves", [25] = "vmx-tsc-scaling",
            [26] = "vmx-enable-user-wait-pause",
        },
    },
    [X86_FW_VMX_PINBASED_CTLS] = {
        MSR(0x48D, X86_MSR_VMX_CTLS),
        .bits = {
            [0] = "vmx-intr-exit", [3] = "vmx-nmi-exit", [5] = "vmx-vnmi",
            [6] = "vmx-preemption-timer", [7] = "vmx-posted-intr",
        },
    },
    [X86_FW_VMX_EXIT_CTLS] = {
        MSR(0x48F, X86_MSR_VMX_CTLS),
        .bits = {
            [2] = "vmx-exit-nosave-debugctl",
            [12] = "vmx-exit-load-perf-global-ctrl", [15] = "vmx-exit-ack-intr",
            [18] = "vmx-exit-save-pat", [19] = "vmx-exit-load-pat",
            [20] = "vmx-exit-save-efer", [21] = "vmx-exit-load-efer",
            [22] = "vmx-exit-save-preemption-timer",
            [23] = "vmx-exit-clear-bndcfgs", [25] = "vmx-exit-clear-rtit-ctl",
            [29] = "vmx-exit-load-pkrs", [31] = "vmx-exit-secondary-ctls",
        },
    },
    [X86_FW_VMX_ENTRY_CTLS] = {
        MSR(0x490, X86_MSR_VMX_CTLS),
        .bits = {
            [2] = "vmx-entry-noload-debugctl", [9] = "vmx-entry-ia32e-mode",
            [13] = "vmx-entry-load-perf-global-ctrl",
            [14] = "vmx-entry-load-pat", [15] = "vmx-entry-load-efer",
            [16] = "vmx-entry-load-bndcfgs", [18] = "vmx-entry-load-rtit-ctl",
            [22] = "vmx-entry-load-pkrs", [23] = "vmx-entry-load-fred",
        },
    },
    [X86_FW_VMX_MISC] = {
        MSR(0x485, X86_MSR_PLAIN),
        .bits = {
            [5] = "vmx-store-lma", [6] = "vmx-activity-hlt",
            [7] = "vmx-activity-shutdown", [8] = "vmx-activity-wait-sipi",
            [29] = "vmx-vmwrite-vmexit-fields", [30] = "vmx-zero-len-inject",
        },
    },
    [X86_FW_VMX_EPT_VPID_CAPS] = {
        MSR(0x48C, X86_MSR_PLAIN),
        .bits = {
            [0] = "vmx-ept-execonly", [6] = "vmx-page-walk-4",
            [7] = "vmx-page-walk-5", [16] = "vmx-ept-2mb", [17] = "vmx-ept-1gb",
            [20] = "vmx-invept", [21] = "vmx-eptad",
            [22] = "vmx-ept-advanced-exitinfo",
            [25] = "vmx-invept-single-context", [26] = "vmx-invept-all-context",
            [32] = "vmx-invvpid", [40] = "vmx-invvpid-single-addr",
            [42] = "vmx-invvpid-all-context",
            [43] = "vmx-invept-single-context-noglobals",
        },
    },
    [X86_FW_VMX_BASIC] = {
        MSR(0x480, X86_MSR_PLAIN),
        .bits = {
            [54] = "vmx-ins-outs", [55] = "vmx-true-ctls",
            [56] = "vmx-any-errcode", [58] = "vmx-nested-exception",
        },
    },
    [X86_FW_VMX_VMFUNC] = {
        MSR(0x491, X86_MSR_PLAIN),
        .bits = {
            [0] = "vmx-eptp-switching",
        },
    },
};

static const char *const x86_word_names[X86_FW__MAX] = {
    [X86_FW_1_EDX] = "CPUID[1].EDX",
    [X86_FW_1_ECX] = "CPUID[1].ECX",
    [X86_FW_7_0_EBX] = "CPUID[7,0].EBX",
    [X86_FW_7_0_ECX] = "CPUID[7,0].ECX",
    [X86_FW_7_0_EDX] = "CPUID[7,0].EDX",
    [X86_FW_7_1_EAX] = "CPUID[7,1].EAX",
    [X86_FW_7_1_EDX] = "CPUID[7,1].EDX",
    [X86_FW_7_2_EDX] = "CPUID[7,2].EDX",
    [X86_FW_8000_0001_EDX] = "CPUID[0x80000001].EDX",
    [X86_FW_8000_0001_ECX] = "CPUID[0x80000001].ECX",
    [X86_FW_8000_0007_EBX] = "CPUID[0x80000007].EBX",
    [X86_FW_8000_0007_EDX] = "CPUID[0x80000007].EDX",
    [X86_FW_8000_0008_EBX] = "CPUID[0x80000008].EBX",
    [X86_FW_8000_0021_EAX] = "CPUID[0x80000021].EAX",
    [X86_FW_8000_0022_EAX] = "CPUID[0x80000022].EAX",
    [X86_FW_C000_0001_EDX] = "CPUID[0xC0000001].EDX",
    [X86_FW_KVM] = "CPUID[0x40000001].EAX (KVM)",
    [X86_FW_KVM_HINTS] = "CPUID[0x40000001].EDX (KVM hints)",
    [X86_FW_SVM] = "CPUID[0x8000000A].EDX",
    [X86_FW_XSAVE] = "CPUID[0xD,1].EAX",
    [X86_FW_6_EAX] = "CPUID[6].EAX",
    [X86_FW_14_0_ECX] = "CPUID[0x14,0].ECX",
    [X86_FW_SGX_12_0_EAX] = "CPUID[0x12,0].EAX",
    [X86_FW_SGX_12_0_EBX] = "CPUID[0x12,0].EBX",
    [X86_FW_SGX_12_1_EAX] = "CPUID[0x12,1].EAX",
    [X86_FW_24_0_EBX] = "CPUID[0x24,0].EBX",
    [X86_FW_ARCH_CAPABILITIES] = "MSR 0x10A (IA32_ARCH_CAPABILITIES)",
    [X86_FW_CORE_CAPABILITY] = "MSR 0xCF (IA32_CORE_CAPABILITIES)",
    [X86_FW_PERF_CAPABILITIES] = "MSR 0x345 (IA32_PERF_CAPABILITIES)",
    [X86_FW_VMX_PROCBASED_CTLS] = "MSR 0x48E (IA32_VMX_TRUE_PROCBASED_CTLS)",
    [X86_FW_VMX_SECONDARY_CTLS] = "MSR 0x48B (IA32_VMX_PROCBASED_CTLS2)",
    [X86_FW_VMX_PINBASED_CTLS] = "MSR 0x48D (IA32_VMX_TRUE_PINBASED_CTLS)",
    [X86_FW_VMX_EXIT_CTLS] = "MSR 0x48F (IA32_VMX_TRUE_EXIT_CTLS)",
    [X86_FW_VMX_ENTRY_CTLS] = "MSR 0x490 (IA32_VMX_TRUE_ENTRY_CTLS)",
    [X86_FW_VMX_MISC] = "MSR 0x485 (IA32_VMX_MISC)",
    [X86_FW_VMX_EPT_VPID_CAPS] = "MSR 0x48C (IA32_VMX_EPT_VPID_CAP)",
    [X86_FW_VMX_BASIC] = "MSR 0x480 (IA32_VMX_BASIC)",
    [X86_FW_VMX_VMFUNC] = "MSR 0x491 (IA32_VMX_VMFUNC)",
};

QEMU_BUILD_BUG_ON(G_N_ELEMENTS(x86_word_names) != X86_FW__MAX);

const char *x86_feat_word_name(X86FeatWord w)
{
    g_assert(w < X86_FW__MAX);
    return x86_word_names[w];
}

/*
 * QEMU's other names of its properties.  '-' and '_' spellings need no
 * entry (the map accepts both); '.' does.
 */
typedef struct X86Alias {
    const char *name;
    const char *const *aliases;
} X86Alias;

static const X86Alias x86_aliases[] = {
    { "pni", FEATMASK_NAMES("sse3") },
    { "pclmulqdq", FEATMASK_NAMES("pclmuldq") },
    { "sse4.1", FEATMASK_NAMES("sse4-1") },
    { "sse4.2", FEATMASK_NAMES("sse4-2") },
    { "nx", FEATMASK_NAMES("xd") },
    { "fxsr-opt", FEATMASK_NAMES("ffxsr") },
    { "lm", FEATMASK_NAMES("i64") },
};

/*
 * Dependencies: every feature of @features needs every feature of
 * @requires.
 */
typedef struct X86Dep {
    const char *const *requires;
    const char *const *features;
} X86Dep;

/* What QEMU 10.0 enforces when it expands a CPU model. */
static const X86Dep x86_qemu_deps[] = {
    {
        FEATMASK_NAMES("arch-capabilities"),
        FEATMASK_NAMES("rdctl-no", "ibrs-all", "rsba", "skip-l1dfl-vmentry",
                       "ssb-no", "mds-no", "pschange-mc-no", "tsx-ctrl",
                       "taa-no", "sbdr-ssdp-no", "fbsdp-no", "psdp-no",
                       "fb-clear", "bhi-no", "pbrsb-no", "gds-no", "rfds-no",
                       "rfds-clear")
    },
    {
        FEATMASK_NAMES("core-capability"),
        FEATMASK_NAMES("split-lock-detect")
    },
    {
        FEATMASK_NAMES("pdcm"),
        FEATMASK_NAMES("full-width-write")
    },
    {
        FEATMASK_NAMES("vmx"),
        FEATMASK_NAMES("vmx-vintr-pending", "vmx-tsc-offset", "vmx-hlt-exit",
                       "vmx-invlpg-exit", "vmx-mwait-exit", "vmx-rdpmc-exit",
                       "vmx-rdtsc-exit", "vmx-cr3-load-noexit",
                       "vmx-cr3-store-noexit", "vmx-cr8-load-exit",
                       "vmx-cr8-store-exit", "vmx-flexpriority",
                       "vmx-vnmi-pending", "vmx-movdr-exit", "vmx-io-exit",
                       "vmx-io-bitmap", "vmx-mtf", "vmx-msr-bitmap",
                       "vmx-monitor-exit", "vmx-pause-exit",
                       "vmx-secondary-ctls", "vmx-intr-exit", "vmx-nmi-exit",
                       "vmx-vnmi", "vmx-preemption-timer", "vmx-posted-intr",
                       "vmx-exit-nosave-debugctl",
                       "vmx-exit-load-perf-global-ctrl", "vmx-exit-ack-intr",
                       "vmx-exit-save-pat", "vmx-exit-load-pat",
                       "vmx-exit-save-efer", "vmx-exit-load-efer",
                       "vmx-exit-save-preemption-timer",
                       "vmx-exit-clear-rtit-ctl", "vmx-exit-load-pkrs",
                       "vmx-exit-secondary-ctls", "vmx-entry-noload-debugctl",
                       "vmx-entry-load-perf-global-ctrl", "vmx-entry-load-pat",
                       "vmx-entry-load-efer", "vmx-entry-load-rtit-ctl",
                       "vmx-entry-load-pkrs", "vmx-entry-load-fred",
                       "vmx-store-lma", "vmx-activity-hlt",
                       "vmx-activity-shutdown", "vmx-activity-wait-sipi",
                       "vmx-vmwrite-vmexit-fields", "vmx-zero-len-inject",
                       "vmx-ins-outs", "vmx-true-ctls", "vmx-any-errcode",
                       "vmx-nested-exception")
    },
    {
        FEATMASK_NAMES("vmx", "mpx"),
        FEATMASK_NAMES("vmx-exit-clear-bndcfgs", "vmx-entry-load-bndcfgs")
    },
    {
        FEATMASK_NAMES("vmx", "lm"),
        FEATMASK_NAMES("vmx-entry-ia32e-mode")
    },
    {
        FEATMASK_NAMES("vmx-secondary-ctls"),
        FEATMASK_NAMES("vmx-apicv-xapic", "vmx-ept", "vmx-desc-exit",
                       "vmx-apicv-x2apic", "vmx-vpid", "vmx-wbinvd-exit",
                       "vmx-apicv-register", "vmx-apicv-vid", "vmx-ple",
                       "vmx-vmfunc", "vmx-shadow-vmcs", "vmx-encls-exit",
                       "vmx-pml", "vmx-tsc-scaling")
    },
    {
        FEATMASK_NAMES("vmx-secondary-ctls", "rdtscp"),
        FEATMASK_NAMES("vmx-rdtscp-exit")
    },
    {
        FEATMASK_NAMES("vmx-secondary-ctls", "vmx-ept"),
        FEATMASK_NAMES("vmx-unrestricted-guest")
    },
    {
        FEATMASK_NAMES("vmx-secondary-ctls", "rdrand"),
        FEATMASK_NAMES("vmx-rdrand-exit")
    },
    {
        FEATMASK_NAMES("vmx-secondary-ctls", "invpcid"),
        FEATMASK_NAMES("vmx-invpcid-exit")
    },
    {
        FEATMASK_NAMES("vmx-secondary-ctls", "rdseed"),
        FEATMASK_NAMES("vmx-rdseed-exit")
    },
    {
        FEATMASK_NAMES("vmx-secondary-ctls", "xsaves"),
        FEATMASK_NAMES("vmx-xsaves")
    },
    {
        FEATMASK_NAMES("vmx-secondary-ctls", "waitpkg"),
        FEATMASK_NAMES("vmx-enable-user-wait-pause")
    },
    {
        FEATMASK_NAMES("intel-pt"),
        FEATMASK_NAMES("intel-pt-lip")
    },
    {
        FEATMASK_NAMES("vmx-ept"),
        FEATMASK_NAMES("vmx-ept-execonly", "vmx-page-walk-4",
                       "vmx-page-walk-5", "vmx-ept-2mb", "vmx-ept-1gb",
                       "vmx-invept", "vmx-eptad", "vmx-ept-advanced-exitinfo",
                       "vmx-invept-single-context", "vmx-invept-all-context")
    },
    {
        FEATMASK_NAMES("vmx-vpid"),
        FEATMASK_NAMES("vmx-invvpid", "vmx-invvpid-single-addr",
                       "vmx-invvpid-all-context",
                       "vmx-invept-single-context-noglobals")
    },
    {
        FEATMASK_NAMES("vmx-vmfunc"),
        FEATMASK_NAMES("vmx-eptp-switching")
    },
    {
        FEATMASK_NAMES("svm"),
        FEATMASK_NAMES("npt", "lbrv", "svm-lock", "nrip-save", "tsc-scale",
                       "vmcb-clean", "flushbyasid", "decodeassists",
                       "pause-filter", "pfthreshold", "avic",
                       "v-vmsave-vmload", "vgif", "vnmi", "svme-addr-chk")
    },
    {
        FEATMASK_NAMES("lm", "lkgs"),
        FEATMASK_NAMES("fred")
    },
    {
        FEATMASK_NAMES("sgx"),
        FEATMASK_NAMES("sgxlc", "sgx1", "sgx2", "sgx-edeccssa", "sgx-exinfo",
                       "sgx-debug", "sgx-mode64", "sgx-provisionkey",
                       "sgx-tokenkey", "sgx-kss", "sgx-aex-notify")
    },
    {
        FEATMASK_NAMES("avx10-128", "avx10"),
        FEATMASK_NAMES("avx10-256")
    },
    {
        FEATMASK_NAMES("avx10-256", "avx10"),
        FEATMASK_NAMES("avx10-512")
    },
    {
        FEATMASK_NAMES("avx10"),
        FEATMASK_NAMES("avx10-128")
    },
};

/* Architectural: the instructions use what the required features define. */
static const X86Dep x86_arch_deps[] = {
    { FEATMASK_NAMES("sse"), FEATMASK_NAMES("sse2") },
    { FEATMASK_NAMES("sse2"), FEATMASK_NAMES("pni") },
    { FEATMASK_NAMES("pni"), FEATMASK_NAMES("ssse3") },
    { FEATMASK_NAMES("ssse3"), FEATMASK_NAMES("sse4.1") },
    { FEATMASK_NAMES("sse4.1"), FEATMASK_NAMES("sse4.2") },
    /* VEX-encoded instructions need the AVX state in XSAVE. */
    { FEATMASK_NAMES("xsave"), FEATMASK_NAMES("avx") },
    {
        FEATMASK_NAMES("avx"),
        FEATMASK_NAMES("avx2", "fma", "f16c", "fma4", "xop", "vaes",
                       "vpclmulqdq")
    },
    {
        FEATMASK_NAMES("avx2"),
        FEATMASK_NAMES("avx512f", "avx-vnni", "avx-ifma", "avx-vnni-int8",
                       "avx-ne-convert", "avx-vnni-int16", "sha512")
    },
    {
        FEATMASK_NAMES("xsave"),
        FEATMASK_NAMES("xsaveopt", "xsavec", "xgetbv1", "xsaves", "xfd",
                       "amx-tile")
    },
    /* Every AVX-512 extension uses the EVEX state AVX512F defines. */
    {
        FEATMASK_NAMES("avx512f"),
        FEATMASK_NAMES("avx512dq", "avx512ifma", "avx512pf", "avx512er",
                       "avx512cd", "avx512bw", "avx512vl", "avx512vbmi",
                       "avx512vbmi2", "avx512vnni", "avx512bitalg",
                       "avx512-vpopcntdq", "avx512-4vnniw", "avx512-4fmaps",
                       "avx512-vp2intersect", "avx512-fp16", "avx512-bf16")
    },
    {
        FEATMASK_NAMES("amx-tile"),
        FEATMASK_NAMES("amx-bf16", "amx-int8", "amx-fp16", "amx-complex")
    },
    { FEATMASK_NAMES("3dnow"), FEATMASK_NAMES("3dnowext") },
    { FEATMASK_NAMES("pclmulqdq"), FEATMASK_NAMES("vpclmulqdq") },
    { FEATMASK_NAMES("aes"), FEATMASK_NAMES("vaes") },
};

/* Needs at least one of: AVX10 needs a vector length (QEMU 10.0). */
static const X86Dep x86_any_deps[] = {
    {
        FEATMASK_NAMES("avx10-128", "avx10-256", "avx10-512"),
        FEATMASK_NAMES("avx10")
    },
};

/* QEMU refuses to migrate a guest that sees these. */
static const char *const x86_unmigratable[] = {
    "invtsc",
};

static void deps_collect(GHashTable *h, const X86Dep *deps, size_t n)
{
    size_t i;
    const char *const *f, *const *r;

    for (i = 0; i < n; i++) {
        for (f = deps[i].features; *f; f++) {
            GPtrArray *list = g_hash_table_lookup(h, *f);

            if (!list) {
                list = g_ptr_array_new();
                g_hash_table_insert(h, (gpointer)*f, list);
            }
            for (r = deps[i].requires; *r; r++) {
                if (!g_ptr_array_find_with_equal_func(list, *r, g_str_equal,
                                                      NULL)) {
                    g_ptr_array_add(list, (gpointer)*r);
                }
            }
        }
    }
}

/* A NULL-terminated copy of @list, or NULL; it lives as long as the map. */
static const char *const *deps_list(GHashTable *h, const char *name)
{
    GPtrArray *list = g_hash_table_lookup(h, name);
    const char **v;

    if (!list) {
        return NULL;
    }
    v = g_new0(const char *, list->len + 1);
    memcpy(v, list->pdata, list->len * sizeof(*v));
    return v;
}

static void ptr_array_unref(gpointer p)
{
    g_ptr_array_unref(p);
}

static FeatmaskMap *x86_map_build(void)
{
    g_autoptr(FeatmaskMap) map = NULL;
    g_autoptr(GHashTable) all = NULL;
    g_autoptr(GHashTable) any = NULL;
    size_t w, b, i;

    map = featmask_map_new(X86_FEATMASK_KIND,
                           "x86 CPU features (QEMU 10.0 -cpu properties)");
    all = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                ptr_array_unref);
    any = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                ptr_array_unref);
    deps_collect(all, x86_qemu_deps, G_N_ELEMENTS(x86_qemu_deps));
    deps_collect(all, x86_arch_deps, G_N_ELEMENTS(x86_arch_deps));
    deps_collect(any, x86_any_deps, G_N_ELEMENTS(x86_any_deps));

    for (w = 0; w < X86_FW__MAX; w++) {
        for (b = 0; b < 64; b++) {
            const char *name = x86_words[w].bits[b];
            FeatmaskFeature f = { 0 };

            if (!name) {
                continue;
            }
            f.name = name;
            f.bit = w * 64 + b;
            /* The map and its strings live until the program ends. */
            f.desc = g_strdup_printf("%s bit %zu", x86_word_names[w], b);
            f.requires = deps_list(all, name);
            f.requires_any = deps_list(any, name);
            for (i = 0; i < G_N_ELEMENTS(x86_aliases); i++) {
                if (!strcmp(x86_aliases[i].name, name)) {
                    f.aliases = x86_aliases[i].aliases;
                }
            }
            for (i = 0; i < G_N_ELEMENTS(x86_unmigratable); i++) {
                if (!strcmp(x86_unmigratable[i], name)) {
                    f.unmigratable = true;
                }
            }
            featmask_map_add(map, &f, &error_abort);
        }
    }
    /* A dependency on a name the map lacks is a bug of the tables. */
    featmask_map_finalize(map, &error_abort);
    return g_steal_pointer(&map);
}

FeatmaskMap *x86_featmask_map(void)
{
    static gsize once;
    static FeatmaskMap *map;

    if (g_once_init_enter(&once)) {
        map = x86_map_build();
        g_once_init_leave(&once, 1);
    }
    return featmask_map_ref(map);
}
