/*
 * Tests of CPUID decoding and CPU baselines on real CPUs: the raw dumps of
 * libcpuid's test suite (scripts/fetch-cpuid-dumps.sh fetches them, meson
 * passes their folder in FEATMASK_CPUID_DUMPS)
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "tools/featmask/cpuid-dump.h"

typedef struct Cpu {
    char *rel;          /* path under the dumps folder */
    char *vendor;
    FeatmaskSet *features;
} Cpu;

static GPtrArray *cpus;     /* Cpu *, sorted by path */
static const char *dumps_dir;

static void cpu_free(gpointer p)
{
    Cpu *c = p;

    g_free(c->rel);
    g_free(c->vendor);
    featmask_set_free(c->features);
    g_free(c);
}

static void find_dumps(const char *dir, const char *rel, GPtrArray *out)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    if (!d) {
        return;
    }
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_autofree char *sub = rel ? g_build_filename(rel, name, NULL)
                                   : g_strdup(name);

        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
            find_dumps(path, sub, out);
        } else if (g_str_has_suffix(name, ".test")) {
            g_ptr_array_add(out, g_steal_pointer(&sub));
        }
    }
}

static int str_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool skip_without_dumps(void)
{
    if (!dumps_dir || !dumps_dir[0]) {
        g_test_skip("FEATMASK_CPUID_DUMPS is not set: run "
                    "scripts/fetch-cpuid-dumps.sh and configure with "
                    "-Dcpuid_dumps=DIR");
        return true;
    }
    return false;
}

/*
 * Every x86 dump decodes; ARM dumps are refused with a clear error.
 * The profile's features are closed under dependencies.
 */
static void test_decode_all(void)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(FeatmaskMap) map = x86_featmask_map();
    size_t arm = 0, raw_not_closed = 0;
    guint i;

    if (skip_without_dumps()) {
        return;
    }
    find_dumps(dumps_dir, NULL, files);
    g_ptr_array_sort(files, str_cmp);
    g_assert_cmpuint(files->len, >=, 100);

    for (i = 0; i < files->len; i++) {
        const char *rel = g_ptr_array_index(files, i);
        g_autofree char *path = g_build_filename(dumps_dir, rel, NULL);
        g_autoptr(X86CpuidData) d = NULL;
        g_autoptr(FeatmaskSet) raw = NULL;
        g_autoptr(FeatmaskSet) closed = NULL;
        FeatmaskSet *features;
        Error *err = NULL;
        Cpu *c;

        d = cpuid_dump_load(path, NULL, &err);
        if (g_str_has_prefix(rel, "arm/")) {
            g_assert_null(d);
            g_assert_nonnull(strstr(error_get_pretty(err), "ARM CPU"));
            error_free(err);
            arm++;
            continue;
        }
        if (!d) {
            g_test_message("%s", error_get_pretty(err));
        }
        g_assert_nonnull(d);

        raw = x86_cpuid_decode(d, NULL, &error_abort);
        closed = featmask_set_copy(raw);
        if (featmask_set_close(closed, NULL)) {
            g_autoptr(FeatmaskSet) gone = featmask_set_copy(raw);
            g_autofree char *list = NULL;

            featmask_set_subtract(gone, closed);
            list = featmask_set_format(gone);
            g_test_message("%s: CPUID enumerates %s without their"
                           " dependencies", rel, list);
            raw_not_closed++;
        }

        features = x86_cpuid_host_features(d, NULL, NULL, &error_abort);
        featmask_set_free(closed);
        closed = featmask_set_copy(features);
        g_assert_cmpuint(featmask_set_close(closed, NULL), ==, 0);
        g_assert_true(featmask_set_equal(closed, features));
        g_assert_true(featmask_set_map(features) == map);

        c = g_new0(Cpu, 1);
        c->rel = g_strdup(rel);
        c->vendor = x86_cpuid_vendor(d);
        c->features = features;
        g_ptr_array_add(cpus, c);
    }
    g_test_message("%u dumps: %u x86 decoded, %zu ARM refused, %zu whose raw"
                   " CPUID is not closed under dependencies", files->len,
                   cpus->len, arm, raw_not_closed);
    /* Very old CPUs put junk in reserved bits; it stays rare. */
    g_assert_cmpuint(raw_not_closed, <=, cpus->len / 50);
    g_assert_cmpuint(cpus->len + arm, ==, files->len);
}

/*
 * Baselines: of a CPU with itself, itself (with unmigratable features
 * kept; without them, itself minus those); of two CPUs, a subset of both,
 * closed, and each host turns off exactly what it has beyond it.
 */
static void check_pair(const Cpu *a, const Cpu *b)
{
    const FeatmaskSet *hosts[2] = { a->features, b->features };
    g_autoptr(FeatmaskBaseline) bl = NULL;
    g_autoptr(FeatmaskSet) closed = NULL;
    g_autoptr(FeatmaskSet) off = NULL;
    const FeatmaskSet *common;
    int i;

    bl = featmask_negotiate(featmask_set_map(a->features), hosts, 2, 0,
                            &error_abort);
    common = featmask_baseline_common(bl);
    g_assert_true(featmask_set_is_subset(common, a->features));
    g_assert_true(featmask_set_is_subset(common, b->features));
    closed = featmask_set_copy(common);
    g_assert_cmpuint(featmask_set_close(closed, NULL), ==, 0);
    for (i = 0; i < 2; i++) {
        off = featmask_set_copy(hosts[i]);
        featmask_set_subtract(off, common);
        g_assert_true(featmask_set_equal(off,
                                         featmask_baseline_turn_off(bl, i)));
        featmask_set_free(g_steal_pointer(&off));
    }
}

static void test_baseline_self(void)
{
    guint i;

    if (skip_without_dumps()) {
        return;
    }
    g_assert_cmpuint(cpus->len, >, 0);
    for (i = 0; i < cpus->len; i++) {
        const Cpu *c = g_ptr_array_index(cpus, i);
        const FeatmaskSet *hosts[2] = { c->features, c->features };
        g_autoptr(FeatmaskBaseline) keep = NULL;
        g_autoptr(FeatmaskBaseline) dflt = NULL;
        g_autoptr(FeatmaskSet) want = featmask_set_copy(c->features);
        const FeatmaskMap *map = featmask_set_map(c->features);

        keep = featmask_negotiate(map, hosts, 2, FEATMASK_KEEP_UNMIGRATABLE,
                                  &error_abort);
        g_assert_true(featmask_set_equal(featmask_baseline_common(keep),
                                         c->features));
        dflt = featmask_negotiate(map, hosts, 2, 0, &error_abort);
        featmask_set_del(want, featmask_map_lookup(map, "invtsc"));
        g_assert_true(featmask_set_equal(featmask_baseline_common(dflt),
                                         want));
        check_pair(c, c);
    }
}

/* Every pair of the x86 dumps (about 25,000). */
static void test_baseline_pairs(void)
{
    guint i, j, n = 0;

    if (skip_without_dumps()) {
        return;
    }
    for (i = 0; i < cpus->len; i++) {
        for (j = i + 1; j < cpus->len; j++) {
            check_pair(g_ptr_array_index(cpus, i),
                       g_ptr_array_index(cpus, j));
            n++;
        }
    }
    g_test_message("%u pairs checked", n);
    g_assert_cmpuint(n, >, 0);
}

/*
 * Golden plans for chosen pairs: what each host turns off (the form of
 * QEMU's migration documentation) and the named model both support.
 */
typedef struct GoldenPair {
    const char *name;
    const char *a, *b;
} GoldenPair;

static const GoldenPair golden_pairs[] = {
    { "intel-vs-amd", "intel/x86-64/skylake/skylake-sp-xeon-gold.test",
      "amd/zen2/epyc-rome.test" },
    { "core2-vs-sapphire-rapids", "intel/x86-64/core/conroe-core-2-duo.test",
      "intel/x86-64/golden-cove/sapphire-rapids-ws-xeon-w7.test" },
    { "cascadelake-vs-skylake-sp",
      "intel/x86-64/skylake/cascade-lake-sp-xeon-gold.test",
      "intel/x86-64/skylake/skylake-sp-xeon-gold.test" },
    { "haswell-vs-broadwell", "intel/x86-64/haswell/haswell-core-i7.test",
      "intel/x86-64/haswell/broadwell-e-core-i7.test" },
    { "sandy-vs-ivy", "intel/x86-64/sandy-bridge/sandy-bridge-core-i7.test",
      "intel/x86-64/sandy-bridge/ivy-bridge-xeon-e5.test" },
    { "alder-vs-raptor", "intel/x86-64/golden-cove/alder-lake-s-core-i9.test",
      "intel/x86-64/raptor-cove/raptor-lake-s-core-i9.test" },
    { "icelake-vs-tigerlake", "intel/x86-64/sunny-cove/ice-lake-i7.test",
      "intel/x86-64/willow-cove/tiger-lake-core-i5.test" },
    { "naples-vs-rome", "amd/zen/epyc-naples.test",
      "amd/zen2/epyc-rome.test" },
    { "milan-vs-genoa", "amd/zen3/epyc-milan.test",
      "amd/zen4/epyc-genoa.test" },
    { "k8-vs-zen5", "amd/k8/opteron-denmark.test",
      "amd/zen5/epyc-turin.test" },
    { "dhyana-vs-naples", "hygon/dhyana/dhyana_7.test",
      "amd/zen/epyc-naples.test" },
    { "nano-vs-zhaoxin", "via/isaiah/nano-x2.test",
      "zhaoxin/lujiazui/kaixian-kx-6000g.test" },
};

static const Cpu *find_cpu(const char *rel)
{
    guint i;

    for (i = 0; i < cpus->len; i++) {
        const Cpu *c = g_ptr_array_index(cpus, i);

        if (!strcmp(c->rel, rel)) {
            return c;
        }
    }
    g_test_message("no dump %s", rel);
    g_assert_not_reached();
}

static void append_host(GString *s, const char *label, const FeatmaskSet *off)
{
    g_autofree const char **names = featmask_set_to_names(off);
    const char **n;

    g_string_append_printf(s, "%s: -cpu host", label);
    for (n = names; *n; n++) {
        g_string_append_printf(s, ",%s=off", *n);
    }
    g_string_append_c(s, '\n');
}

/* The KVM view of @raw (a new set). */
static FeatmaskSet *kvm_view_of(const FeatmaskSet *raw)
{
    FeatmaskSet *v = featmask_set_copy(raw);

    x86_kvm_view_apply(v, NULL, NULL);
    return v;
}

static size_t choice_items(const X86ModelChoice *c)
{
    return featmask_set_count(c->extra) +
           (c->missing ? featmask_set_count(c->missing) : 0);
}

/*
 * The KVM view of every x86 dump: nothing KVM never gives, everything it
 * always gives; the model line of the view adds nothing KVM never gives,
 * where the raw CPUID's lines did.
 */
static void test_kvm_view(void)
{
    g_autoptr(FeatmaskMap) map = x86_featmask_map();
    g_autoptr(FeatmaskSet) never = featmask_set_from_names(
        map, x86_kvm_never(), &error_abort);
    g_autoptr(FeatmaskSet) always = featmask_set_from_names(
        map, x86_kvm_always(), &error_abort);
    size_t raw_bad = 0, lines = 0;
    guint i;

    if (skip_without_dumps()) {
        return;
    }
    g_assert_cmpuint(cpus->len, >=, 224);
    for (i = 0; i < cpus->len; i++) {
        const Cpu *c = cpus->pdata[i];
        g_autoptr(FeatmaskSet) view = kvm_view_of(c->features);
        g_autoptr(FeatmaskSet) hit = featmask_set_copy(view);
        g_autoptr(X86ModelChoice) raw_model = NULL;
        g_autoptr(X86ModelChoice) kvm_model = NULL;

        featmask_set_intersect(hit, never);
        g_assert_true(featmask_set_is_empty(hit));
        g_assert_true(featmask_set_is_subset(always, view));

        raw_model = x86_model_choose(c->features, c->vendor, NULL);
        kvm_model = x86_model_choose(view, c->vendor, NULL);
        if (raw_model) {
            featmask_set_free(hit);
            hit = featmask_set_copy(raw_model->extra);
            featmask_set_intersect(hit, never);
            raw_bad += !featmask_set_is_empty(hit);
        }
        if (kvm_model) {
            featmask_set_free(hit);
            hit = featmask_set_copy(kvm_model->extra);
            featmask_set_intersect(hit, never);
            g_assert_true(featmask_set_is_empty(hit));
            lines++;
        }
    }
    g_test_message("%u dumps: %zu model lines of the KVM view (%s) add no"
                   " feature KVM never gives; %zu lines of the raw CPUID"
                   " did", cpus->len, lines, X86_KVM_VIEW_KERNEL, raw_bad);
    g_assert_cmpuint(lines, >=, 200);
}

/*
 * The model line of the pair's KVM view, never longer than the raw
 * CPUID's additions-only line (@old, when there was one), not counting
 * the additions of what KVM gives every guest (x2apic, tsc-deadline,
 * tsc-adjust, arat: an old model lacks them, and the raw line lacked
 * them because it was wrong about the guest).
 */
static void append_kvm_model(GString *s, const Cpu *a, const Cpu *b,
                             const X86ModelChoice *old)
{
    g_autoptr(FeatmaskSet) va = kvm_view_of(a->features);
    g_autoptr(FeatmaskSet) vb = kvm_view_of(b->features);
    const FeatmaskSet *hosts[2] = { va, vb };
    g_autoptr(FeatmaskBaseline) bl = featmask_negotiate(
        featmask_set_map(va), hosts, 2, 0, &error_abort);
    g_autoptr(X86ModelChoice) c = x86_model_choose(
        featmask_baseline_common(bl), a->vendor, NULL);
    g_autofree char *line = NULL;

    if (!c) {
        g_string_append(s, "kvm view model: none\n");
        return;
    }
    if (old) {
        g_autoptr(FeatmaskSet) always = featmask_set_from_names(
            featmask_set_map(va), x86_kvm_always(), &error_abort);

        featmask_set_intersect(always, c->extra);
        g_assert_cmpuint(choice_items(c) - featmask_set_count(always), <=,
                         choice_items(old));
    }
    line = x86_model_choice_format(c);
    g_string_append_printf(s, "kvm view model: -cpu %s\n", line);
}

static void test_golden_pair(gconstpointer opaque)
{
    const GoldenPair *gp = opaque;
    const Cpu *a, *b;
    const FeatmaskSet *hosts[2];
    g_autoptr(FeatmaskBaseline) bl = NULL;
    g_autoptr(GString) s = g_string_new("");
    g_autofree char *rel = g_strdup_printf("pairs/%s.plan", gp->name);
    g_autofree char *path = NULL;
    g_autofree char *want = NULL;
    const char *dir = g_getenv("FEATMASK_DATA");

    if (skip_without_dumps()) {
        return;
    }
    a = find_cpu(gp->a);
    b = find_cpu(gp->b);
    hosts[0] = a->features;
    hosts[1] = b->features;
    bl = featmask_negotiate(featmask_set_map(a->features), hosts, 2, 0,
                            &error_abort);
    g_string_append_printf(s, "# a: %s\n# b: %s\n", gp->a, gp->b);
    append_host(s, "a", featmask_baseline_turn_off(bl, 0));
    append_host(s, "b", featmask_baseline_turn_off(bl, 1));
    if (!strcmp(a->vendor, b->vendor)) {
        Error *err = NULL;
        g_autoptr(X86ModelChoice) c =
            x86_model_choose(featmask_baseline_common(bl), a->vendor, &err);

        if (c) {
            g_autofree char *line = x86_model_choice_format(c);
            g_autoptr(FeatmaskSet) none = featmask_set_new(
                featmask_set_map(a->features));
            g_autoptr(X86ModelChoice) old = x86_model_choose_full(
                featmask_baseline_common(bl), a->vendor, NULL, none, NULL);

            /* Removals never make the line longer than additions only. */
            if (old) {
                g_assert_cmpuint(featmask_set_count(c->extra) +
                                 featmask_set_count(c->missing), <=,
                                 featmask_set_count(old->extra));
            }
            g_string_append_printf(s, "model: -cpu %s\n", line);
            append_kvm_model(s, a, b, old);
        } else {
            g_string_append_printf(s, "model: none: %s\n",
                                   error_get_pretty(err));
            error_free(err);
        }
    } else {
        g_string_append_printf(s, "model: none: vendors %s and %s\n",
                               a->vendor, b->vendor);
    }

    g_assert_nonnull(dir);
    path = g_build_filename(dir, "cpu", rel, NULL);
    if (g_getenv("FEATMASK_REGENERATE")) {
        g_assert_true(g_file_set_contents(path, s->str, -1, NULL));
        return;
    }
    g_assert_true(g_file_get_contents(path, &want, NULL, NULL));
    g_assert_cmpstr(s->str, ==, want);
}

int main(int argc, char **argv)
{
    size_t i;
    int ret;

    g_test_init(&argc, &argv, NULL);
    dumps_dir = g_getenv("FEATMASK_CPUID_DUMPS");
    cpus = g_ptr_array_new_with_free_func(cpu_free);
    /* The order matters: the later tests use what decode-all read. */
    g_test_add_func("/featmask/cpu/dumps/decode-all", test_decode_all);
    g_test_add_func("/featmask/cpu/dumps/baseline-self", test_baseline_self);
    g_test_add_func("/featmask/cpu/dumps/baseline-pairs",
                    test_baseline_pairs);
    g_test_add_func("/featmask/cpu/dumps/kvm-view", test_kvm_view);
    for (i = 0; i < G_N_ELEMENTS(golden_pairs); i++) {
        g_autofree char *name = g_strdup_printf("/featmask/cpu/dumps/plan/%s",
                                                golden_pairs[i].name);

        g_test_add_data_func(name, &golden_pairs[i], test_golden_pair);
    }
    ret = g_test_run();
    g_ptr_array_free(cpus, TRUE);
    return ret;
}
