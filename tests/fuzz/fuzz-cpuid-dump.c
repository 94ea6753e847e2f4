/*
 * libFuzzer harness: CPUID dumps in libcpuid's, AIDA64's and cpuid -r's
 * formats (tools/featmask/cpuid-dump.c), and their decoding into the
 * x86-cpu map (target/i386/featmask-cpu-cpuid.c)
 *
 * Invariants: a dump that parses was detected as the format it was
 * parsed in; written again as an AIDA64 dump with subleaf tags, it parses
 * to the same leaves (unless it is a libcpuid dump whose fixed arrays
 * could not hold a leaf that leaf 0 announces); its decoding succeeds or
 * fails with a message.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "cpuid-dump.h"
#include "fuzz-util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    return 0;
}

static char *write_aida64(const X86CpuidData *d)
{
    GString *s = g_string_new("------[ Logical CPU #0 ]------\n");
    guint i;

    for (i = 0; i < d->leaves->len; i++) {
        const X86CpuidLeaf *l = &g_array_index(d->leaves, X86CpuidLeaf, i);

        g_string_append_printf(s, "CPUID %08X: %08X-%08X-%08X-%08X"
                               " [SL %02X]\n", l->leaf, l->eax, l->ebx,
                               l->ecx, l->edx, l->subleaf);
    }
    return g_string_free(s, FALSE);
}

static void check_decode(const X86CpuidData *d)
{
    g_autoptr(FeatmaskSet) set = NULL;
    g_autoptr(FeatmaskSet) dropped = NULL;
    g_auto(GStrv) unknown = NULL;
    g_autofree char *vendor = x86_cpuid_vendor(d);
    g_autofree char *brand = x86_cpuid_brand(d);
    Error *err = NULL;

    /* The brand becomes a profile's "model": JSON needs UTF-8. */
    fuzz_check(!brand || g_utf8_validate(brand, -1, NULL),
               "the brand string is not UTF-8: '%s'", brand);
    set = x86_cpuid_host_features(d, &unknown, &dropped, &err);
    if (!set) {
        fuzz_check(err && *error_get_pretty(err), "no message");
        error_free(err);
        return;
    }
    fuzz_check(vendor, "decoded a CPU without a vendor");
    fuzz_check(featmask_set_close(set, NULL) == 0,
               "host features are not closed under dependencies");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzz_text(data, size);
    g_autoptr(X86CpuidData) d = NULL;
    g_autoptr(X86CpuidData) d2 = NULL;
    g_autofree char *again = NULL;
    CpuidDumpFormat fmt = CPUID_DUMP_UNKNOWN, fmt2;
    const X86CpuidLeaf *l0;
    Error *err = NULL;

    d = cpuid_dump_parse(text, "fuzz.txt", &fmt, &err);
    if (!d) {
        fuzz_check(err && *error_get_pretty(err), "refused without a message");
        error_free(err);
        return 0;
    }
    fuzz_check(cpuid_dump_detect(text) == fmt, "parsed as %s, detected as %s",
               cpuid_dump_format_name(fmt),
               cpuid_dump_format_name(cpuid_dump_detect(text)));
    check_decode(d);

    again = write_aida64(d);
    d2 = cpuid_dump_parse(again, "again.txt", &fmt2, &err);
    l0 = x86_cpuid_data_get(d, 0, 0);
    if (!d2 && fmt == CPUID_DUMP_LIBCPUID && l0->eax >= 0xd &&
        !x86_cpuid_data_get(d, 0xd, 0)) {
        error_free(err);
        return 0;
    }
    fuzz_check(d2, "written again, the dump is refused: %s\n%s",
               err ? error_get_pretty(err) : "", again);
    fuzz_check(fmt2 == CPUID_DUMP_AIDA64, "written as aida64, read as %s",
               cpuid_dump_format_name(fmt2));
    fuzz_check(fuzz_cpuid_data_equal(d, d2) && fuzz_cpuid_data_equal(d2, d),
               "written again, the dump has other leaves:\n%s", again);
    return 0;
}
