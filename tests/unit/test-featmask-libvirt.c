/*
 * Tests of the libvirt names: the CPU feature table against libvirt's own
 * cpu_map (by CPUID leaf, subleaf, register and bit, or MSR and bit), and
 * the model names
 *
 * The cpu_map is libvirt's installed one (libvirt-clients, Debian 12:
 * libvirt 9.0), or FEATMASK_LIBVIRT_CPU_MAP.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "tools/featmask/libvirt.h"

/* Where a feature bit is: "cpuid 0x7 0x0 ebx 3" or "msr 0x10a 5". */
typedef struct CpuMap {
    GHashTable *features;       /* libvirt name -> location */
    GHashTable *locations;      /* location -> libvirt name */
    GPtrArray *models;
    char *feature;              /* while parsing */
} CpuMap;

static const char *cpu_map_dir(void)
{
    return g_getenv("FEATMASK_LIBVIRT_CPU_MAP") ?: "/usr/share/libvirt/cpu_map";
}

static int low_bit(guint64 v)
{
    return v ? __builtin_ctzll(v) : -1;
}

static void add_location(CpuMap *m, char *loc)
{
    g_hash_table_insert(m->locations, g_strdup(loc), g_strdup(m->feature));
    g_hash_table_insert(m->features, g_strdup(m->feature), loc);
}

static void start_element(GMarkupParseContext *ctx, const char *element,
                          const char **names, const char **values,
                          gpointer opaque, GError **error)
{
    static const char *const regs[] = { "eax", "ebx", "ecx", "edx" };
    CpuMap *m = opaque;
    const char *leaf = NULL, *sub = "0", *index = NULL;
    guint64 reg[4] = { 0 };
    size_t i, r;

    for (i = 0; names[i]; i++) {
        if (!strcmp(names[i], "name") && !strcmp(element, "feature")) {
            g_free(m->feature);
            m->feature = g_strdup(values[i]);
        } else if (!strcmp(names[i], "name") && !strcmp(element, "model")) {
            g_ptr_array_add(m->models, g_strdup(values[i]));
        } else if (!strcmp(names[i], "eax_in")) {
            leaf = values[i];
        } else if (!strcmp(names[i], "ecx_in")) {
            sub = values[i];
        } else if (!strcmp(names[i], "index")) {
            index = values[i];
        }
        for (r = 0; r < 4; r++) {
            if (!strcmp(names[i], regs[r])) {
                reg[r] = g_ascii_strtoull(values[i], NULL, 16);
            }
        }
    }
    if (!strcmp(element, "cpuid")) {
        for (r = 0; r < 4; r++) {
            if (reg[r]) {
                add_location(m, g_strdup_printf("cpuid %#" PRIx64 " %#"
                    PRIx64 " %s %d", g_ascii_strtoull(leaf, NULL, 16),
                    g_ascii_strtoull(sub, NULL, 16), regs[r],
                    low_bit(reg[r])));
            }
        }
    } else if (!strcmp(element, "msr")) {
        add_location(m, g_strdup_printf("msr %#" PRIx64 " %d",
            g_ascii_strtoull(index, NULL, 16),
            reg[0] ? low_bit(reg[0]) : 32 + low_bit(reg[3])));
    }
}

static CpuMap *cpu_map_load(void)
{
    static const GMarkupParser parser = { .start_element = start_element };
    CpuMap *m = g_new0(CpuMap, 1);
    const char *dir = cpu_map_dir();
    const char *name;
    GDir *d = g_dir_open(dir, 0, NULL);

    if (!d) {
        g_free(m);
        return NULL;
    }
    m->features = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        g_free);
    m->locations = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         g_free);
    m->models = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_autofree char *text = NULL;
        g_autoptr(GMarkupParseContext) ctx = NULL;
        gsize len;

        if (!g_str_has_prefix(name, "x86_") ||
            !g_str_has_suffix(name, ".xml")) {
            continue;
        }
        g_assert_true(g_file_get_contents(path, &text, &len, NULL));
        ctx = g_markup_parse_context_new(&parser, 0, m, NULL);
        g_assert_true(g_markup_parse_context_parse(ctx, text, len, NULL));
    }
    g_dir_close(d);
    g_free(m->feature);
    return m;
}

static void cpu_map_free(CpuMap *m)
{
    g_hash_table_destroy(m->features);
    g_hash_table_destroy(m->locations);
    g_ptr_array_unref(m->models);
    g_free(m);
}

/* The location of QEMU feature @f, in the form cpu_map_load() writes. */
static char *qemu_location(const FeatmaskFeature *f)
{
    const char *w = x86_feat_word_name(f->bit / 64);
    int bit = f->bit % 64;
    char *end;
    guint64 leaf, sub = 0;

    if (g_str_has_prefix(w, "MSR ")) {
        return g_strdup_printf("msr %#" PRIx64 " %d",
                               g_ascii_strtoull(w + 4, NULL, 16), bit);
    }
    g_assert_true(g_str_has_prefix(w, "CPUID["));
    leaf = g_ascii_strtoull(w + 6, &end, 0);
    if (*end == ',') {
        sub = g_ascii_strtoull(end + 1, &end, 0);
    }
    g_assert_true(g_str_has_prefix(end, "].E"));
    return g_strdup_printf("cpuid %#" PRIx64 " %#" PRIx64 " e%cx %d", leaf,
                           sub, g_ascii_tolower(end[3]), bit);
}

static CpuMap *cpu_map_or_skip(void)
{
    CpuMap *m = cpu_map_load();

    if (!m) {
        g_test_skip("no libvirt cpu_map (install libvirt-clients)");
    }
    return m;
}

/*
 * Every table entry is the same bit in libvirt as in QEMU, and every
 * libvirt feature whose bit QEMU names is in the table.
 */
static void test_cpu_features(void)
{
    g_autoptr(FeatmaskMap) map = x86_featmask_map();
    g_autoptr(GString) lacking = g_string_new(NULL);
    g_autoptr(GString) unknown = g_string_new(NULL);
    CpuMap *m = cpu_map_or_skip();
    const char *const *pairs;
    GHashTableIter iter;
    gpointer name, loc;
    size_t n, i, covered = 0, nlacking = 0;

    if (!m) {
        return;
    }
    pairs = featmask_libvirt_cpu_features(&n);
    for (i = 0; i < n; i++) {
        int idx = featmask_map_lookup(map, pairs[2 * i]);
        g_autofree char *qloc = NULL;

        g_assert_cmpint(idx, >=, 0);
        qloc = qemu_location(featmask_map_get(map, idx));
        g_assert_cmpstr(g_hash_table_lookup(m->features, pairs[2 * i + 1]),
                        ==, qloc);
        g_assert_cmpstr(featmask_libvirt_cpu_feature(pairs[2 * i]), ==,
                        pairs[2 * i + 1]);
    }
    g_hash_table_iter_init(&iter, m->features);
    while (g_hash_table_iter_next(&iter, &name, &loc)) {
        bool found = false;

        for (i = 0; i < featmask_map_size(map); i++) {
            const FeatmaskFeature *f = featmask_map_get(map, i);
            g_autofree char *qloc = qemu_location(f);

            if (!strcmp(qloc, loc)) {
                g_assert_cmpstr(featmask_libvirt_cpu_feature(f->name), ==,
                                name);
                covered++;
                found = true;
            }
        }
        if (!found) {
            g_string_append_printf(unknown, " %s", (char *)name);
        }
    }
    for (i = 0; i < featmask_map_size(map); i++) {
        const FeatmaskFeature *f = featmask_map_get(map, i);

        if (!featmask_libvirt_cpu_feature(f->name)) {
            g_string_append_printf(lacking, " %s", f->name);
            nlacking++;
        }
    }
    g_assert_cmpuint(covered, ==, n);
    g_test_message("libvirt's x86_features.xml names %u features; the table"
                   " covers the %zu whose bit QEMU names; libvirt only:%s",
                   g_hash_table_size(m->features), covered, unknown->str);
    g_test_message("%zu of QEMU's %zu names libvirt lacks:%s", nlacking,
                   featmask_map_size(map), lacking->str);
    cpu_map_free(m);
}

/* The model names are libvirt's, all of them. */
static void test_cpu_models(void)
{
    const char *const *ours = featmask_libvirt_cpu_models();
    CpuMap *m = cpu_map_or_skip();
    guint i;

    if (!m) {
        return;
    }
    g_assert_cmpuint(g_strv_length((char **)ours), ==, m->models->len);
    for (i = 0; i < m->models->len; i++) {
        g_assert_true(g_strv_contains(ours, m->models->pdata[i]));
    }
    cpu_map_free(m);
}

/* A QEMU version's libvirt name is its alias, or an earlier version's. */
static void test_model_choice(void)
{
    const X86Model *sky = x86_model_find("Skylake-Server");
    X86ModelChoice c = { .model = sky };

    g_assert_nonnull(sky);
    c.version = 1;
    g_assert_cmpstr(featmask_libvirt_cpu_model(&c), ==, "Skylake-Server");
    c.version = 2;
    g_assert_cmpstr(featmask_libvirt_cpu_model(&c), ==,
                    "Skylake-Server-IBRS");
    /* v4 and later have no alias: the newest earlier one libvirt has */
    c.version = sky->versions[sky->nversions - 1].version;
    g_assert_cmpstr(featmask_libvirt_cpu_model(&c), ==,
                    "Skylake-Server-noTSX-IBRS");
}

/* No name twice on either side of the table. */
static void test_table_unique(void)
{
    g_autoptr(GHashTable) q = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) l = g_hash_table_new(g_str_hash, g_str_equal);
    const char *const *pairs;
    size_t n, i;

    pairs = featmask_libvirt_cpu_features(&n);
    for (i = 0; i < n; i++) {
        g_assert_true(g_hash_table_add(q, (char *)pairs[2 * i]));
        g_assert_true(g_hash_table_add(l, (char *)pairs[2 * i + 1]));
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/featmask/libvirt/cpu-map/features", test_cpu_features);
    g_test_add_func("/featmask/libvirt/cpu-map/models", test_cpu_models);
    g_test_add_func("/featmask/libvirt/model-choice", test_model_choice);
    g_test_add_func("/featmask/libvirt/table-unique", test_table_unique);
    return g_test_run();
}
