/*
 * featmask plan: per host, the QEMU arguments of the common feature set
 *
 * The CPU comes as QEMU's migration documentation writes it: "-cpu host"
 * with what this host has beyond the common set switched off, or a named
 * model with the extra features every host has.  Devices come in two
 * forms: "features=" of featmask's QEMU patch-set (the same on every
 * host, enforced by QEMU), and the per-property switches that unpatched
 * QEMU takes ("csum=off"), which differ from host to host.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "target/i386/featmask-cpu.h"
#include "cli.h"

static gboolean opt_json;
static char *opt_cpu_form;
static char *opt_qemu_kind;
static char *opt_format;
static char *opt_host;
static char *opt_output;

static const GOptionEntry plan_options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, "print JSON", NULL },
    { "cpu-form", 0, 0, G_OPTION_ARG_STRING, &opt_cpu_form,
      "host: -cpu host,x=off (default); model: -cpu Model-vN,+x", "FORM" },
    { "qemu-kind", 0, 0, G_OPTION_ARG_STRING, &opt_qemu_kind,
      "patched: features=; stock: per-property switches; both "
      "(default: what the profiles say, else both)", "KIND" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &opt_format,
      "text (default), json, libvirt (domain XML) or selector (Kubernetes)",
      "FORMAT" },
    { "host", 0, 0, G_OPTION_ARG_STRING, &opt_host,
      "only this host's part of the plan", "HOST" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
      "write the plan to FILE, nothing to standard output", "FILE" },
    { NULL }
};

enum { FORM_PATCHED = 1, FORM_STOCK = 2 };

/* "a=off,b=off" for the members of @set; no_property ones to @fixed. */
static char *switches(const FeatmaskSet *set, const char *value,
                      GPtrArray *fixed)
{
    GString *parts = g_string_new(NULL);
    const FeatmaskMap *map = featmask_set_map(set);
    int i;

    for (i = featmask_set_next(set, 0); i >= 0;
         i = featmask_set_next(set, i + 1)) {
        const FeatmaskFeature *f = featmask_map_get(map, i);

        if (fixed && f->no_property) {
            g_ptr_array_add(fixed, (char *)f->name);
            continue;
        }
        /* One line per host and device: no allocation per feature. */
        if (parts->len) {
            g_string_append_c(parts, ',');
        }
        g_string_append(parts, f->name);
        g_string_append_c(parts, '=');
        g_string_append(parts, value);
    }
    return g_string_free(parts, FALSE);
}

/* "-cpu host,a=off" for host @h. */
static char *cpu_host_arg(const FeatmaskPool *pool, guint h)
{
    g_autofree char *off = switches(
        featmask_baseline_turn_off(pool->cpu->baseline, h), "off", NULL);

    return g_strdup_printf("-cpu host%s%s", *off ? "," : "", off);
}

/*
 * The features= value: everything but what is not common.  It names the
 * whole common set, so it is the same on every host, and as "all,-x" it
 * reads the same way through QEMU's option parser as "-x" keys.
 */
static char *features_value(const FeatmaskPoolItem *item)
{
    const FeatmaskSet *common = featmask_baseline_common(item->baseline);
    g_autoptr(FeatmaskSet) none = featmask_set_new(item->map);
    g_autoptr(FeatmaskSet) off = featmask_set_new_full(item->map);
    g_autoptr(FeatmaskMask) mask = NULL;

    featmask_set_subtract(off, common);
    mask = featmask_mask_new(FEATMASK_BASE_ALL, none, off);
    return featmask_mask_format(mask);
}

static int qemu_forms(GPtrArray *profiles)
{
    int forms = 0;
    guint i;

    if (opt_qemu_kind) {
        return !strcmp(opt_qemu_kind, "patched") ? FORM_PATCHED :
               !strcmp(opt_qemu_kind, "stock") ? FORM_STOCK :
               !strcmp(opt_qemu_kind, "both") ? FORM_PATCHED | FORM_STOCK : 0;
    }
    for (i = 0; i < profiles->len; i++) {
        const char *kind = ((FeatmaskProfile *)profiles->pdata[i])->qemu_kind;

        if (!kind) {
            return FORM_PATCHED | FORM_STOCK;
        }
        forms |= !strcmp(kind, "patched") ? FORM_PATCHED : FORM_STOCK;
    }
    /* A pool of patched and stock QEMUs can only use the stock form. */
    return forms == (FORM_PATCHED | FORM_STOCK) ? FORM_STOCK : forms;
}

int cmd_plan(int argc, char **argv)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(FeatmaskPool) pool = NULL;
    g_autoptr(X86ModelChoice) model = NULL;
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *model_str = NULL;
    g_autofree char *model_arg = NULL;
    int status, forms;
    guint h, d;

    if (!cli_parse("plan", "PROFILE...", "Prints, for each host, the QEMU "
                   "arguments that launch a VM with only the\nfeatures "
                   "every host has: the CPU, and each device both as "
                   "features= (QEMU\nwith featmask's patch-set) and as "
                   "per-property switches (any QEMU).", plan_options, &argc,
                   &argv)) {
        return FEATMASK_EXIT_USAGE;
    }
    if (opt_cpu_form && strcmp(opt_cpu_form, "host") &&
        strcmp(opt_cpu_form, "model")) {
        return cli_usage("plan", "--cpu-form takes 'host' or 'model', not"
                         " '%s'", opt_cpu_form);
    }
    if (opt_qemu_kind && strcmp(opt_qemu_kind, "patched") &&
        strcmp(opt_qemu_kind, "stock") && strcmp(opt_qemu_kind, "both")) {
        return cli_usage("plan", "--qemu-kind takes 'patched', 'stock' or"
                         " 'both', not '%s'", opt_qemu_kind);
    }
    if (!cli_plan_format_ok(opt_format, opt_host, &opt_json) ||
        !cli_output_begin(opt_output)) {
        return FEATMASK_EXIT_USAGE;
    }
    if (argc < 2) {
        return cli_usage("plan", "no host profiles given");
    }
    pool = cli_negotiate(argv + 1, argc - 1, maps, &profiles, 0, &status);
    if (!pool) {
        return status;
    }
    if (cli_plan_format_other(opt_format)) {
        return cli_plan_render(opt_format, pool, opt_cpu_form, opt_qemu_kind,
                               opt_host, features_value);
    }
    forms = qemu_forms(profiles);

    if (pool->cpu && opt_cpu_form && !strcmp(opt_cpu_form, "model")) {
        Error *err = NULL;

        if (strcmp(pool->cpu->type, X86_FEATMASK_KIND) || !pool->cpu_vendor) {
            fprintf(stderr, "featmask: --cpu-form model needs x86 CPUs of one"
                    " vendor\n");
            return FEATMASK_EXIT_INCOMPATIBLE;
        }
        model = x86_model_choose(featmask_baseline_common(pool->cpu->baseline),
                                 pool->cpu_vendor, &err);
        if (!model) {
            cli_error(err);
            return FEATMASK_EXIT_INCOMPATIBLE;
        }
        model_str = x86_model_choice_format(model);
        model_arg = g_strdup_printf("-cpu %s", model_str);
    }

    json_builder_begin_array(b);
    /* The features= value is the same on every host. */
    for (d = 0; d < pool->devices->len; d++) {
        g_ptr_array_add(values, features_value(pool->devices->pdata[d]));
    }
    for (h = 0; h < profiles->len; h++) {
        FeatmaskProfile *p = profiles->pdata[h];

        if (opt_json) {
            json_builder_begin_object(b);
            cli_json_add_string(b, "host", p->host);
        }
        if (pool->cpu) {
            g_autofree char *arg = model_arg ? g_strdup(model_arg)
                                             : cpu_host_arg(pool, h);

            if (opt_json) {
                json_builder_set_member_name(b, "cpu");
                json_builder_begin_object(b);
                cli_json_add_string(b, "args", arg);
                cli_json_add_names(b, "turn-off",
                    featmask_baseline_turn_off(pool->cpu->baseline, h));
                json_builder_end_object(b);
            } else {
                printf("%s: %s\n", p->host, arg);
            }
        }
        if (opt_json) {
            json_builder_set_member_name(b, "devices");
            json_builder_begin_array(b);
        }
        for (d = 0; d < pool->devices->len; d++) {
            FeatmaskPoolItem *item = pool->devices->pdata[d];
            const FeatmaskSet *off = featmask_baseline_turn_off(item->baseline,
                                                                h);
            g_autoptr(GPtrArray) fixed = g_ptr_array_new();
            const char *value = values->pdata[d];
            g_autofree char *sw = switches(off, "off", fixed);
            g_autofree char *patched = g_strdup_printf(
                "-device %s,id=%s,features=%s", item->type, item->id, value);
            g_autofree char *stock = g_strdup_printf(
                "-device %s,id=%s%s%s", item->type, item->id, *sw ? "," : "",
                sw);

            if (!opt_json) {
                goto text;
            }
            json_builder_begin_object(b);
            cli_json_add_string(b, "id", item->id);
            cli_json_add_string(b, "type", item->type);
            cli_json_add_string(b, "features", value);
            cli_json_add_names(b, "turn-off", off);
            if (forms & FORM_PATCHED) {
                cli_json_add_string(b, "args-patched", patched);
            }
            if (forms & FORM_STOCK) {
                cli_json_add_string(b, "args-stock", stock);
            }
            json_builder_set_member_name(b, "no-property");
            json_builder_begin_array(b);
            for (guint i = 0; i < fixed->len; i++) {
                json_builder_add_string_value(b, fixed->pdata[i]);
            }
            json_builder_end_array(b);
            json_builder_end_object(b);
            continue;
        text:
            if (forms & FORM_PATCHED) {
                printf("%s: %s\n", p->host, patched);
            }
            if (forms & FORM_STOCK) {
                printf("%s: %s%s\n", p->host, stock,
                       forms & FORM_PATCHED ? "   (unpatched QEMU)" : "");
                if (fixed->len) {
                    g_autofree char *list = NULL;

                    g_ptr_array_add(fixed, NULL);
                    list = g_strjoinv(", ", (char **)fixed->pdata);
                    printf("%s:   note: no QEMU property switches off %s;"
                           " the backend of %s must not offer it\n",
                           p->host, list, item->id);
                }
            }
        }
        if (opt_json) {
            json_builder_end_array(b);
            json_builder_end_object(b);
        }
    }
    json_builder_end_array(b);
    if (opt_json) {
        g_autoptr(JsonNode) root = json_builder_get_root(b);
        cli_print_json(root);
    }
    return FEATMASK_EXIT_OK;
}
