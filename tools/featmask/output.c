/*
 * featmask command line: option parsing, errors, profiles and JSON
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "cli.h"

bool cli_parse(const char *name, const char *params, const char *summary,
               const GOptionEntry *entries, int *argc, char ***argv)
{
    g_autofree char *full = g_strdup_printf("featmask %s", name);
    g_autoptr(GOptionContext) ctx = g_option_context_new(params);
    g_autoptr(GError) gerr = NULL;

    g_set_prgname(full);
    g_option_context_set_summary(ctx, summary);
    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, argc, argv, &gerr)) {
        fprintf(stderr, "featmask %s: %s\nRun 'featmask %s --help' for"
                " usage.\n", name, gerr->message, name);
        return false;
    }
    return true;
}

void cli_error(Error *err)
{
    const char *hint = error_get_hint(err);

    fprintf(stderr, "featmask: %s\n", error_get_pretty(err));
    if (hint) {
        fputs(hint, stderr);
    }
    error_free(err);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;

    fputs("featmask: warning: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "featmask %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nRun 'featmask %s --help' for usage.\n", cmd);
    return FEATMASK_EXIT_USAGE;
}

/* Print the error or the warnings of a negotiation. */
static FeatmaskPool *negotiated(FeatmaskPool *pool, Error *err,
                                bool incompatible, int *status)
{
    guint i;

    if (!pool) {
        cli_error(err);
        *status = incompatible ? FEATMASK_EXIT_INCOMPATIBLE
                               : FEATMASK_EXIT_USAGE;
        return NULL;
    }
    for (i = 0; i < pool->warnings->len; i++) {
        cli_warn("%s", (char *)pool->warnings->pdata[i]);
    }
    *status = FEATMASK_EXIT_OK;
    return pool;
}

FeatmaskPool *cli_negotiate(char **files, int nfiles, FeatmaskMaps *maps,
                            GPtrArray **profiles, unsigned flags,
                            int *status)
{
    Error *err = NULL;
    FeatmaskPool *pool;
    bool incompatible;

    *profiles = cli_load_profiles(files, nfiles, maps, &err);
    if (!*profiles) {
        cli_error(err);
        *status = FEATMASK_EXIT_USAGE;
        return NULL;
    }
    pool = featmask_pool_negotiate(*profiles, flags, &incompatible, &err);
    return negotiated(pool, err, incompatible, status);
}

typedef struct StreamSink {
    FeatmaskPoolBuilder *b;
    CliProfileTap *tap;
    void *opaque;
} StreamSink;

static bool sink_to_pool(void *opaque, FeatmaskProfile *p,
                         GPtrArray *pending, Error **errp)
{
    StreamSink *s = opaque;

    if (s->tap && !s->tap(s->opaque, p, errp)) {
        featmask_profile_free(p);
        return false;
    }
    return featmask_pool_builder_add(s->b, p, pending, errp);
}

FeatmaskPool *cli_negotiate_stream(char **args, int nargs,
                                   FeatmaskMaps *maps, unsigned flags,
                                   int *status)
{
    return cli_negotiate_stream_tap(args, nargs, maps, flags, NULL, NULL,
                                    status);
}

FeatmaskPool *cli_negotiate_stream_tap(char **args, int nargs,
                                       FeatmaskMaps *maps, unsigned flags,
                                       CliProfileTap *tap, void *opaque,
                                       int *status)
{
    g_autoptr(FeatmaskProfileLoader) l = featmask_profile_loader_new(maps);
    g_autoptr(FeatmaskPoolBuilder) b = featmask_pool_builder_new(maps, flags,
                                                                 true);
    StreamSink s = { b, tap, opaque };
    g_autoptr(GPtrArray) none = NULL;
    FeatmaskPool *pool;
    Error *err = NULL;
    bool incompatible = false;

    featmask_profile_loader_set_sink(l, sink_to_pool, &s);
    if (!cli_load_into(l, args, nargs, &err) ||
        !(none = featmask_profile_loader_finish(l, &err))) {
        cli_error(err);
        *status = FEATMASK_EXIT_USAGE;
        return NULL;
    }
    pool = featmask_pool_builder_finish(b, &incompatible, &err);
    return negotiated(pool, err, incompatible, status);
}

void cli_print_json(JsonNode *root)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autofree char *text = NULL;

    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_indent(gen, 2);
    text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
}

void cli_json_add_names(JsonBuilder *b, const char *member,
                        const FeatmaskSet *set)
{
    g_autofree const char **names = featmask_set_to_names(set);
    const char **n;

    json_builder_set_member_name(b, member);
    json_builder_begin_array(b);
    for (n = names; *n; n++) {
        json_builder_add_string_value(b, *n);
    }
    json_builder_end_array(b);
}

void cli_json_add_string(JsonBuilder *b, const char *member, const char *value)
{
    json_builder_set_member_name(b, member);
    json_builder_add_string_value(b, value);
}

/*
 * -o FILE: standard output goes to a file next to FILE, renamed over it
 * when the command succeeds, so that FILE is never half written and
 * nothing else reaches the terminal.
 */
static char *output_path;
static char *output_tmp;

bool cli_output_begin(const char *path)
{
    struct stat st;
    mode_t mask;
    int fd;

    if (!path || !strcmp(path, "-")) {
        return true;
    }
    /*
     * Only a regular file is replaced by rename(): a device or a FIFO
     * (-o /dev/null, -o /dev/stderr) is written in place, never renamed
     * over.
     */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (!freopen(path, "w", stdout)) {
            fprintf(stderr, "featmask: cannot write %s: %s\n", path,
                    g_strerror(errno));
            return false;
        }
        return true;
    }
    output_tmp = g_strdup_printf("%s.XXXXXX", path);
    fd = g_mkstemp(output_tmp);
    if (fd < 0 || !freopen(output_tmp, "w", stdout)) {
        fprintf(stderr, "featmask: cannot write %s: %s\n", path,
                g_strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(output_tmp);
        }
        g_clear_pointer(&output_tmp, g_free);
        return false;
    }
    /* mkstemp() makes the file 0600; give it what open() would. */
    mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    close(fd);
    output_path = g_strdup(path);
    return true;
}

int cli_output_end(int status)
{
    if (!output_tmp) {
        return status;
    }
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, "featmask: cannot write %s: %s\n", output_path,
                g_strerror(errno));
        status = FEATMASK_EXIT_USAGE;
    }
    if (status == FEATMASK_EXIT_OK && rename(output_tmp, output_path) < 0) {
        fprintf(stderr, "featmask: cannot write %s: %s\n", output_path,
                g_strerror(errno));
        status = FEATMASK_EXIT_USAGE;
    }
    if (status != FEATMASK_EXIT_OK) {
        unlink(output_tmp);
    }
    g_clear_pointer(&output_tmp, g_free);
    g_clear_pointer(&output_path, g_free);
    return status;
}

/* Host lists longer than this are summarised, or named once per group. */
#define HOSTS_IN_FULL 10

static const char *host_name(const FeatmaskPool *pool, const size_t *idx,
                             size_t i)
{
    return featmask_pool_host(pool, idx ? idx[i] : i);
}

char *cli_hosts_summary(const FeatmaskPool *pool, const size_t *idx,
                        size_t n, const char *sep)
{
    GString *s = g_string_new(NULL);
    size_t i;

    for (i = 0; i < n; i++) {
        if (n > HOSTS_IN_FULL && i == HOSTS_IN_FULL / 2) {
            g_string_append_printf(s, "%s...", sep);
            i = n - 2;
        }
        g_string_append_printf(s, "%s%s", i ? sep : "",
                               host_name(pool, idx, i));
    }
    if (n > HOSTS_IN_FULL) {
        g_string_append_printf(s, " (%zu hosts)", n);
    }
    return g_string_free(s, FALSE);
}

/*
 * Long lists of the hosts that lack a feature: each distinct list is
 * named once, as a numbered group, and the features refer to it.
 */
struct CliHostGroups {
    GHashTable *index;          /* GBytes of the host indexes -> group */
    GPtrArray *groups;          /* GBytes, in order of first use */
};

CliHostGroups *cli_host_groups_new(void)
{
    CliHostGroups *g = g_new0(CliHostGroups, 1);

    g->index = g_hash_table_new(g_bytes_hash, g_bytes_equal);
    g->groups = g_ptr_array_new_with_free_func(
        (GDestroyNotify)g_bytes_unref);
    return g;
}

void cli_host_groups_free(CliHostGroups *g)
{
    if (g) {
        g_hash_table_destroy(g->index);
        g_ptr_array_unref(g->groups);
        g_free(g);
    }
}

char *cli_drop_describe(CliHostGroups *g, const FeatmaskPool *pool,
                        const FeatmaskDrop *d)
{
    g_autoptr(GBytes) key = NULL;
    gpointer n;

    if (d->reason != FEATMASK_DROP_MISSING || d->nhosts <= HOSTS_IN_FULL) {
        return featmask_drop_describe(pool, d);
    }
    key = g_bytes_new(d->hosts, d->nhosts * sizeof(d->hosts[0]));
    if (!g_hash_table_lookup_extended(g->index, key, NULL, &n)) {
        g_ptr_array_add(g->groups, g_bytes_ref(key));
        n = GUINT_TO_POINTER(g->groups->len);
        g_hash_table_insert(g->index, key, n);
    }
    return g_strdup_printf("missing on %zu hosts (group %u)", d->nhosts,
                           GPOINTER_TO_UINT(n));
}

void cli_host_groups_print(CliHostGroups *g, const FeatmaskPool *pool)
{
    guint i;
    size_t h, n, col;

    for (i = 0; i < g->groups->len; i++) {
        const size_t *idx = g_bytes_get_data(g->groups->pdata[i], &n);

        n /= sizeof(idx[0]);
        printf("  group %u, %zu hosts:\n   ", i + 1, n);
        for (h = 0, col = 3; h < n; h++) {
            const char *name = host_name(pool, idx, h);

            if (col > 3 && col + 1 + strlen(name) > 79) {
                printf("\n   ");
                col = 3;
            }
            col += printf(" %s", name);
        }
        printf("\n");
    }
    g_ptr_array_set_size(g->groups, 0);
    g_hash_table_remove_all(g->index);
}
