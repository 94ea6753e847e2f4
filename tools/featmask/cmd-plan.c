/*
 * featmask plan: per host, the QEMU arguments of the common feature set
 *
 * The CPU comes as QEMU's migration documentation writes it: "-cpu host"
 * (KVM) or "-cpu max" (TCG) with what this host has beyond the common
 * set switched off, or a named model with what the common set adds to it
 * and lacks of it.  Devices come in two forms: "features=" of featmask's
 * QEMU patch-set (the same explicit list on every host, enforced by
 * QEMU), and the per-property switches that unpatched QEMU takes
 * ("csum=off"), which differ from host to host.
 *
 * The plan is built as data first (Plan), then checked against what each
 * host's QEMU can switch, then rendered (text, JSON) or verified by
 * starting each host's QEMU (verify.c).
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "target/i386/featmask-cpu.h"
#include "cli.h"
#include "verify.h"

static gboolean opt_json;
static char *opt_cpu_form;
static char *opt_qemu_kind;
static gboolean opt_verify;
static char **opt_qemu;
static char *opt_format;
static char *opt_host;
static char *opt_output;

static const GOptionEntry plan_options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, "print JSON", NULL },
    { "cpu-form", 0, 0, G_OPTION_ARG_STRING, &opt_cpu_form,
      "host: -cpu host,x=off under KVM, -cpu max,x=off under TCG "
      "(default); model: -cpu Model-vN,+x,-y", "FORM" },
    { "qemu-kind", 0, 0, G_OPTION_ARG_STRING, &opt_qemu_kind,
      "patched: features=; stock: per-property switches; both "
      "(default: what each profile says, else both)", "KIND" },
    { "verify", 0, 0, G_OPTION_ARG_NONE, &opt_verify,
      "start each host's QEMU paused with its lines and report the lines "
      "it refuses", NULL },
    { "qemu", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_qemu,
      "with --verify: run HOST's QEMU from BINARY (default: the profile's "
      "qemu binary)", "HOST=BINARY" },
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

/**
 * PlanDevice: one device's lines on one host
 * @item: the device's negotiation
 * @off: what this host turns off
 * @fixed: names of @off no switch of this host's QEMU turns off
 * @patched: the features= line, or NULL when not this host's form
 * @stock: the per-property line, or NULL when not this host's form
 */
typedef struct PlanDevice {
    const FeatmaskPoolItem *item;
    const FeatmaskSet *off;
    GPtrArray *fixed;
    char *patched;
    char *stock;
} PlanDevice;

/**
 * PlanHost: one host's lines
 * @p: its profile
 * @cpu: the -cpu line, or NULL without CPUs
 * @cpu_off: what this host's CPU turns off
 * @forms: FORM_PATCHED and/or FORM_STOCK
 * @devices: PlanDevice *
 */
typedef struct PlanHost {
    FeatmaskProfile *p;
    char *cpu;
    const FeatmaskSet *cpu_off;
    int forms;
    GPtrArray *devices;
} PlanHost;

/**
 * Plan:
 * @cpu: the CPU features every host's line gives the guest, or NULL
 * @hosts: PlanHost *, in the order of the profiles
 * @features: per device of the pool, its features= value (char *)
 * @problems: what a host must turn off and its QEMU cannot (char *)
 */
typedef struct Plan {
    const FeatmaskSet *cpu;
    GPtrArray *hosts;
    GPtrArray *features;
    GPtrArray *problems;
} Plan;

static void plan_device_free(void *opaque)
{
    PlanDevice *d = opaque;

    g_ptr_array_free(d->fixed, TRUE);
    g_free(d->patched);
    g_free(d->stock);
    g_free(d);
}

static void plan_host_free(void *opaque)
{
    PlanHost *h = opaque;

    g_free(h->cpu);
    g_ptr_array_free(h->devices, TRUE);
    g_free(h);
}

static void plan_free(Plan *plan)
{
    g_ptr_array_free(plan->hosts, TRUE);
    g_ptr_array_free(plan->features, TRUE);
    g_ptr_array_free(plan->problems, TRUE);
    g_free(plan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Plan, plan_free)

/* "QEMU 7.2.22 of host-a", for messages. */
static char *qemu_of(const FeatmaskProfile *p)
{
    g_autofree char *version = NULL;

    if (p->qemu_version) {
        version = g_strndup(p->qemu_version, strcspn(p->qemu_version, " "));
    }
    return g_strdup_printf("QEMU%s%s of %s", version ? " " : "",
                           version ? version : "", p->host);
}

/* Can @p's QEMU switch feature @idx of @map? */
static bool can_switch(const FeatmaskProfile *p, const char *type,
                       const FeatmaskMap *map, int idx)
{
    char *const *names = featmask_profile_switches(p, type);
    const FeatmaskFeature *f = featmask_map_get(map, idx);

    if (names) {
        return g_strv_contains((const char *const *)names, f->name);
    }
    /* Unknown QEMU: the map says whether QEMU has a property for it. */
    return !f->no_property || f->switch_prop;
}

static void add_problem(Plan *plan, const FeatmaskProfile *p,
                        const char *what, const char *feature,
                        const char *why)
{
    g_ptr_array_add(plan->problems, g_strdup_printf(
        "%s: %s: cannot turn off '%s': %s", p->host, what, feature, why));
}

/*
 * "a=off,b=off" for the members of @set; those @p's QEMU cannot switch
 * go to @fixed.
 */
static char *switches(const FeatmaskProfile *p, const char *type,
                      const FeatmaskSet *set, GPtrArray *fixed)
{
    GString *parts = g_string_new(NULL);
    const FeatmaskMap *map = featmask_set_map(set);
    int i;

    for (i = featmask_set_next(set, 0); i >= 0;
         i = featmask_set_next(set, i + 1)) {
        const FeatmaskFeature *f = featmask_map_get(map, i);

        if (!can_switch(p, type, map, i)) {
            g_ptr_array_add(fixed, (char *)f->name);
            continue;
        }
        /* A line per host and device: no allocation per feature. */
        if (parts->len) {
            g_string_append_c(parts, ',');
        }
        /* A feature with a property of another name: that property. */
        g_string_append(parts, f->switch_prop ? f->switch_prop : f->name);
        g_string_append(parts, "=off");
    }
    return g_string_free(parts, FALSE);
}

/*
 * The features= value: "none:+a:+b", the common set listed one by one,
 * separated by ':' so that it needs no escaping on QEMU's command line.
 * It names every feature the guest may have, so a QEMU whose map knows a
 * feature featmask's does not still leaves it off: the mask cannot widen
 * from one QEMU version to the next, as "all,-x" would.
 */
static char *features_value(const FeatmaskPoolItem *item)
{
    const FeatmaskSet *common = featmask_baseline_common(item->baseline);
    g_autoptr(FeatmaskSet) none = featmask_set_new(item->map);
    g_autoptr(FeatmaskMask) mask = featmask_mask_new(FEATMASK_BASE_NONE,
                                                     common, none);

    return g_strdelimit(featmask_mask_format(mask), ",", ':');
}

/* The forms of host @p: --qemu-kind, else what its profile says. */
static int qemu_forms(const FeatmaskProfile *p)
{
    const char *kind = opt_qemu_kind ? opt_qemu_kind : p->qemu_kind;

    return !g_strcmp0(kind, "patched") ? FORM_PATCHED :
           !g_strcmp0(kind, "stock") ? FORM_STOCK : FORM_PATCHED | FORM_STOCK;
}

/* "-cpu host,a=off" under KVM (or unknown), "-cpu max,a=off" under TCG. */
static char *cpu_host_arg(Plan *plan, const FeatmaskPool *pool, guint h)
{
    const FeatmaskProfile *p = pool->profiles->pdata[h];
    const FeatmaskSet *off = featmask_baseline_turn_off(pool->cpu->baseline,
                                                        h);
    const char *model = !g_strcmp0(p->qemu_accel, "tcg") ? "max" : "host";
    g_autoptr(GPtrArray) fixed = g_ptr_array_new();
    g_autofree char *sw = switches(p, X86_FEATMASK_KIND, off, fixed);
    guint i;

    for (i = 0; i < fixed->len; i++) {
        g_autofree char *q = qemu_of(p);
        g_autofree char *why = g_strdup_printf(
            "%s has no -cpu switch for it (another host lacks it)", q);

        add_problem(plan, p, "cpu", fixed->pdata[i], why);
    }
    return g_strdup_printf("-cpu %s%s%s", model, *sw ? "," : "", sw);
}

/*
 * The one named model of the pool: among the models every host's QEMU
 * knows, removing only what every host's QEMU can switch.
 */
static char *cpu_model_arg(Plan *plan, const FeatmaskPool *pool,
                           Error **errp)
{
    const FeatmaskSet *common = featmask_baseline_common(pool->cpu->baseline);
    g_autoptr(FeatmaskSet) removable = featmask_set_new_full(pool->cpu->map);
    g_autoptr(GPtrArray) known = NULL;
    g_autoptr(X86ModelChoice) model = NULL;
    g_autofree char *line = NULL;
    guint h, k;
    size_t i;

    for (h = 0; h < pool->profiles->len; h++) {
        const FeatmaskProfile *p = pool->profiles->pdata[h];

        for (i = 0; i < featmask_map_size(pool->cpu->map); i++) {
            if (!can_switch(p, X86_FEATMASK_KIND, pool->cpu->map, i)) {
                featmask_set_del(removable, i);
            }
        }
        if (!p->qemu_cpu_models) {
            continue;
        }
        if (!known) {
            known = g_ptr_array_new_with_free_func(g_free);
            for (k = 0; p->qemu_cpu_models[k]; k++) {
                g_ptr_array_add(known, g_strdup(p->qemu_cpu_models[k]));
            }
            continue;
        }
        for (k = known->len; k-- > 0;) {
            if (!g_strv_contains((const char *const *)p->qemu_cpu_models,
                                 known->pdata[k])) {
                g_ptr_array_remove_index(known, k);
            }
        }
    }
    if (known) {
        g_ptr_array_add(known, NULL);
    }
    model = x86_model_choose_full(common, pool->cpu_vendor,
                                  known ? (const char *const *)known->pdata
                                        : NULL, removable, errp);
    if (!model) {
        return NULL;
    }
    /* What the model adds must be a switch of every host's QEMU too. */
    for (h = 0; h < pool->profiles->len; h++) {
        const FeatmaskProfile *p = pool->profiles->pdata[h];
        int f;

        for (f = featmask_set_next(model->extra, 0); f >= 0;
             f = featmask_set_next(model->extra, f + 1)) {
            if (!can_switch(p, X86_FEATMASK_KIND, pool->cpu->map, f)) {
                g_autofree char *q = qemu_of(p);
                g_autofree char *why = g_strdup_printf(
                    "%s has no -cpu switch to add it to %s", q, model->name);

                add_problem(plan, p, "cpu",
                            featmask_map_get(pool->cpu->map, f)->name, why);
            }
        }
    }
    line = x86_model_choice_format(model);
    return g_strdup_printf("-cpu %s", line);
}

static PlanDevice *plan_device(Plan *plan, const FeatmaskPool *pool,
                               PlanHost *host, guint h, guint d)
{
    const FeatmaskPoolItem *item = pool->devices->pdata[d];
    PlanDevice *dev = g_new0(PlanDevice, 1);
    g_autofree char *sw = NULL;
    guint i;

    dev->item = item;
    dev->off = featmask_baseline_turn_off(item->baseline, h);
    dev->fixed = g_ptr_array_new();
    sw = switches(host->p, item->type, dev->off, dev->fixed);
    if (host->forms & FORM_PATCHED) {
        dev->patched = g_strdup_printf("-device %s,id=%s,features=%s",
                                       item->type, item->id,
                                       (char *)plan->features->pdata[d]);
    }
    if (host->forms & FORM_STOCK) {
        dev->stock = g_strdup_printf("-device %s,id=%s%s%s", item->type,
                                     item->id, *sw ? "," : "", sw);
    }
    /*
     * A host whose profile says it runs stock QEMU must switch everything
     * off with properties: what it cannot is a problem, not a note.
     */
    if (host->forms == FORM_STOCK && host->p->qemu_kind) {
        for (i = 0; i < dev->fixed->len; i++) {
            g_autofree char *q = qemu_of(host->p);
            g_autofree char *why = g_strdup_printf(
                "%s has no %s property for it, its backend offers it and"
                " another host lacks it", q, item->type);

            add_problem(plan, host->p, item->id, dev->fixed->pdata[i], why);
        }
    }
    return dev;
}

/* The plan as data: every host's lines, and what no line can do. */
static Plan *plan_build(const FeatmaskPool *pool, bool model_form,
                        Error **errp)
{
    g_autoptr(Plan) plan = g_new0(Plan, 1);
    g_autofree char *model = NULL;
    guint h, d;

    plan->hosts = g_ptr_array_new_with_free_func(plan_host_free);
    plan->features = g_ptr_array_new_with_free_func(g_free);
    plan->problems = g_ptr_array_new_with_free_func(g_free);
    if (pool->cpu && !strcmp(pool->cpu->type, X86_FEATMASK_KIND)) {
        plan->cpu = featmask_baseline_common(pool->cpu->baseline);
    }
    for (d = 0; d < pool->devices->len; d++) {
        g_ptr_array_add(plan->features,
                        features_value(pool->devices->pdata[d]));
    }
    if (pool->cpu && model_form) {
        if (strcmp(pool->cpu->type, X86_FEATMASK_KIND) || !pool->cpu_vendor) {
            error_setg(errp, "--cpu-form model needs x86 CPUs of one vendor");
            return NULL;
        }
        model = cpu_model_arg(plan, pool, errp);
        if (!model) {
            return NULL;
        }
    }
    for (h = 0; h < pool->profiles->len; h++) {
        PlanHost *host = g_new0(PlanHost, 1);

        host->p = pool->profiles->pdata[h];
        host->forms = qemu_forms(host->p);
        host->devices = g_ptr_array_new_with_free_func(plan_device_free);
        g_ptr_array_add(plan->hosts, host);
        if (pool->cpu) {
            host->cpu_off = featmask_baseline_turn_off(pool->cpu->baseline,
                                                       h);
            host->cpu = model ? g_strdup(model)
                              : cpu_host_arg(plan, pool, h);
        }
        for (d = 0; d < pool->devices->len; d++) {
            g_ptr_array_add(host->devices,
                            plan_device(plan, pool, host, h, d));
        }
    }
    return g_steal_pointer(&plan);
}

static void render_json(const Plan *plan)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;
    guint h, d, i;

    json_builder_begin_array(b);
    for (h = 0; h < plan->hosts->len; h++) {
        const PlanHost *host = plan->hosts->pdata[h];

        json_builder_begin_object(b);
        cli_json_add_string(b, "host", host->p->host);
        if (host->cpu) {
            json_builder_set_member_name(b, "cpu");
            json_builder_begin_object(b);
            cli_json_add_string(b, "args", host->cpu);
            cli_json_add_names(b, "turn-off", host->cpu_off);
            json_builder_end_object(b);
        }
        json_builder_set_member_name(b, "devices");
        json_builder_begin_array(b);
        for (d = 0; d < host->devices->len; d++) {
            const PlanDevice *dev = host->devices->pdata[d];

            json_builder_begin_object(b);
            cli_json_add_string(b, "id", dev->item->id);
            cli_json_add_string(b, "type", dev->item->type);
            cli_json_add_string(b, "features", plan->features->pdata[d]);
            cli_json_add_names(b, "turn-off", dev->off);
            if (dev->patched) {
                cli_json_add_string(b, "args-patched", dev->patched);
            }
            if (dev->stock) {
                cli_json_add_string(b, "args-stock", dev->stock);
            }
            json_builder_set_member_name(b, "no-property");
            json_builder_begin_array(b);
            for (i = 0; i < dev->fixed->len; i++) {
                json_builder_add_string_value(b, dev->fixed->pdata[i]);
            }
            json_builder_end_array(b);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    root = json_builder_get_root(b);
    cli_print_json(root);
}

static void render_text(const Plan *plan)
{
    guint h, d;

    for (h = 0; h < plan->hosts->len; h++) {
        const PlanHost *host = plan->hosts->pdata[h];
        const char *name = host->p->host;

        if (host->cpu) {
            printf("%s: %s\n", name, host->cpu);
        }
        for (d = 0; d < host->devices->len; d++) {
            const PlanDevice *dev = host->devices->pdata[d];

            if (dev->patched) {
                printf("%s: %s\n", name, dev->patched);
            }
            if (!dev->stock) {
                continue;
            }
            printf("%s: %s%s\n", name, dev->stock,
                   dev->patched ? "   (unpatched QEMU)" : "");
            if (dev->fixed->len) {
                g_autofree char *list = NULL;

                g_ptr_array_add(dev->fixed, NULL);
                list = g_strjoinv(", ", (char **)dev->fixed->pdata);
                g_ptr_array_remove_index(dev->fixed, dev->fixed->len - 1);
                printf("%s:   note: no QEMU property switches off %s;"
                       " the backend of %s must not offer it\n",
                       name, list, dev->item->id);
            }
        }
    }
}

/* --qemu HOST=BINARY, else the profile's binary; NULL if neither. */
static const char *host_binary(const FeatmaskProfile *p)
{
    char **o;

    for (o = opt_qemu; o && *o; o++) {
        const char *eq = strchr(*o, '=');

        if (eq && (size_t)(eq - *o) == strlen(p->host) &&
            !strncmp(*o, p->host, eq - *o)) {
            return eq + 1;
        }
    }
    return p->qemu_binary;
}

/* The lines of @host that its QEMU must take. */
static GPtrArray *host_lines(const PlanHost *host)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(
        (GDestroyNotify)featmask_verify_line_free);
    guint d;

    if (host->cpu) {
        g_ptr_array_add(lines, featmask_verify_line_new("cpu", host->cpu));
    }
    for (d = 0; d < host->devices->len; d++) {
        const PlanDevice *dev = host->devices->pdata[d];

        /* A host of unknown kind is tried with the per-property form. */
        g_ptr_array_add(lines, featmask_verify_line_new(
            dev->item->id, dev->stock ? dev->stock : dev->patched));
    }
    return lines;
}

/*
 * Start each host's QEMU with its lines; print each line's verdict.
 * Returns the exit status.
 */
static int verify(const Plan *plan)
{
    int status = FEATMASK_EXIT_OK;
    guint h, i;

    for (h = 0; h < plan->hosts->len; h++) {
        const PlanHost *host = plan->hosts->pdata[h];
        const char *binary = host_binary(host->p);
        g_autoptr(GPtrArray) lines = NULL;
        Error *err = NULL;

        if (!binary) {
            return cli_usage("plan", "--verify: no QEMU for host '%s': its"
                             " profile names none (probe --qemu records it);"
                             " give --qemu %s=BINARY", host->p->host,
                             host->p->host);
        }
        lines = host_lines(host);
        if (!featmask_verify_host(binary, host->p->qemu_args, lines,
                                  plan->cpu, &err)) {
            error_prepend(&err, "%s: ", host->p->host);
            cli_error(err);
            return FEATMASK_EXIT_USAGE;
        }
        for (i = 0; i < lines->len; i++) {
            const FeatmaskVerifyLine *l = lines->pdata[i];

            if (l->refusal) {
                printf("%s: refused: %s\n%s:   %s\n", host->p->host,
                       l->args, host->p->host, l->refusal);
                status = FEATMASK_EXIT_INCOMPATIBLE;
            } else {
                printf("%s: ok: %s\n", host->p->host, l->args);
            }
        }
    }
    return status;
}

int cmd_plan(int argc, char **argv)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(FeatmaskPool) pool = NULL;
    g_autoptr(Plan) plan = NULL;
    Error *err = NULL;
    int status;
    char **o;
    guint i;

    if (!cli_parse("plan", "PROFILE...", "Prints, for each host, the QEMU "
                   "arguments that launch a VM with only the\nfeatures "
                   "every host has: the CPU, and each device as features= "
                   "(QEMU with\nfeatmask's patch-set) or as per-property "
                   "switches (any QEMU), as the host's\nprofile says.  A "
                   "host that must turn off what its QEMU cannot switch off"
                   "\nmakes the plan fail (exit status 1).  With --verify, "
                   "each host's QEMU starts\npaused with its lines (and the "
                   "host's own arguments from its profile), and\nthe lines"
                   " it refuses are reported with QEMU's message (exit "
                   "status 1).", plan_options, &argc, &argv)) {
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
    for (o = opt_qemu; o && *o; o++) {
        if (!opt_verify) {
            return cli_usage("plan", "--qemu is for --verify");
        }
        if (!strchr(*o, '=') || **o == '=' || !strchr(*o, '=')[1]) {
            return cli_usage("plan", "--qemu takes HOST=BINARY, not '%s'",
                             *o);
        }
    }
    if (!cli_plan_format_ok(opt_format, opt_host, &opt_json)) {
        return FEATMASK_EXIT_USAGE;
    }
    if (opt_verify && (opt_json || opt_format)) {
        return cli_usage("plan", "--verify prints text: no --json or"
                         " --format");
    }
    if (!cli_output_begin(opt_output)) {
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
    for (o = opt_qemu; o && *o; o++) {
        g_autofree char *host = g_strndup(*o, strchr(*o, '=') - *o);

        for (i = 0; i < profiles->len; i++) {
            if (!strcmp(((FeatmaskProfile *)profiles->pdata[i])->host,
                        host)) {
                break;
            }
        }
        if (i == profiles->len) {
            return cli_usage("plan", "--qemu %s: no profile of host '%s'",
                             *o, host);
        }
    }
    plan = plan_build(pool, opt_cpu_form && !strcmp(opt_cpu_form, "model"),
                      &err);
    if (!plan) {
        cli_error(err);
        return FEATMASK_EXIT_INCOMPATIBLE;
    }
    if (plan->problems->len) {
        for (i = 0; i < plan->problems->len; i++) {
            fprintf(stderr, "featmask: %s\n",
                    (char *)plan->problems->pdata[i]);
        }
        fprintf(stderr, "featmask: no plan: %u feature(s) cannot be turned"
                " off where they must\n", plan->problems->len);
        return FEATMASK_EXIT_INCOMPATIBLE;
    }
    if (opt_verify) {
        return verify(plan);
    }
    if (opt_json) {
        render_json(plan);
    } else {
        render_text(plan);
    }
    return FEATMASK_EXIT_OK;
}
