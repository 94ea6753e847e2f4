/*
 * featmask check: can a VM run on, or migrate to, a host
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "cli.h"

static gboolean opt_json;

static const GOptionEntry check_options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, "print JSON", NULL },
    { NULL }
};

/* One thing the host lacks: what, why (for the text), which features. */
typedef struct CheckProblem {
    char *what;
    char *text;
    FeatmaskSet *missing;
} CheckProblem;

static void check_problem_free(gpointer p)
{
    CheckProblem *c = p;

    g_free(c->what);
    g_free(c->text);
    featmask_set_free(c->missing);
    g_free(c);
}

static void check_problem_add(GPtrArray *problems, const char *what,
                              char *text, FeatmaskSet *missing)
{
    CheckProblem *c = g_new0(CheckProblem, 1);

    c->what = g_strdup(what);
    c->text = text;
    c->missing = missing;
    g_ptr_array_add(problems, c);
}

/*
 * Check one item and record what is missing.  Sets that cannot be
 * compared are an input error: false with @errp set.
 */
static bool check_item(GPtrArray *problems, const char *what,
                       const FeatmaskSet *required,
                       const FeatmaskSet *available, Error **errp)
{
    FeatmaskSet *missing = NULL;
    Error *err = NULL;

    if (featmask_check(required, available, &missing, &err)) {
        featmask_set_free(missing);     /* empty */
        return true;
    }
    if (!missing) {
        error_prepend(&err, "%s: ", what);
        error_propagate(errp, err);
        return false;
    }
    check_problem_add(problems, what, g_strdup(error_get_pretty(err)),
                      missing);
    error_free(err);
    return true;
}

/* The result: every problem, or false with @errp set for bad input. */
static bool check_profiles(const FeatmaskProfile *vm,
                           const FeatmaskProfile *host, GPtrArray *problems,
                           Error **errp)
{
    guint d;

    if (vm->cpu && !host->cpu) {
        check_problem_add(problems, "cpu",
                          g_strdup_printf("the host has no %s CPU",
                                          vm->cpu->arch),
                          featmask_set_copy(vm->cpu->features));
    } else if (vm->cpu &&
               !check_item(problems, "cpu", vm->cpu->features,
                           host->cpu->features, errp)) {
        return false;
    }
    for (d = 0; d < vm->devices->len; d++) {
        FeatmaskProfileDevice *dev = vm->devices->pdata[d];
        FeatmaskProfileDevice *hd = featmask_profile_find_device(host,
                                                                 dev->id);
        g_autofree char *what = g_strdup_printf("device %s (%s)", dev->id,
                                                dev->type);

        if (!hd || strcmp(hd->type, dev->type)) {
            check_problem_add(problems, what,
                              g_strdup("the host has no such device"),
                              featmask_set_copy(dev->features));
        } else if (!check_item(problems, what, dev->features, hd->features,
                               errp)) {
            return false;
        }
    }
    return true;
}

static void check_print_json(const FeatmaskProfile *vm,
                             const FeatmaskProfile *host,
                             const GPtrArray *problems)
{
    g_autoptr(JsonBuilder) r = json_builder_new();
    g_autoptr(JsonNode) root = NULL;
    guint i;

    json_builder_begin_object(r);
    cli_json_add_string(r, "vm", vm->host);
    cli_json_add_string(r, "host", host->host);
    json_builder_set_member_name(r, "compatible");
    json_builder_add_boolean_value(r, !problems->len);
    json_builder_set_member_name(r, "problems");
    json_builder_begin_array(r);
    for (i = 0; i < problems->len; i++) {
        const CheckProblem *c = problems->pdata[i];

        json_builder_begin_object(r);
        cli_json_add_string(r, "what", c->what);
        cli_json_add_names(r, "missing", c->missing);
        json_builder_end_object(r);
    }
    json_builder_end_array(r);
    json_builder_end_object(r);
    root = json_builder_get_root(r);
    cli_print_json(root);
}

static void check_print_text(const FeatmaskProfile *vm,
                             const FeatmaskProfile *host,
                             const GPtrArray *problems)
{
    guint i;

    printf("%s -> %s:\n", vm->host, host->host);
    for (i = 0; i < problems->len; i++) {
        const CheckProblem *c = problems->pdata[i];

        printf("  %s: %s\n", c->what, c->text);
    }
    printf("  %s\n", problems->len ? "incompatible"
                                   : "ok: every feature the VM uses is there");
}

int cmd_check(int argc, char **argv)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(
        check_problem_free);
    FeatmaskProfile *vm, *host;
    Error *err = NULL;

    if (!cli_parse("check", "VM-PROFILE HOST-PROFILE", "Says whether a VM "
                   "that uses the features of VM-PROFILE (a baseline, or\n"
                   "the profile of the host it runs on) can run on, or "
                   "migrate to, the host of\nHOST-PROFILE, and names what is "
                   "missing.", check_options, &argc, &argv)) {
        return FEATMASK_EXIT_USAGE;
    }
    if (argc != 3) {
        return cli_usage("check", "takes a VM profile and a host profile");
    }
    profiles = cli_load_profiles(argv + 1, 2, maps, &err);
    if (!profiles) {
        cli_error(err);
        return FEATMASK_EXIT_USAGE;
    }
    if (profiles->len != 2) {
        return cli_usage("check", "takes one VM profile and one host "
                         "profile; the arguments hold %u", profiles->len);
    }
    vm = profiles->pdata[0];
    host = profiles->pdata[1];
    /* Nothing is missing between two architectures: the input is wrong. */
    if (vm->cpu && host->cpu &&
        !featmask_cpus_comparable(vm, host, &err)) {
        cli_error(err);
        return FEATMASK_EXIT_USAGE;
    }

    if (!check_profiles(vm, host, problems, &err)) {
        cli_error(err);
        return FEATMASK_EXIT_USAGE;
    }
    if (opt_json) {
        check_print_json(vm, host, problems);
    } else {
        check_print_text(vm, host, problems);
    }
    return problems->len ? FEATMASK_EXIT_INCOMPATIBLE : FEATMASK_EXIT_OK;
}
