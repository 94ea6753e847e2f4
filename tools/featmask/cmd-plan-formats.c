/*
 * featmask plan --format: the plan for the tools that launch VMs
 *
 * libvirt: per host, the domain XML fragments (libvirt.c).
 * selector: the Kubernetes node selector that admits exactly the hosts
 * that can run the pool's common set (labels.c).
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "cli.h"
#include "libvirt.h"
#include "labels.h"

static const char *const formats[] = {
    "text", "json", "libvirt", "selector", NULL
};

bool cli_plan_format_ok(const char *format, const char *host,
                        gboolean *json)
{
    if (host && (!format || strcmp(format, "libvirt"))) {
        cli_usage("plan", "--host applies to --format libvirt only");
        return false;
    }
    if (!format) {
        return true;
    }
    if (!g_strv_contains(formats, format)) {
        g_autofree char *list = g_strjoinv(", ", (char **)formats);

        cli_usage("plan", "--format takes one of %s, not '%s'", list,
                  format);
        return false;
    }
    if (*json && strcmp(format, "json")) {
        cli_usage("plan", "--json and --format %s exclude each other",
                  format);
        return false;
    }
    if (!strcmp(format, "json")) {
        *json = TRUE;
    }
    return true;
}

bool cli_plan_format_other(const char *format)
{
    return format && strcmp(format, "text") && strcmp(format, "json");
}

/* The index of host @name in the pool, or -1 after saying so. */
static int find_host(const FeatmaskPool *pool, const char *name)
{
    GString *near = g_string_new(NULL);
    guint h, n = 0;

    for (h = 0; h < pool->profiles->len; h++) {
        const char *host = ((FeatmaskProfile *)pool->profiles->pdata[h])->host;

        if (!strcmp(host, name)) {
            g_string_free(near, TRUE);
            return h;
        }
        if (n < 5 && (g_str_has_prefix(host, name) ||
                      g_str_has_prefix(name, host))) {
            g_string_append_printf(near, "%s'%s'", n++ ? ", " : "", host);
        }
    }
    fprintf(stderr, "featmask: --host '%s' is not a host of the pool%s%s\n",
            name, n ? "; did you mean " : "", near->str);
    g_string_free(near, TRUE);
    return -1;
}

static void print_messages(GPtrArray *list, const char *prefix)
{
    guint i;

    for (i = 0; i < list->len; i++) {
        fprintf(stderr, "featmask: %s%s\n", prefix, (char *)list->pdata[i]);
    }
}

/*
 * features= goes through <qemu:override> only when every host's QEMU has
 * featmask's patch-set; otherwise every host gets <driver> attributes.
 */
static bool all_patched(const FeatmaskPool *pool, const char *qemu_kind)
{
    guint h;

    if (qemu_kind) {
        return !strcmp(qemu_kind, "patched");
    }
    for (h = 0; h < pool->profiles->len; h++) {
        if (g_strcmp0(((FeatmaskProfile *)pool->profiles->pdata[h])->qemu_kind,
                      "patched")) {
            return false;
        }
    }
    return true;
}

static int render_libvirt(const FeatmaskPool *pool,
                          const X86ModelChoice *model, int only,
                          CliFeaturesValue *features_value)
{
    g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
    FeatmaskLibvirtPlan plan = { .pool = pool, .model = model };
    guint h, d;

    if (features_value) {
        for (d = 0; d < pool->devices->len; d++) {
            g_ptr_array_add(values, features_value(pool->devices->pdata[d]));
        }
        plan.features = (char *const *)values->pdata;
    }
    for (h = 0; h < pool->profiles->len; h++) {
        if (only < 0 || h == (guint)only) {
            g_ptr_array_add(docs, featmask_libvirt_host(&plan, h, problems,
                                                        docs->len ? NULL
                                                                  : notes));
        }
    }
    print_messages(notes, "warning: ");
    if (problems->len) {
        print_messages(problems, "");
        fprintf(stderr, "featmask: libvirt cannot carry this plan out"
                " (%u problem%s above); no XML written\n", problems->len,
                problems->len > 1 ? "s" : "");
        return FEATMASK_EXIT_INCOMPATIBLE;
    }
    for (h = 0; h < docs->len; h++) {
        printf("%s%s", h ? "\n" : "", (char *)docs->pdata[h]);
    }
    return FEATMASK_EXIT_OK;
}

/*
 * A nodeSelector: every label it names must be on the node with that
 * value, which is exactly "has every feature of the common set".
 */
static int render_selector(const FeatmaskPool *pool)
{
    g_autoptr(GPtrArray) labels = NULL;
    g_autofree char *hosts = cli_hosts_summary(pool, NULL,
                                               pool->profiles->len, " ");
    Error *err = NULL;
    guint i;

    labels = featmask_labels_selector(pool, &err);
    if (!labels) {
        cli_error(err);
        return FEATMASK_EXIT_USAGE;
    }
    printf("# featmask: the nodes that can run the common set of %u host%s"
           " (%s),\n# as labelled by 'featmask labels'\nnodeSelector:\n",
           pool->profiles->len, pool->profiles->len > 1 ? "s" : "", hosts);
    for (i = 0; i < labels->len; i++) {
        FeatmaskLabel *l = labels->pdata[i];

        printf("  %s: \"%s\"\n", l->name, l->value);
    }
    return FEATMASK_EXIT_OK;
}

int cli_plan_render(const char *format, const FeatmaskPool *pool,
                    const char *cpu_form, const char *qemu_kind,
                    const char *host, CliFeaturesValue *features_value)
{
    g_autoptr(X86ModelChoice) model = NULL;
    int only = host ? find_host(pool, host) : -1;

    if (host && only < 0) {
        return FEATMASK_EXIT_USAGE;
    }
    if (!strcmp(format, "libvirt")) {
        if (pool->cpu && !g_strcmp0(cpu_form, "model")) {
            Error *err = NULL;

            if (strcmp(pool->cpu->type, X86_FEATMASK_KIND) ||
                !pool->cpu_vendor) {
                fprintf(stderr, "featmask: --cpu-form model needs x86 CPUs"
                        " of one vendor\n");
                return FEATMASK_EXIT_INCOMPATIBLE;
            }
            model = x86_model_choose(featmask_baseline_common(
                pool->cpu->baseline), pool->cpu_vendor, &err);
            if (!model) {
                cli_error(err);
                return FEATMASK_EXIT_INCOMPATIBLE;
            }
        }
        return render_libvirt(pool, model, only,
                              all_patched(pool, qemu_kind) ? features_value
                                                           : NULL);
    }
    return render_selector(pool);
}
