/*
 * Tests of the x86 CPU map, CPUID decoding, CPUID dumps, KVM records and
 * the named models
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <glib/gstdio.h>
#include "tools/featmask/cpuid-dump.h"

static char *data_path(const char *rel)
{
    const char *dir = g_getenv("FEATMASK_DATA");

    return dir ? g_build_filename(dir, "cpu", rel, NULL)
               : g_test_build_filename(G_TEST_DIST, "..", "data", "cpu", rel,
                                       NULL);
}

/*
 * Compare @text with the golden file @rel; FEATMASK_REGENERATE=1 writes
 * the file instead.
 */
static void check_golden(const char *rel, const char *text)
{
    g_autofree char *path = data_path(rel);
    g_autofree char *want = NULL;

    if (g_getenv("FEATMASK_REGENERATE")) {
        g_assert_true(g_file_set_contents(path, text, -1, NULL));
        g_test_message("regenerated %s", path);
        return;
    }
    g_assert_true(g_file_get_contents(path, &want, NULL, NULL));
    g_assert_cmpstr(text, ==, want);
}

static char *set_lines(const FeatmaskSet *s)
{
    g_autofree const char **names = featmask_set_to_names(s);
    GString *str = g_string_new("");
    const char **n;

    for (n = names; *n; n++) {
        g_string_append_printf(str, "%s\n", *n);
    }
    return g_string_free(str, FALSE);
}

static bool has(const FeatmaskSet *s, const char *name)
{
    int idx = featmask_map_lookup(featmask_set_map(s), name);

    g_assert_cmpint(idx, >=, 0);
    return featmask_set_has(s, idx);
}

/*
 * The map
 */

/* Every bit of every word is one feature; names and bits are unique. */
static void test_map_entries(void)
{
    g_autoptr(FeatmaskMap) map = x86_featmask_map();
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i, n = featmask_map_size(map);

    g_assert_cmpuint(n, >=, 380);
    for (i = 0; i < n; i++) {
        const FeatmaskFeature *f = featmask_map_get(map, i);

        g_assert_nonnull(f->name);
        g_assert_true(g_hash_table_add(seen, (gpointer)f->name));
        g_assert_cmpint(f->bit, >=, 0);
        g_assert_cmpint(f->bit, <, X86_FW__MAX * 64);
        g_assert_cmpint(featmask_map_lookup(map, f->name), ==, i);
        g_assert_cmpint(featmask_map_lookup_bit(map, f->bit), ==, i);
        g_assert_nonnull(f->desc);
    }
}

/* QEMU's other spellings. */
static void test_map_aliases(void)
{
    g_autoptr(FeatmaskMap) map = x86_featmask_map();
    int sse41 = featmask_map_lookup(map, "sse4.1");

    g_assert_cmpint(sse41, >=, 0);
    g_assert_cmpint(featmask_map_lookup(map, "sse4-1"), ==, sse41);
    g_assert_cmpint(featmask_map_lookup(map, "sse4_1"), ==, sse41);
    g_assert_cmpint(featmask_map_lookup(map, "sse3"), ==,
                    featmask_map_lookup(map, "pni"));
    g_assert_cmpint(featmask_map_lookup(map, "xd"), ==,
                    featmask_map_lookup(map, "nx"));
    g_assert_cmpint(featmask_map_lookup(map, "i64"), ==,
                    featmask_map_lookup(map, "lm"));
    g_assert_cmpint(featmask_map_lookup(map, "ffxsr"), ==,
                    featmask_map_lookup(map, "fxsr-opt"));
    g_assert_cmpint(featmask_map_lookup(map, "lahf_lm"), ==,
                    featmask_map_lookup(map, "lahf-lm"));
    /* Bits: word * 64 + bit. */
    g_assert_cmpint(featmask_map_get(map, sse41)->bit, ==,
                    X86_FW_1_ECX * 64 + 19);
    g_assert_cmpint(featmask_map_lookup_bit(map, X86_FW_7_0_EBX * 64 + 16),
                    ==, featmask_map_lookup(map, "avx512f"));
}

static void assert_drops(FeatmaskMap *map, const char *have,
                         const char *gone)
{
    g_auto(GStrv) names = g_strsplit(have, ",", -1);
    g_autoptr(FeatmaskSet) s = featmask_set_from_names(map,
                                                       (const char **)names,
                                                       &error_abort);
    g_autoptr(FeatmaskSet) dropped = featmask_set_new(map);
    g_autofree char *str = NULL;

    featmask_set_close(s, dropped);
    str = featmask_set_format(dropped);
    g_assert_cmpstr(str, ==, gone);
}

/* QEMU's dependencies, architectural ones, requires-any, unmigratable. */
static void test_map_deps(void)
{
    g_autoptr(FeatmaskMap) map = x86_featmask_map();

    /* avx512vl without avx512f */
    assert_drops(map, "avx512vl,avx2,avx,xsave", "avx512vl");
    /* VMX controls without vmx (QEMU's feature_dependencies) */
    assert_drops(map, "vmx-ept,vmx-secondary-ctls", "vmx-secondary-ctls,"
                 "vmx-ept");
    /* arch-capabilities bits without the MSR */
    assert_drops(map, "taa-no,rdctl-no", "rdctl-no,taa-no");
    /* svm's sub-features */
    assert_drops(map, "npt,svm,lm", "none");
    assert_drops(map, "npt", "npt");
    /* avx10 needs one vector length, and each length needs avx10 */
    assert_drops(map, "avx10,avx10-128", "none");
    assert_drops(map, "avx10", "avx10");
    /* the SSE chain */
    assert_drops(map, "ssse3,sse4.1,sse4.2", "ssse3,sse4.1,sse4.2");
    /* fred needs lm and lkgs */
    assert_drops(map, "fred,lm", "fred");
    g_assert_true(featmask_map_get(map,
                  featmask_map_lookup(map, "invtsc"))->unmigratable);
    g_assert_false(featmask_map_get(map,
                   featmask_map_lookup(map, "tsc-adjust"))->unmigratable);
}

/*
 * Decoding hand-made CPUID
 */

static X86CpuidData *intel_base(uint32_t max_basic)
{
    X86CpuidData *d = x86_cpuid_data_new(X86_CPUID_RAW);

    /* "GenuineIntel": EBX, EDX, ECX */
    x86_cpuid_data_set(d, 0, 0, max_basic, 0x756e6547, 0x6c65746e,
                       0x49656e69);
    x86_cpuid_data_set(d, 0x80000000, 0, 0x80000001, 0, 0, 0);
    x86_cpuid_data_set(d, 0x80000001, 0, 0, 0, 0, 0);
    x86_cpuid_data_set(d, 6, 0, 0, 0, 0, 0);
    return d;
}

/* Leaf 1, leaf 7 and 0x80000001 bits become names. */
static void test_decode_bits(void)
{
    g_autoptr(X86CpuidData) d = intel_base(7);
    g_autoptr(FeatmaskSet) s = NULL;
    g_auto(GStrv) unknown = NULL;
    g_autofree char *str = NULL;
    g_autofree char *vendor = x86_cpuid_vendor(d);

    g_assert_cmpstr(vendor, ==, "GenuineIntel");
    /* fpu, sse, sse2 | pni, sse4.1 | avx2, avx512f | lm */
    x86_cpuid_data_set(d, 1, 0, 0, 0, (1u << 0) | (1u << 19),
                       (1u << 0) | (1u << 25) | (1u << 26));
    x86_cpuid_data_set(d, 7, 0, 0, (1u << 5) | (1u << 16), 0, 0);
    x86_cpuid_data_set(d, 0x80000001, 0, 0, 0, 0, 1u << 29);
    s = x86_cpuid_decode(d, &unknown, &error_abort);
    str = featmask_set_format(s);
    g_assert_cmpstr(str, ==, "fpu,sse,sse2,pni,sse4.1,avx2,avx512f,syscall,lm");
    /* The feature MSRs are not enumerated, the KVM leaf is not KVM's. */
    g_assert_cmpuint(g_strv_length(unknown), ==, 2);
    g_assert_true(g_strv_contains((const char *const *)unknown,
                                  "CPUID[0x40000001].EAX (KVM)"));
}

/* A subleaf leaf 7 announces but the data lacks is unknown. */
static void test_decode_unknown_subleaf(void)
{
    g_autoptr(X86CpuidData) d = intel_base(0xd);
    g_autoptr(FeatmaskSet) s = NULL;
    g_auto(GStrv) unknown = NULL;

    x86_cpuid_data_set(d, 1, 0, 0, 0, 0, 1);
    x86_cpuid_data_set(d, 7, 0, 1, 0, 0, 0);
    x86_cpuid_data_set(d, 0xd, 0, 0, 0, 0, 0);
    s = x86_cpuid_decode(d, &unknown, &error_abort);
    g_assert_true(g_strv_contains((const char *const *)unknown,
                                  "CPUID[7,1].EAX"));
    g_assert_true(g_strv_contains((const char *const *)unknown,
                                  "CPUID[0xD,1].EAX"));
    /* Leaf 7 subleaf 2 is beyond what subleaf 0 announces: known zero. */
    g_assert_false(g_strv_contains((const char *const *)unknown,
                                   "CPUID[7,2].EDX"));
}

/* Leaves above the maximum are absent, not unknown. */
static void test_decode_above_max(void)
{
    g_autoptr(X86CpuidData) d = intel_base(1);
    g_autoptr(FeatmaskSet) s = NULL;
    g_auto(GStrv) unknown = NULL;

    x86_cpuid_data_set(d, 1, 0, 0, 0, 0, 1);
    /* Intel CPUs repeat their last leaf above the maximum: ignored. */
    x86_cpuid_data_set(d, 7, 0, 0, 0xffffffff, 0, 0);
    s = x86_cpuid_decode(d, &unknown, &error_abort);
    g_assert_false(has(s, "avx2"));
    g_assert_false(g_strv_contains((const char *const *)unknown,
                                   "CPUID[7,0].EBX"));
}

/* MSR words: known when the data has the MSR, unknown otherwise. */
static void test_decode_msr(void)
{
    g_autoptr(X86CpuidData) d = intel_base(7);
    g_autoptr(FeatmaskSet) s1 = NULL;
    g_autoptr(FeatmaskSet) s2 = NULL;
    g_auto(GStrv) unknown = NULL;
    g_auto(GStrv) unknown2 = NULL;

    /* vmx | arch-capabilities */
    x86_cpuid_data_set(d, 1, 0, 0, 0, 1u << 5, 1);
    x86_cpuid_data_set(d, 7, 0, 0, 0, 0, 1u << 29);
    s1 = x86_cpuid_decode(d, &unknown, &error_abort);
    g_assert_true(g_strv_contains((const char *const *)unknown,
                                  "MSR 0x10A (IA32_ARCH_CAPABILITIES)"));
    g_assert_true(g_strv_contains((const char *const *)unknown,
                                  "MSR 0x480 (IA32_VMX_BASIC)"));
    g_assert_false(has(s1, "rdctl-no"));

    /* rdctl-no (0), taa-no (8) */
    x86_cpuid_data_set_msr(d, 0x10a, (1u << 0) | (1u << 8));
    /*
     * TRUE_PINBASED_CTLS: allowed-1 in the high half.  nmi-exit (3) may be
     * 1 and is not forced, intr-exit (0) is forced to 1: not a feature.
     */
    x86_cpuid_data_set_msr(d, 0x48d, (0x9ull << 32) | 0x1);
    s2 = x86_cpuid_decode(d, &unknown2, &error_abort);
    g_assert_true(has(s2, "rdctl-no"));
    g_assert_true(has(s2, "taa-no"));
    g_assert_false(has(s2, "mds-no"));
    g_assert_true(has(s2, "vmx-nmi-exit"));
    g_assert_false(has(s2, "vmx-intr-exit"));
    g_assert_false(g_strv_contains((const char *const *)unknown2,
                                   "MSR 0x10A (IA32_ARCH_CAPABILITIES)"));
}

/* No leaf 0, or a vendor that is not text: errors. */
static void test_decode_errors(void)
{
    g_autoptr(X86CpuidData) d = x86_cpuid_data_new(X86_CPUID_RAW);
    Error *err = NULL;

    g_assert_null(x86_cpuid_decode(d, NULL, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "no leaf 0"));
    error_free(err);
    err = NULL;
    x86_cpuid_data_set(d, 0, 0, 1, 0x01020304, 0, 0);
    g_assert_null(x86_cpuid_decode(d, NULL, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "not x86"));
    error_free(err);
}

/* The profile's set: hypervisor added, dependencies closed. */
static void test_host_features(void)
{
    g_autoptr(X86CpuidData) d = intel_base(7);
    g_autoptr(FeatmaskSet) s = NULL;
    g_autoptr(FeatmaskSet) dropped = NULL;
    g_autofree char *str = NULL;

    /* avx512vl without avx512f, as broken CPUID could say */
    x86_cpuid_data_set(d, 1, 0, 0, 0, 0, 1);
    x86_cpuid_data_set(d, 7, 0, 0, 1u << 31, 0, 0);
    s = x86_cpuid_host_features(d, NULL, &dropped, &error_abort);
    str = featmask_set_format(s);
    g_assert_cmpstr(str, ==, "fpu,hypervisor");
    g_free(str);
    str = featmask_set_format(dropped);
    g_assert_cmpstr(str, ==, "avx512vl");
}

/*
 * Dumps of this project's CI machine in the three formats
 */

static FeatmaskSet *load_dump(const char *rel, CpuidDumpFormat want,
                              char ***unknown)
{
    g_autofree char *path = data_path(rel);
    g_autoptr(X86CpuidData) d = NULL;
    CpuidDumpFormat fmt;

    d = cpuid_dump_load(path, &fmt, &error_abort);
    g_assert_cmpint(fmt, ==, want);
    return x86_cpuid_host_features(d, unknown, NULL, &error_abort);
}

/* cpuid -1 -r: every subleaf, decoded to the golden list. */
static void test_dump_cpuid_tool(void)
{
    g_auto(GStrv) unknown = NULL;
    g_autoptr(FeatmaskSet) s = load_dump("dumps/host-cpuid-tool.txt",
                                         CPUID_DUMP_CPUID_TOOL, &unknown);
    g_autofree char *text = set_lines(s);

    check_golden("dumps/host.features", text);
    g_assert_true(has(s, "avx512f"));
    g_assert_true(has(s, "avx-vnni"));      /* leaf 7 subleaf 1 */
    g_assert_true(has(s, "xsaveopt"));      /* leaf 0xD subleaf 1 */
    g_assert_true(has(s, "lfence-always-serializing")); /* 0x80000021 */
}

/* The AIDA64 form of the same CPU gives the same set. */
static void test_dump_aida64(void)
{
    g_autoptr(FeatmaskSet) tool = load_dump("dumps/host-cpuid-tool.txt",
                                            CPUID_DUMP_CPUID_TOOL, NULL);
    g_autoptr(FeatmaskSet) aida = load_dump("dumps/host-aida64.txt",
                                            CPUID_DUMP_AIDA64, NULL);

    g_assert_true(featmask_set_equal(tool, aida));
}

/*
 * libcpuid's format has no leaf 7 subleaf 1, leaf 0xD subleaf 1 or leaves
 * above 0x8000001F: the same CPU minus those words, which are reported.
 */
static void test_dump_libcpuid(void)
{
    g_auto(GStrv) unknown = NULL;
    g_autoptr(FeatmaskSet) tool = load_dump("dumps/host-cpuid-tool.txt",
                                            CPUID_DUMP_CPUID_TOOL, NULL);
    g_autoptr(FeatmaskSet) lib = load_dump("dumps/host-libcpuid.txt",
                                           CPUID_DUMP_LIBCPUID, &unknown);
    g_autoptr(FeatmaskSet) diff = featmask_set_copy(tool);
    g_autofree char *str = NULL;

    g_assert_true(featmask_set_is_subset(lib, tool));
    featmask_set_subtract(diff, lib);
    str = featmask_set_format(diff);
    g_assert_cmpstr(str, ==, "avx-vnni,avx512-bf16,no-nested-data-bp,"
                    "lfence-always-serializing,null-sel-clr-base,eraps,"
                    "srso-user-kernel-no,xsaveopt,xsavec,xgetbv1");
    g_assert_true(g_strv_contains((const char *const *)unknown,
                                  "CPUID[7,1].EAX"));
    g_assert_true(g_strv_contains((const char *const *)unknown,
                                  "CPUID[0xD,1].EAX"));
    g_assert_true(g_strv_contains((const char *const *)unknown,
                                  "CPUID[0x80000021].EAX"));
}

static void assert_dump_error(const char *text, const char *want)
{
    Error *err = NULL;

    g_assert_null(cpuid_dump_parse(text, "x.txt", NULL, &err));
    g_assert_nonnull(err);
    if (!strstr(error_get_pretty(err), want)) {
        g_test_message("error: %s", error_get_pretty(err));
    }
    g_assert_nonnull(strstr(error_get_pretty(err), want));
    error_free(err);
}

/* Truncated or garbled dumps name the line. */
static void test_dump_errors(void)
{
    g_autofree char *path = data_path("dumps/host-cpuid-tool.txt");
    g_autofree char *text = NULL;
    g_autofree char *cut = NULL;
    g_autofree char *lib = NULL;
    g_autofree char *libpath = data_path("dumps/host-libcpuid.txt");
    char *p;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    /* Cut in the middle of line 5 (a register value half written) */
    p = text;
    for (int i = 0; i < 4; i++) {
        p = strchr(p, '\n') + 1;
    }
    cut = g_strndup(text, p - text + 40);
    assert_dump_error(cut, "x.txt:5: expected '0xLLLLLLLL 0xSS: eax=");
    /* Cut after whole lines, before leaf 7 */
    cut[p - text] = 0;
    assert_dump_error(cut, "without leaf 0x6, which leaf 0 announces");

    /* A register that is not hex, in libcpuid's format */
    g_assert_true(g_file_get_contents(libpath, &lib, NULL, NULL));
    p = strstr(lib, "basic_cpuid[1]=");
    p[20] = 'g';
    assert_dump_error(lib, "x.txt:3: expected 'basic_cpuid[N]=' and four");
    /* Cut before the extended leaves */
    *strstr(lib, "ext_cpuid[0]") = 0;
    p = strstr(lib, "basic_cpuid[1]=");
    p[20] = '0';
    assert_dump_error(lib, "before the extended leaves");
    /* An index past 32 bits is refused, not taken modulo 2^32 (leaf 0) */
    assert_dump_error("version=0.6.2\nbasic_cpuid[0]=0000000d 68747541"
                      " 444d4163 69746e65\nbasic_cpuid[4294967296]=00000001"
                      " 00000000 00000000 00000000\n", "x.txt:3: index"
                      " 4294967296 of 'basic_cpuid' is out of range (at most"
                      " 65535)");
    assert_dump_error("basic_cpuid[18446744073709551617]=00000001 00000000"
                      " 00000000 00000000\n", "x.txt:1: index"
                      " 18446744073709551617 of 'basic_cpuid' is out of range");
    assert_dump_error("version=0.6.2\nintel_fn4[65536]=00000001 00000000"
                      " 00000000 00000000\n", "x.txt:2: index 65536 of"
                      " 'intel_fn4' is out of range");

    /* Other dumps */
    assert_dump_error("", "empty CPUID dump");
    assert_dump_error("hello\n", "x.txt:1: not a CPUID dump");
    assert_dump_error("arm_midr=00000000410fd030\n", "x.txt:1: this is a dump"
                      " of an ARM CPU");
    assert_dump_error("CPUID 00000000: 0000000D-68747541-444D4163\n",
                      "x.txt:1: expected 'CPUID LLLLLLLL: EAX-EBX-ECX-EDX'");
    assert_dump_error("CPUID 00000001: 00000000-00000000-00000000-00000000\n",
                      "has no leaf 0");
    assert_dump_error("version=0.6.2\nbasic_cpuid[0]=0000000d 68747541\n",
                      "x.txt:2: expected 'basic_cpuid[N]='");
    assert_dump_error("CPU:\n   0x00000000 0x00: eax=0x0000000d\n",
                      "x.txt:2: expected");
    /* Format detection */
    g_assert_cmpint(cpuid_dump_detect("\nCPU:\n"), ==, CPUID_DUMP_CPUID_TOOL);
    g_assert_cmpint(cpuid_dump_detect("version=0.7.1\n"), ==,
                    CPUID_DUMP_LIBCPUID);
    g_assert_cmpint(cpuid_dump_detect("------[ Versions ]------\n"), ==,
                    CPUID_DUMP_AIDA64);
    g_assert_cmpint(cpuid_dump_detect("{ \"featmask-profile\": 1 }\n"), ==,
                    CPUID_DUMP_UNKNOWN);
}

/*
 * A dump of @n leaves: this host's real ones, then subleaves of the
 * hypervisor range (leaf 0x40001000 + i / 256, subleaf i % 256, EAX i).
 * Returns how many real ones it has in *@nreal.
 */
static char *big_dump(size_t n, size_t *nreal)
{
    g_autofree char *path = data_path("dumps/host-cpuid-tool.txt");
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    GString *s = g_string_new("CPU:\n");
    size_t i, real = 0;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        if (g_str_has_prefix(g_strchug(lines[i]), "0x")) {
            g_string_append_printf(s, "   %s\n", lines[i]);
            real++;
        }
    }
    for (i = 0; real + i < n; i++) {
        g_string_append_printf(s, "   0x%08zx 0x%02zx: eax=0x%08zx"
                               " ebx=0x00000000 ecx=0x00000000"
                               " edx=0x00000000\n", 0x40001000 + i / 256,
                               i % 256, i);
    }
    *nreal = real;
    return g_string_free(s, FALSE);
}

/* Lines as g_strsplit() cuts them. */
static void test_dump_lines(void)
{
    static const char *const texts[] = {
        "a", "a\n", "a\nb", "\n\nb\r\n", "a\n\n",
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(texts); i++) {
        g_auto(GStrv) want = g_strsplit(texts[i], "\n", -1);
        g_auto(GStrv) got = cpuid_text_lines(texts[i]);

        g_assert_true(g_strv_equal((const char *const *)want,
                                   (const char *const *)got));
    }
}

/* Up to CPUID_DUMP_MAX_LEAVES leaves, each found again; one more fails. */
static void test_dump_limits(void)
{
    g_autofree char *full = NULL;
    g_autofree char *over = NULL;
    g_autoptr(X86CpuidData) d = NULL;
    size_t i, real;

    full = big_dump(CPUID_DUMP_MAX_LEAVES, &real);
    d = cpuid_dump_parse(full, "x.txt", NULL, &error_abort);
    g_assert_cmpuint(d->leaves->len, ==, CPUID_DUMP_MAX_LEAVES);
    for (i = 0; real + i < CPUID_DUMP_MAX_LEAVES; i++) {
        const X86CpuidLeaf *l = x86_cpuid_data_get(d, 0x40001000 + i / 256,
                                                   i % 256);

        g_assert_nonnull(l);
        g_assert_cmpuint(l->eax, ==, i);
    }
    g_assert_null(x86_cpuid_data_get(d, 0x40001000, 0x100));
    /* A leaf given again replaces the first: still within the limit. */
    over = g_strconcat(full, "   0x40001000 0x00: eax=0x00000007"
                       " ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n",
                       NULL);
    g_clear_pointer(&d, x86_cpuid_data_free);
    d = cpuid_dump_parse(over, "x.txt", NULL, &error_abort);
    g_assert_cmpuint(x86_cpuid_data_get(d, 0x40001000, 0)->eax, ==, 7);
    g_free(over);
    /* One leaf more is an error, on the line of that leaf. */
    over = big_dump(CPUID_DUMP_MAX_LEAVES + 1, &real);
    assert_dump_error(over, "more than 4096 CPUID leaves in one dump");
}

/*
 * KVM
 */

/* A KVM answer: KVM leaves, feature MSRs and tsc-deadline count. */
static void test_kvm_record(void)
{
    g_autofree char *path = data_path("kvm/amd-host.rec");
    g_autoptr(KvmCpuidRecord) rec = kvm_cpuid_record_load(path,
                                                          &error_abort);
    g_autoptr(X86CpuidData) d = kvm_cpuid_record_data(rec);
    g_auto(GStrv) unknown = NULL;
    g_autoptr(FeatmaskSet) s = x86_cpuid_host_features(d, &unknown, NULL,
                                                       &error_abort);
    g_autofree char *text = set_lines(s);

    g_assert_cmpint(d->source, ==, X86_CPUID_KVM);
    g_assert_true(has(s, "kvmclock"));
    g_assert_true(has(s, "kvm-pv-unhalt"));
    g_assert_true(has(s, "kvmclock-stable-bit"));
    g_assert_true(has(s, "arch-capabilities"));
    g_assert_true(has(s, "rdctl-no"));
    g_assert_true(has(s, "taa-no"));
    g_assert_false(has(s, "tsx-ctrl"));
    g_assert_true(has(s, "tsc-deadline"));
    g_assert_true(has(s, "hypervisor"));
    g_assert_cmpuint(g_strv_length(unknown), ==, 0);
    check_golden("kvm/amd-host.features", text);
}

/* Save and load give the same record; bad lines name their number. */
static void test_kvm_record_roundtrip(void)
{
    g_autofree char *path = data_path("kvm/amd-host.rec");
    g_autoptr(KvmCpuidRecord) rec = kvm_cpuid_record_load(path,
                                                          &error_abort);
    g_autoptr(KvmCpuidRecord) back = NULL;
    g_autofree char *tmp = g_build_filename(g_get_tmp_dir(),
                                            "featmask-kvm-XXXXXX", NULL);
    Error *err = NULL;
    int fd = g_mkstemp(tmp);

    g_assert_cmpint(fd, >=, 0);
    g_close(fd, NULL);
    g_assert_true(kvm_cpuid_record_save(rec, tmp, &error_abort));
    back = kvm_cpuid_record_load(tmp, &error_abort);
    g_unlink(tmp);
    g_assert_cmpuint(back->entries->len, ==, rec->entries->len);
    g_assert_cmpmem(back->entries->data,
                    back->entries->len * sizeof(X86KvmCpuidEntry),
                    rec->entries->data,
                    rec->entries->len * sizeof(X86KvmCpuidEntry));
    g_assert_cmpuint(back->msr_index->len, ==, 1);

    g_assert_null(kvm_cpuid_record_parse("# x\ncpuid 1 0 0 0 0 0\n", "r",
                                         &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "r:2: expected 'cpuid FUNCTION"
                    " INDEX FLAGS EAX EBX ECX EDX' or 'msr INDEX VALUE' in"
                    " hex");
    error_free(err);
    err = NULL;
    /* numbers are range-checked before narrowing, and only hex digits */
    {
        static const char *const bad[] = {
            "cpuid 0x100000000 0 0 0 0 0 0\n",
            "cpuid 0x1 0 0 0 0 0 0x1ffffffff\n",
            "cpuid 0x0x1 0 0 0 0 0 0\n",
            "cpuid 1 -0 0 0 0 0 0\n",
            "msr 0x10a 0x10000000000000000\n",
            "msr 0x10a 0x+1\n",
        };
        size_t i;

        for (i = 0; i < G_N_ELEMENTS(bad); i++) {
            g_assert_null(kvm_cpuid_record_parse(bad[i], "r", &err));
            g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                           "r:1: expected"));
            g_clear_pointer(&err, error_free);
        }
    }
    /* at most CPUID_DUMP_MAX_LEAVES entries */
    {
        g_autoptr(GString) big = g_string_new(NULL);
        int k;

        for (k = 0; k <= CPUID_DUMP_MAX_LEAVES; k++) {
            g_string_append_printf(big, "cpuid 0x40001000 0x%x 0 0 0 0 0\n",
                                   k);
        }
        g_assert_null(kvm_cpuid_record_parse(big->str, "r", &err));
        g_assert_cmpstr(error_get_pretty(err), ==, "r:4097: more than 4096"
                        " cpuid entries in one KVM record");
        g_clear_pointer(&err, error_free);
    }
    g_assert_null(kvm_cpuid_record_parse("msr 0x10a 0x1\n", "r", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "r: no cpuid entries in this KVM record");
    error_free(err);
}

/* A missing /dev/kvm is not an error: the probe falls back to CPUID. */
static void test_kvm_absent(void)
{
    bool present = true;

    g_assert_null(kvm_cpuid_record_read("/nonexistent/kvm", &present,
                                        &error_abort));
    g_assert_false(present);
}

/*
 * Named models
 */

/* Every model and version resolves; versions change what they say. */
static void test_models_table(void)
{
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
    size_t n, i, v;
    const X86Model *m = x86_models(&n);

    g_assert_cmpuint(n, >=, 40);
    for (i = 0; i < n; i++) {
        g_assert_true(g_hash_table_add(names, (gpointer)m[i].name));
        g_assert_true(x86_model_find(m[i].name) == &m[i]);
        g_assert_cmpuint(m[i].nversions, >=, 1);
        for (v = 0; v < m[i].nversions; v++) {
            g_autoptr(FeatmaskSet) f = NULL;

            g_assert_cmpint(m[i].versions[v].version, ==, v + 1);
            f = x86_model_features(&m[i], v + 1, &error_abort);
            g_assert_false(featmask_set_is_empty(f));
        }
    }
    g_assert_null(x86_model_find("Skylake"));
}

/* Versions are cumulative; VMX controls count only with vmx. */
static void test_models_versions(void)
{
    const X86Model *sky = x86_model_find("Skylake-Client");
    g_autoptr(FeatmaskSet) v1 = x86_model_features(sky, 1, &error_abort);
    g_autoptr(FeatmaskSet) v3 = x86_model_features(sky, 3, &error_abort);
    g_autoptr(FeatmaskSet) v4 = x86_model_features(sky, 0, &error_abort);
    Error *err = NULL;

    g_assert_true(has(v1, "hle"));
    g_assert_false(has(v1, "spec-ctrl"));
    g_assert_true(has(v3, "spec-ctrl"));       /* from v2 */
    g_assert_false(has(v3, "hle"));
    g_assert_true(has(v4, "xsaves"));
    g_assert_false(has(v4, "vmx-xsaves"));     /* the model has no vmx */
    g_assert_false(has(v4, "vmx-ept"));
    g_assert_true(has(v4, "avx2"));
    g_assert_null(x86_model_features(sky, 9, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "CPU model 'Skylake-Client'"
                    " has no version 9 (it has 1 to 4)");
    error_free(err);
}

/* The best model of a common set, and what it lacks. */
static void test_models_choose(void)
{
    const X86Model *sky = x86_model_find("Skylake-Client");
    g_autoptr(FeatmaskSet) common = x86_model_features(sky, 4, &error_abort);
    g_autoptr(X86ModelChoice) c = NULL;
    g_autoptr(X86ModelChoice) amd = NULL;
    g_autoptr(FeatmaskSet) none = NULL;
    g_autofree char *line = NULL;
    Error *err = NULL;

    featmask_set_add_name(common, "pcid", &error_abort);
    featmask_set_add_name(common, "hypervisor", &error_abort);
    featmask_set_add_name(common, "tsc-adjust", &error_abort);
    c = x86_model_choose(common, "GenuineIntel", &error_abort);
    g_assert_cmpstr(c->name, ==, "Skylake-Client-v4");
    line = x86_model_choice_format(c);
    g_assert_cmpstr(line, ==, "Skylake-Client-v4,+hypervisor,+tsc-adjust");

    /* An AMD host with the same features gets an AMD model. */
    amd = x86_model_choose(common, "AuthenticAMD", &error_abort);
    g_assert_cmpstr(amd->model->vendor, ==, "AuthenticAMD");

    /* Two features short of a model: the model, minus them. */
    featmask_set_del(common, featmask_map_lookup(featmask_set_map(common),
                                                 "avx2"));
    x86_model_choice_free(c);
    c = x86_model_choose(common, "GenuineIntel", &error_abort);
    g_free(line);
    line = x86_model_choice_format(c);
    g_assert_cmpstr(line, ==,
                    "Skylake-Client-v4,+hypervisor,+tsc-adjust,-avx2");

    featmask_set_free(common);
    common = featmask_set_new(featmask_set_map(c->extra));
    featmask_set_add_name(common, "fpu", &error_abort);
    none = featmask_set_new(featmask_set_map(c->extra));
    g_assert_null(x86_model_choose_full(common, "GenuineIntel", NULL, none,
                                        &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "no named CPU model of vendor"
                    " 'GenuineIntel' that every host's QEMU knows fits the"
                    " features every host has");
    error_free(err);
}

/*
 * The KVM view's table against QEMU's data: QEMU's named models are made
 * to run under KVM, so no model has a feature KVM never gives, but for
 * the two QEMU itself switches off under KVM (kvm_default_props of
 * target/i386/cpu.c: acpi=off, monitor=off; monitor comes back with
 * -overcommit cpu-pm=on).
 */
static void test_kvm_view_models(void)
{
    g_autoptr(FeatmaskMap) map = x86_featmask_map();
    g_autoptr(FeatmaskSet) never = featmask_set_from_names(
        map, x86_kvm_never(), &error_abort);
    g_autoptr(FeatmaskSet) hits = featmask_set_new(map);
    g_autofree char *list = NULL;
    const X86Model *models;
    size_t n, i, v, checked = 0;

    models = x86_models(&n);
    for (i = 0; i < n; i++) {
        for (v = 0; v < models[i].nversions; v++) {
            g_autoptr(FeatmaskSet) f = x86_model_features(
                &models[i], models[i].versions[v].version, &error_abort);

            featmask_set_intersect(f, never);
            featmask_set_union(hits, f);
            checked++;
        }
    }
    list = featmask_set_format(hits);
    g_test_message("%zu model versions; features KVM never gives in them:"
                   " %s", checked, list);
    g_assert_cmpuint(checked, >=, 90);
    g_assert_cmpstr(list, ==, "acpi,monitor");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/featmask/cpu/map/entries", test_map_entries);
    g_test_add_func("/featmask/cpu/kvm-view/models", test_kvm_view_models);
    g_test_add_func("/featmask/cpu/map/aliases", test_map_aliases);
    g_test_add_func("/featmask/cpu/map/deps", test_map_deps);
    g_test_add_func("/featmask/cpu/decode/bits", test_decode_bits);
    g_test_add_func("/featmask/cpu/decode/unknown-subleaf",
                    test_decode_unknown_subleaf);
    g_test_add_func("/featmask/cpu/decode/above-max", test_decode_above_max);
    g_test_add_func("/featmask/cpu/decode/msr", test_decode_msr);
    g_test_add_func("/featmask/cpu/decode/errors", test_decode_errors);
    g_test_add_func("/featmask/cpu/decode/host-features",
                    test_host_features);
    g_test_add_func("/featmask/cpu/dump/cpuid-tool", test_dump_cpuid_tool);
    g_test_add_func("/featmask/cpu/dump/aida64", test_dump_aida64);
    g_test_add_func("/featmask/cpu/dump/libcpuid", test_dump_libcpuid);
    g_test_add_func("/featmask/cpu/dump/errors", test_dump_errors);
    g_test_add_func("/featmask/cpu/dump/limits", test_dump_limits);
    g_test_add_func("/featmask/cpu/dump/lines", test_dump_lines);
    g_test_add_func("/featmask/cpu/kvm/record", test_kvm_record);
    g_test_add_func("/featmask/cpu/kvm/record-roundtrip",
                    test_kvm_record_roundtrip);
    g_test_add_func("/featmask/cpu/kvm/absent", test_kvm_absent);
    g_test_add_func("/featmask/cpu/models/table", test_models_table);
    g_test_add_func("/featmask/cpu/models/versions", test_models_versions);
    g_test_add_func("/featmask/cpu/models/choose", test_models_choose);
    return g_test_run();
}
