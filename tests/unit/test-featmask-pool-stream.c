/*
 * Tests of a pool read as a stream: the builder that folds each host as
 * it comes must give what the pool of kept profiles gives
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "tools/featmask/pool.h"

#define NHOSTS 300

static const char *const cpu_names[] = {
    "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic",
    "sep", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "clflush", "mmx",
    "fxsr", "sse", "sse2", "ss", "ht", "pni", "ssse3", "fma", "cx16",
    "sse4.1", "sse4.2", "x2apic", "movbe", "popcnt", "aes", "xsave", "avx",
    "f16c", "rdrand", NULL
};
static const char *const net_names[] = {
    "csum", "guest_csum", "mtu", "mac", "guest_tso4", "guest_tso6",
    "guest_ecn", "host_tso4", "host_tso6", "mrg_rxbuf", "status", "ctrl_vq",
    NULL
};

/* Some of @names: the first half always, each of the others mostly. */
static void add_some(GString *s, const char *const *names, GRand *rnd)
{
    size_t i, n = g_strv_length((char **)names);
    bool first = true;

    for (i = 0; i < n; i++) {
        if (i < n / 2 || g_rand_int_range(rnd, 0, 100) >= 10) {
            g_string_append_printf(s, "%s\"%s\"", first ? "" : ", ",
                                   names[i]);
            first = false;
        }
    }
}

/*
 * Host @h: a CPU, a virtio-net device and a device featmask has no map
 * for, whose names differ a little between hosts (some only from host 7
 * on, so the dynamic map grows while the pool is read).
 */
static char *host_json(unsigned h, GRand *rnd)
{
    GString *s = g_string_new(NULL);

    g_string_append_printf(s, "{\"featmask-profile\": 1, \"host\": \"h%03u\","
                           " \"cpu\": {\"arch\": \"x86_64\", \"vendor\":"
                           " \"GenuineIntel\", \"features\": [", h);
    add_some(s, cpu_names, rnd);
    g_string_append(s, "]}, \"devices\": [{\"id\": \"net0\", \"type\":"
                    " \"virtio-net-pci\", \"features\": [");
    add_some(s, net_names, rnd);
    g_string_append(s, "]}, {\"id\": \"nic0\", \"type\": \"e1000e\","
                    " \"features\": [\"tso\"");
    if (g_rand_int_range(rnd, 0, 100) >= 20) {
        g_string_append(s, ", \"rss\"");
    }
    if (h >= 7 && h % 3) {
        g_string_append(s, ", \"vlan\"");
    }
    g_string_append(s, "]}]}");
    return g_string_free(s, FALSE);
}

static bool sink(void *opaque, FeatmaskProfile *p, GPtrArray *pending,
                 Error **errp)
{
    return featmask_pool_builder_add(opaque, p, pending, errp);
}

static FeatmaskPool *streamed(FeatmaskMaps *maps, unsigned flags,
                              Error **errp)
{
    g_autoptr(FeatmaskProfileLoader) l = featmask_profile_loader_new(maps);
    g_autoptr(FeatmaskPoolBuilder) b = featmask_pool_builder_new(maps, flags,
                                                                 true);
    g_autoptr(GPtrArray) none = NULL;
    g_autoptr(GRand) rnd = g_rand_new_with_seed(12);
    bool incompatible;
    unsigned h;

    featmask_profile_loader_set_sink(l, sink, b);
    for (h = 0; h < NHOSTS; h++) {
        g_autofree char *text = host_json(h, rnd);

        if (!featmask_profile_loader_add_text(l, "<stdin>", text,
                                              strlen(text), 1, errp)) {
            return NULL;
        }
    }
    none = featmask_profile_loader_finish(l, &error_abort);
    g_assert_cmpuint(none->len, ==, 0);
    return featmask_pool_builder_finish(b, &incompatible, errp);
}

static GPtrArray *kept(FeatmaskMaps *maps)
{
    g_autoptr(FeatmaskProfileLoader) l = featmask_profile_loader_new(maps);
    g_autoptr(GRand) rnd = g_rand_new_with_seed(12);
    unsigned h;

    for (h = 0; h < NHOSTS; h++) {
        g_autofree char *text = host_json(h, rnd);

        featmask_profile_loader_add_text(l, "<stdin>", text, strlen(text), 1,
                                         &error_abort);
    }
    return featmask_profile_loader_finish(l, &error_abort);
}

static void assert_same_item(const FeatmaskPool *pa, const FeatmaskPoolItem *a,
                             const FeatmaskPool *pb, const FeatmaskPoolItem *b,
                             bool counts_only)
{
    g_autofree char *ca = featmask_set_format(
        featmask_baseline_common(a->baseline));
    g_autofree char *cb = featmask_set_format(
        featmask_baseline_common(b->baseline));
    size_t i, h;

    g_assert_cmpstr(a->id, ==, b->id);
    g_assert_cmpstr(a->type, ==, b->type);
    g_assert_cmpstr(ca, ==, cb);
    g_assert_cmpuint(featmask_baseline_ndrops(a->baseline), ==,
                     featmask_baseline_ndrops(b->baseline));
    for (i = 0; i < featmask_baseline_ndrops(a->baseline); i++) {
        const FeatmaskDrop *da = featmask_baseline_drop(a->baseline, i);
        const FeatmaskDrop *db = featmask_baseline_drop(b->baseline, i);

        g_assert_cmpstr(featmask_map_get(a->map, da->feature)->name, ==,
                        featmask_map_get(b->map, db->feature)->name);
        g_assert_cmpint(da->reason, ==, db->reason);
        g_assert_cmpuint(da->nhosts, ==, db->nhosts);
        g_assert_cmpstr(da->lost, ==, db->lost);
        if (counts_only && db->reason == FEATMASK_DROP_MISSING) {
            g_assert_null(db->hosts);
            continue;
        }
        for (h = 0; h < da->nhosts; h++) {
            g_assert_cmpstr(featmask_pool_host(pa, da->hosts[h]), ==,
                            featmask_pool_host(pb, db->hosts[h]));
        }
    }
}

/*
 * What each host turns off: from the kept sets of @pa and from the fold
 * of @pb, host after host, and every seventh host only (hosts skipped).
 */
static void assert_same_turn_off(const FeatmaskPool *pa,
                                 const FeatmaskPoolItem *a,
                                 const FeatmaskPool *pb,
                                 const FeatmaskPoolItem *b)
{
    g_autoptr(FeatmaskTurnOff) ta = featmask_turn_off_new(pa, a);
    g_autoptr(FeatmaskTurnOff) tb = featmask_turn_off_new(pb, b);
    g_autoptr(FeatmaskTurnOff) skip = featmask_turn_off_new(pb, b);
    size_t h, some = 0;

    for (h = 0; h < pa->nhosts; h++) {
        g_autofree char *fa = featmask_set_format(
            featmask_turn_off_get(ta, h));
        g_autofree char *fb = featmask_set_format(
            featmask_turn_off_get(tb, h));

        g_assert_cmpstr(fa, ==, fb);
        some += strcmp(fa, "none") != 0;
        if (h % 7 == 3) {
            g_autofree char *fs = featmask_set_format(
                featmask_turn_off_get(skip, h));

            g_assert_cmpstr(fa, ==, fs);
        }
    }
    /* the hosts differ: some have more than the common set */
    g_assert_cmpuint(some, >, 0);
}

static void check_same(unsigned flags)
{
    g_autoptr(FeatmaskMaps) maps_a = featmask_maps_new();
    g_autoptr(FeatmaskMaps) maps_b = featmask_maps_new();
    g_autoptr(GPtrArray) profiles = kept(maps_a);
    g_autoptr(FeatmaskPool) a = NULL;
    g_autoptr(FeatmaskPool) b = NULL;
    bool incompatible;
    guint i;

    a = featmask_pool_negotiate(profiles, flags & ~FEATMASK_COUNT_MISSING_HOSTS,
                                &incompatible, &error_abort);
    b = streamed(maps_b, flags, &error_abort);
    g_assert_null(b->profiles);
    g_assert_cmpuint(a->nhosts, ==, NHOSTS);
    g_assert_cmpuint(b->nhosts, ==, NHOSTS);
    for (i = 0; i < NHOSTS; i++) {
        g_assert_cmpstr(featmask_pool_host(a, i), ==,
                        featmask_pool_host(b, i));
    }
    assert_same_item(a, a->cpu, b, b->cpu,
                     flags & FEATMASK_COUNT_MISSING_HOSTS);
    assert_same_turn_off(a, a->cpu, b, b->cpu);
    g_assert_cmpuint(a->devices->len, ==, 2);
    g_assert_cmpuint(b->devices->len, ==, 2);
    for (i = 0; i < a->devices->len; i++) {
        assert_same_item(a, a->devices->pdata[i], b, b->devices->pdata[i],
                         flags & FEATMASK_COUNT_MISSING_HOSTS);
        assert_same_turn_off(a, a->devices->pdata[i], b,
                             b->devices->pdata[i]);
    }
    /* The dynamic map of e1000e: same names, same order. */
    g_assert_cmpuint(featmask_map_size(featmask_maps_get(maps_a, "e1000e")),
                     ==, 3);
    g_assert_cmpuint(featmask_map_size(featmask_maps_get(maps_b, "e1000e")),
                     ==, 3);
    g_assert_cmpuint(a->warnings->len, ==, b->warnings->len);
    for (i = 0; i < a->warnings->len; i++) {
        g_assert_cmpstr(a->warnings->pdata[i], ==, b->warnings->pdata[i]);
    }
}

static void test_same_as_kept(void)
{
    check_same(0);
}

static void test_same_keep_unmigratable(void)
{
    check_same(FEATMASK_KEEP_UNMIGRATABLE);
}

static void test_counts_only(void)
{
    check_same(FEATMASK_COUNT_MISSING_HOSTS);
}

/* A host is checked against the first as it comes: names, CPU, devices. */
static void test_errors(void)
{
    static const struct {
        const char *second;
        const char *error;
    } cases[] = {
        { "{\"featmask-profile\": 1, \"host\": \"a\", \"devices\": []}",
          "host name 'a' is used by two profiles, the second is <stdin>" },
        { "{\"featmask-profile\": 1, \"host\": \"b\", \"cpu\": {\"arch\":"
          " \"x86_64\", \"features\": [\"fpu\"]}, \"devices\": []}",
          "host 'b' has a CPU in its profile but host 'a' has none" },
        { "{\"featmask-profile\": 1, \"host\": \"b\", \"devices\": [{\"id\":"
          " \"net0\", \"type\": \"virtio-net-pci\", \"features\": []}]}",
          "device 'net0' of host 'b' is missing on host 'a'" },
    };
    static const char first[] =
        "{\"featmask-profile\": 1, \"host\": \"a\", \"devices\": []}";
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
        g_autoptr(FeatmaskProfileLoader) l = featmask_profile_loader_new(maps);
        g_autoptr(FeatmaskPoolBuilder) b = featmask_pool_builder_new(maps, 0,
                                                                     true);
        Error *err = NULL;

        featmask_profile_loader_set_sink(l, sink, b);
        g_assert_true(featmask_profile_loader_add_text(
            l, "<stdin>", first, strlen(first), 1, &error_abort));
        g_assert_false(featmask_profile_loader_add_text(
            l, "<stdin>", cases[i].second, strlen(cases[i].second), 2,
            &err));
        g_assert_cmpstr(error_get_pretty(err), ==, cases[i].error);
        error_free(err);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pool-stream/same-as-kept", test_same_as_kept);
    g_test_add_func("/pool-stream/keep-unmigratable",
                    test_same_keep_unmigratable);
    g_test_add_func("/pool-stream/counts-only", test_counts_only);
    g_test_add_func("/pool-stream/errors", test_errors);
    return g_test_run();
}
