/*
 * The live probe of the machine the tests run on: libcpuid's CPUID
 * against Linux's /proc/cpuinfo
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "featmask-config.h"
#include "tools/featmask/cpuid-dump.h"

/* Linux's names for features QEMU names otherwise ('_' and '-' aside). */
static const struct {
    const char *linux_name;
    const char *qemu_name;
} linux_names[] = {
    { "sse4_1", "sse4.1" },
    { "sse4_2", "sse4.2" },
    { "cr8_legacy", "cr8legacy" },
    { "avx512_vbmi2", "avx512vbmi2" },
    { "avx512_vnni", "avx512vnni" },
    { "avx512_bitalg", "avx512bitalg" },
    { "nonstop_tsc", "invtsc" },
    { "tsc_adjust", "tsc-adjust" },
};

/*
 * Flags Linux computes rather than reads from CPUID, though their name is
 * a QEMU property: the mitigation flags are Linux's synthesis of several
 * bits; x2apic, topoext and tsc_deadline_timer are set by Linux itself on
 * some machines (x2APIC mode enabled, TOPOEXT re-enabled by MSR, the
 * deadline timer of a hypervisor) whose CPUID does not show them.
 */
static const char *const linux_synthetic[] = {
    "ibpb", "ibrs", "stibp", "ssbd", "virt_ssbd", "x2apic", "topoext",
    "tsc_deadline_timer",
};

static FeatmaskSet *probe(void)
{
    g_autoptr(X86CpuidData) d = NULL;
    Error *err = NULL;

    d = cpuid_probe_host(&err);
    if (!d) {
        g_test_message("%s", error_get_pretty(err));
        error_free(err);
        return NULL;
    }
    return x86_cpuid_host_features(d, NULL, NULL, &error_abort);
}

/* libcpuid reads this machine's CPUID, which decodes. */
static void test_probe(void)
{
    g_autoptr(FeatmaskSet) s = NULL;

    if (!CONFIG_LIBCPUID) {
        g_test_skip("built without libcpuid");
        return;
    }
    s = probe();
    g_assert_nonnull(s);
    g_assert_true(featmask_set_has(s, featmask_map_lookup(
        featmask_set_map(s), "fpu")));
    g_assert_cmpuint(featmask_set_count(s), >, 20);
}

/*
 * Every flag of /proc/cpuinfo that is a QEMU CPU feature is in the probe,
 * unless Linux computes it itself; the figures are in the test log.
 */
static void test_cpuinfo(void)
{
    g_autoptr(FeatmaskSet) s = NULL;
    g_autoptr(FeatmaskSet) linux_set = NULL;
    g_autoptr(FeatmaskSet) only_linux = NULL;
    g_autoptr(FeatmaskSet) only_probe = NULL;
    g_autoptr(FeatmaskSet) both = NULL;
    g_autofree char *cpuinfo = NULL;
    g_autofree char *ol = NULL;
    g_autofree char *op = NULL;
    g_auto(GStrv) flags = NULL;
    const FeatmaskMap *map;
    char *line, *end;
    size_t i, j, named = 0;

    if (!CONFIG_LIBCPUID ||
        !g_file_get_contents("/proc/cpuinfo", &cpuinfo, NULL, NULL) ||
        !(line = strstr(cpuinfo, "\nflags\t"))) {
        g_test_skip("no libcpuid or no x86 /proc/cpuinfo");
        return;
    }
    s = probe();
    g_assert_nonnull(s);
    map = featmask_set_map(s);
    line = strchr(line, ':') + 1;
    end = strchr(line, '\n');
    *end = 0;
    flags = g_strsplit_set(line, " ", -1);
    linux_set = featmask_set_new(map);
    for (i = 0; flags[i]; i++) {
        const char *name = flags[i];
        bool synthetic = false;
        int idx;

        if (!name[0]) {
            continue;
        }
        for (j = 0; j < G_N_ELEMENTS(linux_synthetic); j++) {
            synthetic |= !strcmp(name, linux_synthetic[j]);
        }
        if (synthetic) {
            continue;
        }
        for (j = 0; j < G_N_ELEMENTS(linux_names); j++) {
            if (!strcmp(name, linux_names[j].linux_name)) {
                name = linux_names[j].qemu_name;
            }
        }
        idx = featmask_map_lookup(map, name);
        if (idx >= 0) {
            featmask_set_add(linux_set, idx);
            named++;
        }
    }
    both = featmask_set_copy(s);
    featmask_set_intersect(both, linux_set);
    only_linux = featmask_set_copy(linux_set);
    featmask_set_subtract(only_linux, s);
    only_probe = featmask_set_copy(s);
    featmask_set_subtract(only_probe, linux_set);
    ol = featmask_set_format(only_linux);
    op = featmask_set_format(only_probe);
    g_test_message("/proc/cpuinfo: %zu flags are QEMU features; the probe"
                   " has %zu of them; Linux alone shows %s; the probe alone"
                   " (hidden or renamed by Linux) shows %s", named,
                   featmask_set_count(both), ol, op);
    g_assert_cmpstr(ol, ==, "none");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/featmask/cpu/host/probe", test_probe);
    g_test_add_func("/featmask/cpu/host/cpuinfo", test_cpuinfo);
    return g_test_run();
}
