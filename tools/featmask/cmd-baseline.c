/*
 * featmask baseline: the features every host has in common
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "target/i386/featmask-cpu.h"
#include "cli.h"

static gboolean opt_json, opt_explain, opt_keep;
static char *opt_output;

static const GOptionEntry baseline_options[] = {
    { "explain", 'e', 0, G_OPTION_ARG_NONE, &opt_explain,
      "say why each feature was dropped", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
      "print the baseline profile (JSON)", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
      "write the baseline profile to FILE, nothing to standard output",
      "FILE" },
    { "keep-unmigratable", 0, 0, G_OPTION_ARG_NONE, &opt_keep,
      "keep features QEMU cannot migrate", NULL },
    { NULL }
};

/* The closest named model of the common set, or NULL (and why). */
static X86ModelChoice *pool_model(const FeatmaskPool *pool, char **why)
{
    Error *err = NULL;
    X86ModelChoice *c;

    *why = NULL;
    if (!pool->cpu || strcmp(pool->cpu->type, X86_FEATMASK_KIND)) {
        return NULL;
    }
    if (!pool->cpu_vendor) {
        *why = g_strdup("the hosts' CPU vendors differ");
        return NULL;
    }
    c = x86_model_choose(featmask_baseline_common(pool->cpu->baseline),
                         pool->cpu_vendor, &err);
    if (!c) {
        *why = g_strdup(error_get_pretty(err));
        error_free(err);
    }
    return c;
}

static void print_item(const FeatmaskPool *pool, const FeatmaskPoolItem *item,
                       const char *title)
{
    const FeatmaskSet *common = featmask_baseline_common(item->baseline);
    g_autofree char *list = featmask_set_format(common);
    g_autoptr(CliHostGroups) groups = cli_host_groups_new();
    size_t i, n = featmask_baseline_ndrops(item->baseline);

    printf("%s: %zu of %zu features in common, %zu dropped\n  %s\n", title,
           featmask_set_count(common), featmask_map_size(item->map), n,
           list);
    if (!opt_explain || !n) {
        return;
    }
    printf("  dropped:\n");
    for (i = 0; i < n; i++) {
        const FeatmaskDrop *d = featmask_baseline_drop(item->baseline, i);
        g_autofree char *why = cli_drop_describe(groups, pool, d);

        printf("    %-24s %s\n", featmask_map_get(item->map, d->feature)->name,
               why);
    }
    cli_host_groups_print(groups, pool);
}

/* Which hosts' CPU data left feature words unknown. */
static void print_unknown_words(const FeatmaskPool *pool)
{
    guint i;

    for (i = 0; i < pool->unknown->len; i++) {
        FeatmaskPoolUnknown *u = pool->unknown->pdata[i];
        g_autofree char *list = g_strjoinv("; ", u->words);

        printf("  not told by %s's CPU data (their features count as "
               "missing there): %s\n", featmask_pool_host(pool, u->host),
               list);
    }
}

static void print_human(const FeatmaskPool *pool)
{
    g_autofree char *hosts = cli_hosts_summary(pool, NULL, pool->nhosts,
                                               " ");
    guint i;

    printf("baseline of %zu host%s: %s\n", pool->nhosts,
           pool->nhosts > 1 ? "s" : "", hosts);
    if (pool->cpu) {
        g_autofree char *title = g_strdup_printf("cpu (%s%s%s)",
            pool->cpu->type, pool->cpu_vendor ? ", " : "",
            pool->cpu_vendor ? pool->cpu_vendor : "");
        g_autofree char *why = NULL;
        g_autoptr(X86ModelChoice) model = pool_model(pool, &why);

        print_item(pool, pool->cpu, title);
        if (opt_explain) {
            print_unknown_words(pool);
        }
        if (model) {
            g_autofree char *m = x86_model_choice_format(model);
            printf("  closest named model: %s\n", m);
        } else if (why) {
            printf("  no named model fits: %s\n", why);
        }
    }
    for (i = 0; i < pool->devices->len; i++) {
        FeatmaskPoolItem *item = pool->devices->pdata[i];
        g_autofree char *title = g_strdup_printf("device %s (%s)", item->id,
                                                 item->type);
        print_item(pool, item, title);
    }
}

/* Add to @obj why each feature of @item was dropped. */
static void add_drops(JsonObject *obj, const FeatmaskPool *pool,
                      const FeatmaskPoolItem *item)
{
    static const char *const reasons[] = {
        [FEATMASK_DROP_MISSING] = "missing",
        [FEATMASK_DROP_DEPENDENCY] = "dependency",
        [FEATMASK_DROP_UNMIGRATABLE] = "unmigratable",
    };
    JsonArray *drops = json_array_new();
    size_t i, h;

    for (i = 0; i < featmask_baseline_ndrops(item->baseline); i++) {
        const FeatmaskDrop *d = featmask_baseline_drop(item->baseline, i);
        JsonObject *o = json_object_new();

        json_object_set_string_member(o, "feature",
            featmask_map_get(item->map, d->feature)->name);
        json_object_set_string_member(o, "reason", reasons[d->reason]);
        if (d->reason == FEATMASK_DROP_MISSING) {
            JsonArray *hosts = json_array_new();

            for (h = 0; h < d->nhosts; h++) {
                json_array_add_string_element(
                    hosts, featmask_pool_host(pool, d->hosts[h]));
            }
            json_object_set_array_member(o, "hosts", hosts);
        } else if (d->lost) {
            json_object_set_string_member(o, "needs", d->lost);
        }
        json_array_add_object_element(drops, o);
    }
    json_object_set_array_member(obj, "dropped", drops);
}

/* The baseline profile, with the reasons when --explain is given. */
static JsonNode *baseline_json(const FeatmaskPool *pool)
{
    g_autoptr(FeatmaskProfile) base = featmask_pool_baseline(pool);
    JsonNode *root = featmask_profile_to_node(base);
    JsonObject *obj = json_node_get_object(root);
    guint i;

    if (!opt_explain) {
        return root;
    }
    if (pool->cpu) {
        add_drops(json_object_get_object_member(obj, "cpu"), pool,
                  pool->cpu);
    }
    for (i = 0; i < pool->devices->len; i++) {
        JsonArray *devs = json_object_get_array_member(obj, "devices");

        add_drops(json_array_get_object_element(devs, i), pool,
                  pool->devices->pdata[i]);
    }
    return root;
}

int cmd_baseline(int argc, char **argv)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(FeatmaskPool) pool = NULL;
    int status;

    if (!cli_parse("baseline", "PROFILE...", "Computes the features every "
                   "host has in common: for the CPU and for each device\n"
                   "(matched by id), the intersection of the hosts' "
                   "features, without what QEMU\ncannot migrate, closed under"
                   " dependencies.  The result is itself a profile\n"
                   "(host \"baseline\").", baseline_options, &argc, &argv)) {
        return FEATMASK_EXIT_USAGE;
    }
    if (argc < 2) {
        return cli_usage("baseline", "no host profiles given");
    }
    /* Only the pool's sets are printed: the profiles need not be kept. */
    pool = cli_negotiate_stream(argv + 1, argc - 1, maps,
                                (opt_keep ? FEATMASK_KEEP_UNMIGRATABLE : 0) |
                                (opt_explain ? 0 :
                                 FEATMASK_COUNT_MISSING_HOSTS), &status);
    if (!pool) {
        return status;
    }
    if (opt_output) {
        g_autoptr(FeatmaskProfile) base = featmask_pool_baseline(pool);
        Error *err = NULL;

        if (!featmask_profile_save(base, opt_output, &err)) {
            cli_error(err);
            return FEATMASK_EXIT_USAGE;
        }
        return FEATMASK_EXIT_OK;
    }
    if (opt_json) {
        g_autoptr(JsonNode) root = baseline_json(pool);
        cli_print_json(root);
    } else {
        print_human(pool);
    }
    return FEATMASK_EXIT_OK;
}
