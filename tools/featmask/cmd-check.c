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

/*
 * Check one item; print and record what is missing.  Sets that cannot be
 * compared are an input error: *@bad_input is set and @errp too.
 */
static bool check_item(JsonBuilder *b, const char *what,
                       const FeatmaskSet *required,
                       const FeatmaskSet *available, bool *bad_input,
                       Error **errp)
{
    g_autoptr(FeatmaskSet) missing = NULL;
    Error *err = NULL;

    if (featmask_check(required, available, &missing, &err)) {
        return true;
    }
    if (!missing) {
        error_prepend(&err, "%s: ", what);
        error_propagate(errp, err);
        *bad_input = true;
        return false;
    }
    if (!opt_json) {
        printf("  %s: %s\n", what, error_get_pretty(err));
    }
    error_free(err);
    json_builder_begin_object(b);
    cli_json_add_string(b, "what", what);
    cli_json_add_names(b, "missing", missing);
    json_builder_end_object(b);
    return false;
}

int cmd_check(int argc, char **argv)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(JsonBuilder) b = json_builder_new();
    FeatmaskProfile *vm, *host;
    Error *err = NULL;
    bool ok = true, bad_input = false;
    guint d;

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

    if (!opt_json) {
        printf("%s -> %s:\n", vm->host, host->host);
    }
    json_builder_begin_array(b);
    if (vm->cpu) {
        if (!host->cpu) {
            if (!opt_json) {
                printf("  cpu: the host has no %s CPU\n", vm->cpu->arch);
            }
            json_builder_begin_object(b);
            cli_json_add_string(b, "what", "cpu");
            cli_json_add_names(b, "missing", vm->cpu->features);
            json_builder_end_object(b);
            ok = false;
        } else {
            ok &= check_item(b, "cpu", vm->cpu->features,
                             host->cpu->features, &bad_input, &err);
        }
    }
    for (d = 0; d < vm->devices->len; d++) {
        FeatmaskProfileDevice *dev = vm->devices->pdata[d];
        FeatmaskProfileDevice *hd = featmask_profile_find_device(host,
                                                                 dev->id);
        g_autofree char *what = g_strdup_printf("device %s (%s)", dev->id,
                                                dev->type);

        if (!hd || strcmp(hd->type, dev->type)) {
            if (!opt_json) {
                printf("  %s: the host has no such device\n", what);
            }
            json_builder_begin_object(b);
            cli_json_add_string(b, "what", what);
            cli_json_add_names(b, "missing", dev->features);
            json_builder_end_object(b);
            ok = false;
            continue;
        }
        ok &= check_item(b, what, dev->features, hd->features, &bad_input,
                         &err);
        if (bad_input) {
            break;
        }
    }
    json_builder_end_array(b);
    if (bad_input) {
        cli_error(err);
        return FEATMASK_EXIT_USAGE;
    }

    if (opt_json) {
        g_autoptr(JsonBuilder) r = json_builder_new();
        g_autoptr(JsonNode) root = NULL;

        json_builder_begin_object(r);
        cli_json_add_string(r, "vm", vm->host);
        cli_json_add_string(r, "host", host->host);
        json_builder_set_member_name(r, "compatible");
        json_builder_add_boolean_value(r, ok);
        json_builder_set_member_name(r, "problems");
        json_builder_add_value(r, json_builder_get_root(b));
        json_builder_end_object(r);
        root = json_builder_get_root(r);
        cli_print_json(root);
    } else {
        printf("  %s\n", ok ? "ok: every feature the VM uses is there"
                            : "incompatible");
    }
    return ok ? FEATMASK_EXIT_OK : FEATMASK_EXIT_INCOMPATIBLE;
}
