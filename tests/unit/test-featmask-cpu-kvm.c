/*
 * The KVM view of raw CPUID (target/i386/featmask-cpu-kvm.c) against a
 * real KVM: what KVM_GET_SUPPORTED_CPUID answered on a CI machine
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "tools/featmask/cpuid-dump.h"

static FeatmaskSet *record_features(const char *rel)
{
    g_autofree char *path = g_build_filename(g_getenv("FEATMASK_DATA"),
                                             "cpu", "kvm", rel, NULL);
    g_autoptr(KvmCpuidRecord) rec = kvm_cpuid_record_load(path,
                                                          &error_abort);
    g_autoptr(X86CpuidData) d = kvm_cpuid_record_data(rec);

    return x86_cpuid_host_features(d, NULL, NULL, &error_abort);
}

/*
 * A real KVM reports none of what the table says KVM never gives, and a
 * guest gets all of what it says every guest gets (the record's view
 * adds what QEMU adds: the hypervisor bit, the TSC deadline timer).
 */
static void test_real_kvm(void)
{
    g_autoptr(FeatmaskSet) kvm = record_features("intel-fc-6.18.rec");
    const FeatmaskMap *map = featmask_set_map(kvm);
    g_autoptr(FeatmaskSet) never = featmask_set_from_names(
        map, x86_kvm_never(), &error_abort);
    g_autoptr(FeatmaskSet) always = featmask_set_from_names(
        map, x86_kvm_always(), &error_abort);
    g_autoptr(FeatmaskSet) view = featmask_set_copy(kvm);
    g_autofree char *hit = NULL;
    g_autofree char *miss = NULL;

    featmask_set_intersect(never, kvm);
    hit = featmask_set_format(never);
    featmask_set_subtract(always, kvm);
    miss = featmask_set_format(always);
    g_test_message("KVM gives %zu features; of those it never gives: %s;"
                   " missing of those it always gives: %s",
                   featmask_set_count(kvm), hit, miss);
    g_assert_cmpstr(hit, ==, "none");
    g_assert_cmpstr(miss, ==, "none");

    /* KVM's own answer is its own view already. */
    x86_kvm_view_apply(view, NULL, NULL);
    g_assert_true(featmask_set_equal(view, kvm));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/featmask/cpu/kvm-view/real-kvm", test_real_kvm);
    return g_test_run();
}
