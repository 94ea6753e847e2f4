/*
 * Helpers shared by featmask's libFuzzer harnesses
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <glib/gstdio.h>
#include "fuzz-util.h"

static char *fuzz_dir;

void fuzz_fail(const char *file, int line, const char *cond,
               const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s:%d: invariant '%s' broken: ", file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static void fuzz_cleanup(void)
{
    g_autoptr(GDir) dir = g_dir_open(fuzz_dir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *path = g_build_filename(fuzz_dir, name, NULL);

        g_unlink(path);
    }
    g_rmdir(fuzz_dir);
}

/*
 * glib's fatal criticals trap (SIGTRAP), which libFuzzer does not catch:
 * abort instead, so that it keeps the input.
 */
static GLogWriterOutput fuzz_log_writer(GLogLevelFlags level,
                                        const GLogField *fields,
                                        gsize n_fields, gpointer data)
{
    g_log_writer_standard_streams(level, fields, n_fields, data);
    if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
                 G_LOG_LEVEL_WARNING)) {
        abort();
    }
    return G_LOG_WRITER_HANDLED;
}

void fuzz_setup(void)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree char *tmpl = NULL;

    if (fuzz_dir) {
        return;
    }
    g_log_set_writer_func(fuzz_log_writer, NULL, NULL);
    if (g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) && !g_getenv("TMPDIR")) {
        tmpl = g_strdup("/dev/shm/featmask-fuzz-XXXXXX");
        fuzz_dir = g_mkdtemp(tmpl) ? g_steal_pointer(&tmpl) : NULL;
    }
    if (!fuzz_dir) {
        fuzz_dir = g_dir_make_tmp("featmask-fuzz-XXXXXX", &gerr);
    }
    if (!fuzz_dir) {
        fprintf(stderr, "fuzz: no temporary folder: %s\n", gerr->message);
        exit(1);
    }
    atexit(fuzz_cleanup);
}

char *fuzz_text(const uint8_t *data, size_t size)
{
    char *s = g_malloc(size + 1);

    memcpy(s, data, size);
    s[size] = 0;
    return s;
}

char *fuzz_write(const char *name, const void *data, size_t len)
{
    char *path = g_build_filename(fuzz_dir, name, NULL);
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
        fprintf(stderr, "fuzz: cannot write %s\n", path);
        abort();
    }
    return path;
}

char **fuzz_split(const char *text, int max)
{
    g_autoptr(GPtrArray) parts = g_ptr_array_new();
    const char *p = text;
    const char *sep;

    while ((int)parts->len < max - 1 && (sep = strstr(p, "\n%%\n"))) {
        g_ptr_array_add(parts, g_strndup(p, sep + 1 - p));
        p = sep + 4;
    }
    g_ptr_array_add(parts, g_strdup(p));
    g_ptr_array_add(parts, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&parts), FALSE);
}

bool fuzz_cpuid_data_equal(const X86CpuidData *a, const X86CpuidData *b)
{
    GHashTableIter iter;
    gpointer key, value;
    guint i;

    if (a->leaves->len != b->leaves->len ||
        g_hash_table_size(a->msrs) != g_hash_table_size(b->msrs)) {
        return false;
    }
    for (i = 0; i < a->leaves->len; i++) {
        const X86CpuidLeaf *l = &g_array_index(a->leaves, X86CpuidLeaf, i);
        const X86CpuidLeaf *m = x86_cpuid_data_get(b, l->leaf, l->subleaf);

        if (!m || memcmp(l, m, sizeof(*l))) {
            return false;
        }
    }
    g_hash_table_iter_init(&iter, a->msrs);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        uint64_t v;

        if (!x86_cpuid_data_get_msr(b, *(uint32_t *)key, &v) ||
            v != *(uint64_t *)value) {
            return false;
        }
    }
    return true;
}
