/*
 * libFuzzer harness: KVM records, the text form of KVM's supported-CPUID
 * answer (kvm_cpuid_record_parse() in tools/featmask/probe-cpuid.c), and
 * their CPUID data and decoding
 *
 * Invariants: a record that parses, saved with kvm_cpuid_record_save()
 * and loaded again, gives the same entries, MSRs and CPUID data.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "cpuid-dump.h"
#include "fuzz-util.h"

static char *saved;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    saved = fuzz_write("saved.rec", "", 0);
    return 0;
}

static bool array_equal(GArray *a, GArray *b)
{
    return a->len == b->len &&
           (!a->len || !memcmp(a->data, b->data,
                               (size_t)a->len * g_array_get_element_size(a)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzz_text(data, size);
    g_autoptr(KvmCpuidRecord) rec = NULL;
    g_autoptr(KvmCpuidRecord) rec2 = NULL;
    g_autoptr(X86CpuidData) d = NULL;
    g_autoptr(X86CpuidData) d2 = NULL;
    g_autoptr(FeatmaskSet) set = NULL;
    Error *err = NULL;

    rec = kvm_cpuid_record_parse(text, "fuzz.rec", &err);
    if (!rec) {
        fuzz_check(err && *error_get_pretty(err), "refused without a message");
        error_free(err);
        return 0;
    }
    fuzz_check(kvm_cpuid_record_save(rec, saved, &err), "cannot save: %s",
               error_get_pretty(err));
    rec2 = kvm_cpuid_record_load(saved, &err);
    fuzz_check(rec2, "a saved record does not load: %s",
               error_get_pretty(err));
    fuzz_check(array_equal(rec->entries, rec2->entries) &&
               array_equal(rec->msr_index, rec2->msr_index) &&
               array_equal(rec->msr_value, rec2->msr_value),
               "a saved record loads differently");

    d = kvm_cpuid_record_data(rec);
    d2 = kvm_cpuid_record_data(rec2);
    fuzz_check(fuzz_cpuid_data_equal(d, d2), "other CPUID data");
    set = x86_cpuid_host_features(d, NULL, NULL, &err);
    if (!set) {
        fuzz_check(err && *error_get_pretty(err), "no message");
        error_free(err);
    }
    return 0;
}
