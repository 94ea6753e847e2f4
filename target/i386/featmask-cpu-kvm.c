/*
 * featmask: the KVM view of a CPU
 *
 * What a guest under KVM and QEMU gets of a CPU whose raw CPUID is known
 * (a dump of another machine, or libcpuid on a host without /dev/kvm):
 * KVM_GET_SUPPORTED_CPUID never reports some features whatever the CPU
 * has (debug stores, thermal monitoring, SMX, ...), and KVM and QEMU give
 * a guest some features whatever the CPU has (x2APIC and the TSC deadline
 * timer are emulated, ARAT and the hypervisor bit come from QEMU).
 *
 * The tables follow Linux 6.1 (Debian 12's kernel), arch/x86/kvm/cpuid.c:
 * kvm_set_cpu_caps() and __do_cpuid_func(), with the default module
 * parameters of kvm_intel and kvm_amd (nested on, Intel PT in host-only
 * mode, PMU on); and QEMU 10.0's kvm_arch_get_supported_cpuid()
 * (target/i386/kvm/kvm.c) for what QEMU adds.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "featmask-cpu.h"

/*
 * Features KVM never reports in KVM_GET_SUPPORTED_CPUID, by word.  Each
 * is a "0 / * NAME * /" of kvm_set_cpu_caps(), or a word KVM zeroes.
 */
static const char *const x86_kvm_never_names[] = {
    /* CPUID[1].EDX: "0 / * PSN * /", "0 / * Reserved, DS, ACPI * /",
     * "0 / * HTT, TM, Reserved, PBE * /" (IA64 is bit 30) */
    "pn", "ds", "acpi", "ht", "tm", "ia64", "pbe",
    /* CPUID[1].ECX: "0 / * DTES64, MONITOR * /" (MONITOR and MWAIT are
     * emulated as NOPs, not advertised), "0 / * DS-CPL, VMX, SMX, EST * /"
     * (VMX comes back from kvm_intel with nested=1), "0 / * TM2 * /",
     * "0 / * CNXT-ID * /", "0 / * xTPR Update * /", "0 / * Reserved,
     * DCA * /" */
    "dtes64", "monitor", "ds-cpl", "smx", "est", "tm2", "cid", "xtpr",
    "dca",
    /* CPUID[7,0].EBX: "0 / * INTEL_PT * /" (kvm_intel pt_mode=0, the
     * default, keeps it); PCOMMIT is gone from the instruction set */
    "intel-pt", "pcommit",
    /* CPUID[0x80000001].ECX: "0 / * ExtApicSpace * /", "0 / * IBS * /",
     * "0 / * SKINIT, WDT, LWP * /"; TCE, NodeId and PerfCtrNb are not in
     * the mask (SVM comes back from kvm_amd with nested=1) */
    "extapic", "ibs", "skinit", "wdt", "lwp", "tce", "nodeid-msr",
    "perfctr-nb",
    /* CPUID[0x80000007].EBX: "entry->eax = entry->ebx = entry->ecx = 0" */
    "overflow-recov", "succor",
    NULL,
};

/* What a guest gets whatever the CPU has. */
static const char *const x86_kvm_always_names[] = {
    /* kvm_set_cpu_caps(): "KVM emulates x2apic in software irrespective
     * of host support", and TSC_ADJUST is emulated */
    "x2apic", "tsc-adjust",
    /* QEMU's kvm_arch_get_supported_cpuid(): the hypervisor bit, the TSC
     * deadline timer with the in-kernel irqchip (QEMU's default), and
     * ARAT "because of emulated APIC" */
    "hypervisor", "tsc-deadline", "arat",
    /*
     * Not KVM's paravirtual leaf (CPUID[0x40000001]): raw CPUID has no such
     * leaf, so a profile leaves it unknown (its features count as
     * missing), and QEMU's named models switch on its defaults under KVM
     * themselves.
     */
    NULL,
};

const char *const *x86_kvm_never(void)
{
    return x86_kvm_never_names;
}

const char *const *x86_kvm_always(void)
{
    return x86_kvm_always_names;
}

void x86_kvm_view_apply(FeatmaskSet *set, FeatmaskSet *removed,
                        FeatmaskSet *added)
{
    const FeatmaskMap *map = featmask_set_map(set);
    const char *const *n;

    for (n = x86_kvm_never_names; *n; n++) {
        int idx = featmask_map_lookup(map, *n);

        g_assert(idx >= 0);
        if (featmask_set_has(set, idx)) {
            featmask_set_del(set, idx);
            if (removed) {
                featmask_set_add(removed, idx);
            }
        }
    }
    for (n = x86_kvm_always_names; *n; n++) {
        int idx = featmask_map_lookup(map, *n);

        g_assert(idx >= 0);
        if (!featmask_set_has(set, idx)) {
            featmask_set_add(set, idx);
            if (added) {
                featmask_set_add(added, idx);
            }
        }
    }
    /* What depended on a feature KVM never gives goes too. */
    featmask_set_close(set, removed);
}
