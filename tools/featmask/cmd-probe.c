/*
 * featmask probe: write this host's profile
 *
 * The CPU part comes from KVM (what a guest can get) when /dev/kvm is
 * there, else from the raw CPUID libcpuid reads, or from a dump of
 * another machine; with --qemu, from that QEMU (probe-qemu.c).  Each
 * part of the profile is made by its own function (probe_cpu() here, the
 * QEMU's CPU and devices in probe-qemu.c).
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "cli.h"
#include "probe-qemu.h"
#include "cpuid-dump.h"

/**
 * ProbeCpuOptions: where the CPU part of a profile comes from
 * @cpuid_dump: a CPUID dump file of another machine, or NULL
 * @kvm_record: a recorded answer of /dev/kvm (kvm_cpuid_record_save()),
 *              or NULL
 * @kvm_dev: the KVM device to ask when neither is given
 * @save_kvm_record: if not NULL, write KVM's answer there
 * @raw_view: keep raw CPUID as it is, instead of the KVM view
 */
typedef struct ProbeCpuOptions {
    const char *cpuid_dump;
    const char *kvm_record;
    const char *kvm_dev;
    const char *save_kvm_record;
    bool raw_view;
} ProbeCpuOptions;

/*
 * Raw CPUID seen through KVM (target/i386/featmask-cpu-kvm.c): what a
 * guest of that CPU would get under KVM.  Says what changed.
 */
static void kvm_view(FeatmaskSet *features)
{
    g_autoptr(FeatmaskSet) removed = featmask_set_new(
        featmask_set_map(features));
    g_autoptr(FeatmaskSet) added = featmask_set_new(
        featmask_set_map(features));
    g_autofree char *r = NULL;
    g_autofree char *a = NULL;

    x86_kvm_view_apply(features, removed, added);
    r = featmask_set_format(removed);
    a = featmask_set_format(added);
    cli_warn("the KVM view (%s) of this CPUID: left out %s; added %s"
             " (--view raw keeps the CPUID as it is)", X86_KVM_VIEW_KERNEL,
             r, a);
}

/*
 * The feature words the data could not tell, for the profile, and a
 * warning about them.
 */
static char **unknown_words(char **unknown)
{
    GPtrArray *hw = g_ptr_array_new();
    char **u;

    for (u = unknown; u && *u; u++) {
        /* A raw CPU never says what KVM's paravirtual leaf offers. */
        if (!strstr(*u, "0x40000001")) {
            g_ptr_array_add(hw, g_strdup(*u));
        }
    }
    g_ptr_array_add(hw, NULL);
    if (hw->len > 1) {
        g_autofree char *list = g_strjoinv("; ", (char **)hw->pdata);

        cli_warn("the CPUID data does not tell %s: their features are left"
                 " out", list);
    }
    return (char **)g_ptr_array_free(hw, FALSE);
}

/**
 * probe_cpu: the CPU part of this host's (or a dump's) profile
 */
static FeatmaskProfileCpu *probe_cpu(const ProbeCpuOptions *o, Error **errp)
{
    g_autoptr(X86CpuidData) d = NULL;
    g_autoptr(FeatmaskSet) dropped = NULL;
    g_auto(GStrv) unknown = NULL;
    FeatmaskProfileCpu *cpu;
    FeatmaskSet *features;
    const char *source;

    if (o->cpuid_dump) {
        d = cpuid_dump_load(o->cpuid_dump, NULL, errp);
        source = "cpuid-dump";
    } else if (o->kvm_record) {
        g_autoptr(KvmCpuidRecord) rec = kvm_cpuid_record_load(o->kvm_record,
                                                              errp);

        d = rec ? kvm_cpuid_record_data(rec) : NULL;
        source = "kvm";
    } else {
        ERRP_GUARD();
        g_autoptr(KvmCpuidRecord) rec = NULL;
        bool present;

        rec = kvm_cpuid_record_read(o->kvm_dev, &present, errp);
        if (*errp) {
            return NULL;
        }
        if (rec) {
            if (o->save_kvm_record &&
                !kvm_cpuid_record_save(rec, o->save_kvm_record, errp)) {
                return NULL;
            }
            d = kvm_cpuid_record_data(rec);
            source = "kvm";
        } else {
            /* No KVM here: say the list is the CPU's own CPUID. */
            d = cpuid_probe_host(errp);
            source = "cpuid";
        }
    }
    if (!d) {
        return NULL;
    }
    features = x86_cpuid_host_features(d, &unknown, &dropped, errp);
    if (!features) {
        if (o->cpuid_dump) {
            error_prepend(errp, "%s: ", o->cpuid_dump);
        }
        return NULL;
    }
    if (!featmask_set_is_empty(dropped)) {
        g_autofree char *list = featmask_set_format(dropped);

        cli_warn("CPUID enumerates %s without what they depend on: left out",
                 list);
    }
    cpu = g_new0(FeatmaskProfileCpu, 1);
    if (strcmp(source, "kvm")) {
        if (!o->raw_view) {
            kvm_view(features);
        }
        cpu->view = g_strdup(o->raw_view ? "raw" : "kvm");
    }
    cpu->arch = g_strdup("x86_64");
    cpu->vendor = x86_cpuid_vendor(d);
    cpu->model = x86_cpuid_brand(d);
    cpu->source = g_strdup(source);
    cpu->features = features;
    cpu->unknown_words = unknown_words(unknown);
    return cpu;
}

static char *opt_host;
static char *opt_cpuid_dump;
static char *opt_kvm_record;
static char *opt_save_kvm_record;
static char *opt_output;
static char *opt_qemu;
static char *opt_view;

static const GOptionEntry probe_options[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &opt_host,
      "host name in the profile (default: this machine's)", "NAME" },
    { "cpuid-dump", 0, 0, G_OPTION_ARG_FILENAME, &opt_cpuid_dump,
      "read the CPU from a CPUID dump (cpuid -1 -r, cpuid_tool --save)",
      "FILE" },
    { "kvm-record", 0, 0, G_OPTION_ARG_FILENAME, &opt_kvm_record,
      "read the CPU from a recorded answer of /dev/kvm", "FILE" },
    { "save-kvm-record", 0, 0, G_OPTION_ARG_FILENAME, &opt_save_kvm_record,
      "also write /dev/kvm's answer to FILE", "FILE" },
    { "view", 0, 0, G_OPTION_ARG_STRING, &opt_view,
      "for raw CPUID (a dump, or no /dev/kvm): kvm (default): what KVM "
      "would give a guest; raw: the CPUID as it is", "VIEW" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
      "write the profile to FILE (default: standard output)", "FILE" },
    { "qemu", 0, 0, G_OPTION_ARG_FILENAME, &opt_qemu,
      "probe the CPU and devices of the QEMU arguments after --, with "
      "this QEMU", "BINARY" },
    { NULL }
};

int cmd_probe(int argc, char **argv)
{
    g_autoptr(FeatmaskProfile) p = NULL;
    ProbeCpuOptions cpu = { .kvm_dev = "/dev/kvm" };
    Error *err = NULL;

    if (!cli_parse("probe", "[-- QEMU-ARGS...]",
                   "Writes the profile of this host: its CPU features as "
                   "QEMU names them, from what KVM\ncan give a guest "
                   "(/dev/kvm) or else from the CPU's own CPUID (libcpuid)."
                   "\nWith --cpuid-dump, the profile of the machine the dump"
                   " comes from.\nWith --qemu, the profile of this host's "
                   "QEMU configuration (the arguments\nafter --): QEMU "
                   "starts paused and tells the CPU it gives a guest (the "
                   "full\nexpansion of 'host' under KVM, of 'max' under TCG"
                   "), what its device\nbackends provide, and which "
                   "switches it takes, then stops.", probe_options, &argc,
                   &argv)) {
        return FEATMASK_EXIT_USAGE;
    }
    if (argc > 1 && !opt_qemu) {
        return cli_usage("probe", "unexpected argument '%s'", argv[1]);
    }
    if (opt_cpuid_dump && opt_kvm_record) {
        return cli_usage("probe", "--cpuid-dump and --kvm-record both say"
                         " where the CPU comes from: give one");
    }
    if (opt_qemu && (opt_cpuid_dump || opt_kvm_record || opt_save_kvm_record)) {
        return cli_usage("probe", "with --qemu the CPU comes from that QEMU:"
                         " --cpuid-dump, --kvm-record and --save-kvm-record"
                         " do not apply");
    }
    if (opt_save_kvm_record && (opt_cpuid_dump || opt_kvm_record)) {
        return cli_usage("probe", "--save-kvm-record records /dev/kvm, which"
                         " --cpuid-dump and --kvm-record do not read");
    }
    if (opt_view && strcmp(opt_view, "kvm") && strcmp(opt_view, "raw")) {
        return cli_usage("probe", "--view takes 'kvm' or 'raw', not '%s'",
                         opt_view);
    }
    if (opt_view && (opt_qemu || opt_kvm_record)) {
        return cli_usage("probe", "--view is for raw CPUID (--cpuid-dump,"
                         " or libcpuid without /dev/kvm)");
    }
    cpu.raw_view = opt_view && !strcmp(opt_view, "raw");
    cpu.cpuid_dump = opt_cpuid_dump;
    cpu.kvm_record = opt_kvm_record;
    cpu.save_kvm_record = opt_save_kvm_record;

    p = featmask_profile_new(opt_host ? opt_host : g_get_host_name());
    if (!opt_qemu) {
        p->cpu = probe_cpu(&cpu, &err);
        if (!p->cpu) {
            cli_error(err);
            return FEATMASK_EXIT_USAGE;
        }
    }
    if (opt_qemu) {
        g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
        g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
        gint64 start = g_get_monotonic_time();
        guint i;

        /* argv[0] is the command; GOption leaves the "--" in place. */
        char **qemu_args = argv + 1;

        if (*qemu_args && !strcmp(*qemu_args, "--")) {
            qemu_args++;
        }
        if (!featmask_probe_qemu(opt_qemu, qemu_args, maps, p, notes,
                                 &err)) {
            cli_error(err);
            return FEATMASK_EXIT_USAGE;
        }
        for (i = 0; i < notes->len; i++) {
            cli_warn("%s", (char *)notes->pdata[i]);
        }
        g_debug("probing QEMU took %.3f s",
                (g_get_monotonic_time() - start) / 1e6);
    }
    if (!featmask_profile_save(p, opt_output ? opt_output : "-", &err)) {
        cli_error(err);
        return FEATMASK_EXIT_USAGE;
    }
    return FEATMASK_EXIT_OK;
}
