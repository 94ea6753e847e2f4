/*
 * Property test: every profile featmask writes, featmask reads again
 *
 * Pools of host profiles are generated (random, from fixed seeds) over the
 * real feature maps: the x86 CPU's, each virtio kind's, and device types
 * and a CPU architecture without a map (negotiated by name).  Names are
 * spelled as users write them (aliases, '-' for '_').  For each pool,
 * each host profile written and read back, and the baseline written (as
 * `featmask baseline -o` does) and read back, must give the same sets.
 * So must the CPU part of the profiles `featmask probe` makes from the
 * CPUID dumps and KVM records in tests/data.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <glib/gstdio.h>
#include "hw/virtio/virtio-featmask.h"
#include "target/i386/featmask-cpu.h"
#include "pool.h"
#include "cpuid-dump.h"

#define NPOOLS 300
#define SEED 0x8a5e0000

static char *tmpdir;
static guint32 seed;            /* of the pool being tested, for messages */
static unsigned nbaselines, ndevices;   /* what was checked */

/* A map with no table: names every generated pool draws from. */
static const char *const nomap_names[] = {
    "rss", "tso", "gso", "lro", "rx-vlan", "rx_vlan", "tx-csum", "sg",
    "wake-on-lan", "msix", "caf\xc3\xa9", "x.y", NULL,
};
static const char *const arm_names[] = {
    "fp", "asimd", "aes", "pmull", "sha1", "sha2", "crc32", "atomics",
    "fphp", "asimdhp", "sve", NULL,
};

/* '-' for '_' and back: both spellings name the same feature. */
static char *respell(GRand *rnd, const char *name)
{
    char *s = g_strdup(name);
    char *p;

    if (g_rand_int_range(rnd, 0, 4)) {
        return s;
    }
    for (p = s; *p; p++) {
        *p = *p == '_' ? '-' : *p == '-' ? '_' : *p;
    }
    return s;
}

/* Some features of @map, as a user would spell them. */
static void add_map_features(JsonBuilder *b, GRand *rnd, const FeatmaskMap *map,
                             int percent)
{
    size_t i;

    json_builder_set_member_name(b, "features");
    json_builder_begin_array(b);
    for (i = 0; i < featmask_map_size(map); i++) {
        const FeatmaskFeature *f = featmask_map_get(map, i);
        g_autofree char *name = NULL;

        if (g_rand_int_range(rnd, 0, 100) >= percent) {
            continue;
        }
        if (f->aliases && f->aliases[0] && g_rand_boolean(rnd)) {
            name = respell(rnd, f->aliases[0]);
        } else {
            name = respell(rnd, f->name);
        }
        json_builder_add_string_value(b, name);
    }
    json_builder_end_array(b);
}

static void add_name_features(JsonBuilder *b, GRand *rnd,
                              const char *const *names, int percent)
{
    json_builder_set_member_name(b, "features");
    json_builder_begin_array(b);
    for (; *names; names++) {
        if (g_rand_int_range(rnd, 0, 100) < percent) {
            json_builder_add_string_value(b, *names);
        }
    }
    json_builder_end_array(b);
}

static void add_member(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, value);
}

typedef struct PoolDevice {
    char *id;
    const char *type;           /* NULL: a type without a map */
} PoolDevice;

/* The device types featmask has maps for, and one it has not. */
static const char *pick_type(GRand *rnd)
{
    static const char *const types[] = {
        "virtio-net-pci", "virtio-net-device", "virtio-blk-pci",
        "virtio-scsi-pci", "virtio-rng-pci", "virtio-net", "e1000e",
        "pvpanic", "pvpanic-pci",
    };

    return types[g_rand_int_range(rnd, 0, G_N_ELEMENTS(types))];
}

/* The text of host @h's profile in a pool. */
static char *host_profile(GRand *rnd, FeatmaskMaps *maps, unsigned h,
                          const char *arch, PoolDevice *devs, unsigned ndevs)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree unsigned *order = g_new(unsigned, ndevs);
    g_autofree char *host = g_strdup_printf("host-%u", h);
    unsigned i;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "featmask-profile");
    json_builder_add_int_value(b, FEATMASK_PROFILE_VERSION);
    add_member(b, "host", host);
    if (arch) {
        json_builder_set_member_name(b, "cpu");
        json_builder_begin_object(b);
        add_member(b, "arch", arch);
        add_member(b, "vendor", g_rand_int_range(rnd, 0, 8) ? "GenuineIntel"
                                                          : "AuthenticAMD");
        add_member(b, "source", "manual");
        if (!strcmp(arch, "x86_64")) {
            add_map_features(b, rnd, featmask_maps_get(maps, "x86-cpu"),
                             g_rand_int_range(rnd, 60, 100));
        } else {
            add_name_features(b, rnd, arm_names, 80);
        }
        if (g_rand_int_range(rnd, 0, 3) == 0) {
            json_builder_set_member_name(b, "unknown-words");
            json_builder_begin_array(b);
            json_builder_add_string_value(b, x86_feat_word_name(
                g_rand_int_range(rnd, 0, X86_FW__MAX)));
            json_builder_end_array(b);
        }
        json_builder_end_object(b);
    }
    /* Hosts list their devices in any order. */
    for (i = 0; i < ndevs; i++) {
        unsigned j = g_rand_int_range(rnd, 0, i + 1);

        order[i] = order[j];
        order[j] = i;
    }
    json_builder_set_member_name(b, "devices");
    json_builder_begin_array(b);
    for (i = 0; i < ndevs; i++) {
        PoolDevice *d = &devs[order[i]];
        FeatmaskMap *map = featmask_maps_get(maps, d->type);

        bool type_first = g_rand_boolean(rnd);

        json_builder_begin_object(b);
        /* "features" before "type" too: the reader reads it afterwards */
        if (type_first) {
            add_member(b, "id", d->id);
            add_member(b, "type", d->type);
        }
        if (map) {
            add_map_features(b, rnd, map, g_rand_int_range(rnd, 50, 100));
        } else {
            add_name_features(b, rnd, nomap_names, 85);
        }
        if (!type_first) {
            add_member(b, "type", d->type);
            add_member(b, "id", d->id);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    return json_generator_to_data(gen, NULL);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of a set, sorted: dynamic maps differ in order between reads. */
static char *sorted_names(const FeatmaskSet *set)
{
    g_autofree const char **names = featmask_set_to_names(set);

    qsort(names, g_strv_length((char **)names), sizeof(char *), str_cmp);
    return g_strjoinv(",", (char **)names);
}

static void assert_same_set(const char *what, const FeatmaskSet *a,
                            const FeatmaskSet *b)
{
    g_autofree char *na = sorted_names(a);
    g_autofree char *nb = sorted_names(b);

    if (strcmp(na, nb)) {
        g_test_message("seed 0x%x, %s: wrote %s, read %s", seed, what, na,
                       nb);
    }
    g_assert_cmpstr(na, ==, nb);
    g_assert_cmpstr(featmask_map_kind(featmask_set_map(a)), ==,
                    featmask_map_kind(featmask_set_map(b)));
}

static void assert_same_strv(char **a, char **b)
{
    g_autofree char *ja = a ? g_strjoinv(";", a) : g_strdup("");
    g_autofree char *jb = b ? g_strjoinv(";", b) : g_strdup("");

    g_assert_cmpstr(ja, ==, jb);
}

/* Write @p, read it back with maps of its own: nothing may change. */
static void assert_roundtrip(const FeatmaskProfile *p)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autofree char *path = g_build_filename(tmpdir, "written.json", NULL);
    const char *files[] = { path };
    g_autoptr(GPtrArray) back = NULL;
    FeatmaskProfile *q;
    Error *err = NULL;
    guint i;

    g_assert_true(featmask_profile_save(p, path, &error_abort));
    back = featmask_profiles_load(files, 1, maps, &err);
    if (!back) {
        g_test_message("seed 0x%x: featmask refuses the profile it wrote:"
                       " %s", seed, error_get_pretty(err));
    }
    g_assert_null(err);
    q = back->pdata[0];
    g_assert_cmpstr(q->host, ==, p->host);
    g_assert_true(!q->cpu == !p->cpu);
    if (p->cpu) {
        g_autofree char *model = p->cpu->model ?
            g_utf8_make_valid(p->cpu->model, -1) : NULL;

        g_assert_cmpstr(q->cpu->arch, ==, p->cpu->arch);
        g_assert_cmpstr(q->cpu->vendor, ==, p->cpu->vendor);
        g_assert_cmpstr(q->cpu->model, ==, model);
        g_assert_cmpstr(q->cpu->source, ==, p->cpu->source);
        assert_same_set("cpu", p->cpu->features, q->cpu->features);
        assert_same_strv(p->cpu->unknown_words, q->cpu->unknown_words);
    }
    g_assert_cmpuint(q->devices->len, ==, p->devices->len);
    for (i = 0; i < p->devices->len; i++) {
        FeatmaskProfileDevice *a = p->devices->pdata[i];
        FeatmaskProfileDevice *b = q->devices->pdata[i];

        g_assert_cmpstr(b->id, ==, a->id);
        g_assert_cmpstr(b->type, ==, a->type);
        g_assert_cmpstr(b->source, ==, a->source);
        g_assert_cmpstr(b->backend, ==, a->backend);
        assert_same_set(a->id, a->features, b->features);
    }
    g_unlink(path);
}

/* One generated pool: its hosts and its baseline go through the writer. */
static void test_pool(guint32 s)
{
    GRand *rnd = g_rand_new_with_seed(s);
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(FeatmaskPool) pool = NULL;
    g_autoptr(FeatmaskProfile) base = NULL;
    unsigned nhosts = g_rand_int_range(rnd, 1, 6);
    unsigned ndevs = g_rand_int_range(rnd, 0, 7);
    unsigned flags = g_rand_boolean(rnd) ? FEATMASK_KEEP_UNMIGRATABLE : 0;
    PoolDevice devs[6];
    const char *arch;
    bool incompatible;
    Error *err = NULL;
    unsigned h, i;

    seed = s;
    switch (g_rand_int_range(rnd, 0, 5)) {
    case 0:
        arch = NULL;
        break;
    case 1:
        arch = "aarch64";
        break;
    default:
        arch = "x86_64";
        break;
    }
    for (i = 0; i < ndevs; i++) {
        devs[i].id = g_strdup_printf("dev%u", i);
        devs[i].type = pick_type(rnd);
    }
    for (h = 0; h < nhosts; h++) {
        g_autofree char *name = g_strdup_printf("host-%u.json", h);
        g_autofree char *text = host_profile(rnd, maps, h, arch, devs,
                                             ndevs);
        char *path = g_build_filename(tmpdir, name, NULL);

        g_assert_true(g_file_set_contents(path, text, -1, NULL));
        g_ptr_array_add(files, path);
    }
    for (i = 0; i < ndevs; i++) {
        g_free(devs[i].id);
    }

    /* The hosts' profiles read (with fresh maps: as featmask would). */
    g_clear_pointer(&maps, featmask_maps_free);
    maps = featmask_maps_new();
    profiles = featmask_profiles_load((const char *const *)files->pdata,
                                      files->len, maps, &error_abort);
    for (h = 0; h < nhosts; h++) {
        assert_roundtrip(profiles->pdata[h]);
    }

    pool = featmask_pool_negotiate(profiles, flags, &incompatible, &err);
    if (!pool) {
        /* Hosts with nothing in common: not an error in the input. */
        g_assert_true(incompatible);
        error_free(err);
        goto out;
    }
    base = featmask_pool_baseline(pool);
    assert_roundtrip(base);
    nbaselines++;
    ndevices += base->devices->len;
    /* And the baseline is in every host (libvirt's invariant). */
    for (i = 0; i < base->devices->len; i++) {
        FeatmaskProfileDevice *d = base->devices->pdata[i];

        for (h = 0; h < nhosts; h++) {
            g_assert_true(featmask_set_is_subset(d->features,
                featmask_profile_find_device(profiles->pdata[h],
                                             d->id)->features));
        }
    }
out:
    for (h = 0; h < nhosts; h++) {
        g_unlink(files->pdata[h]);
    }
    g_rand_free(rnd);
}

static void test_pools(void)
{
    guint32 i;

    for (i = 0; i < NPOOLS; i++) {
        test_pool(SEED + i);
    }
    g_test_message("%u pools, %u baselines of %u devices written and read"
                   " back", NPOOLS, nbaselines, ndevices);
    /* Most pools have something in common: the test is not vacuous. */
    g_assert_cmpuint(nbaselines, >, NPOOLS / 2);
}

/* The CPU part of a profile made from CPUID data, as `featmask probe`. */
static void assert_probe_roundtrip(const X86CpuidData *d, const char *source)
{
    g_autoptr(FeatmaskProfile) p = featmask_profile_new("probed");
    g_auto(GStrv) unknown = NULL;
    FeatmaskSet *features;

    features = x86_cpuid_host_features(d, &unknown, NULL, &error_abort);
    p->cpu = g_new0(FeatmaskProfileCpu, 1);
    p->cpu->arch = g_strdup("x86_64");
    p->cpu->vendor = x86_cpuid_vendor(d);
    p->cpu->model = x86_cpuid_brand(d);
    p->cpu->source = g_strdup(source);
    p->cpu->features = features;
    p->cpu->unknown_words = g_steal_pointer(&unknown);
    assert_roundtrip(p);
}

static char *data_path(const char *rel)
{
    const char *dir = g_getenv("FEATMASK_DATA");

    return g_build_filename(dir ? dir : "tests/data", rel, NULL);
}

/* Every x86 dump under @dir (libcpuid's *.test files); how many. */
static unsigned probe_dumps(const char *dir)
{
    g_autoptr(GDir) gdir = g_dir_open(dir, 0, NULL);
    const char *name;
    unsigned n = 0;

    while (gdir && (name = g_dir_read_name(gdir))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_autoptr(X86CpuidData) d = NULL;
        g_autoptr(FeatmaskSet) f = NULL;
        g_auto(GStrv) unknown = NULL;

        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
            n += probe_dumps(path);
            continue;
        }
        if (!g_str_has_suffix(name, ".test")) {
            continue;
        }
        d = cpuid_dump_load(path, NULL, NULL);
        /* ARM dumps, and what probe refuses: nothing is written */
        if (!d || !(f = x86_cpuid_host_features(d, &unknown, NULL, NULL))) {
            continue;
        }
        assert_probe_roundtrip(d, "cpuid-dump");
        n++;
    }
    return n;
}

static void test_probe(void)
{
    static const char *const dumps[] = {
        "cpu/dumps/host-cpuid-tool.txt", "cpu/dumps/host-libcpuid.txt",
        "cpu/dumps/host-aida64.txt",
    };
    g_autofree char *rec_path = data_path("cpu/kvm/amd-host.rec");
    g_autoptr(KvmCpuidRecord) rec = NULL;
    g_autoptr(X86CpuidData) kvm = NULL;
    const char *dir = g_getenv("FEATMASK_CPUID_DUMPS");
    size_t i;

    seed = 0;
    for (i = 0; i < G_N_ELEMENTS(dumps); i++) {
        g_autofree char *path = data_path(dumps[i]);
        g_autoptr(X86CpuidData) d = cpuid_dump_load(path, NULL,
                                                    &error_abort);

        assert_probe_roundtrip(d, "cpuid-dump");
        if (i == 0) {
            /* A brand string is raw bytes, not always UTF-8 */
            x86_cpuid_data_set(d, 0x80000002, 0, 0xff20444d, 0x69562065,
                               0x61757472, 0x7554206c);
            assert_probe_roundtrip(d, "cpuid-dump");
        }
    }
    rec = kvm_cpuid_record_load(rec_path, &error_abort);
    kvm = kvm_cpuid_record_data(rec);
    assert_probe_roundtrip(kvm, "kvm");

    /* libcpuid's dumps of real CPUs, when the build has them */
    if (dir && *dir) {
        g_test_message("%u real CPUs' dumps written and read back",
                       probe_dumps(dir));
    }
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    /* Thousands of small files: in memory when the system has a tmpfs. */
    tmpdir = g_build_filename(g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) &&
                              !access("/dev/shm", W_OK) ? "/dev/shm" :
                              g_get_tmp_dir(), "featmask-roundtrip-XXXXXX",
                              NULL);
    g_assert_nonnull(g_mkdtemp(tmpdir));
    g_test_add_func("/featmask/roundtrip/pools", test_pools);
    g_test_add_func("/featmask/roundtrip/probe", test_probe);
    ret = g_test_run();
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
