/*
 * featmask list: device kinds and their features
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "cli.h"

static gboolean opt_json;

static const GOptionEntry list_options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, "print JSON", NULL },
    { NULL }
};

static char *deps_text(const FeatmaskFeature *f)
{
    g_autofree char *all = f->requires ?
        g_strjoinv(" and ", (char **)f->requires) : NULL;
    g_autofree char *any = f->requires_any ?
        g_strjoinv(" or ", (char **)f->requires_any) : NULL;

    if (all && any) {
        return g_strdup_printf("%s, and %s", all, any);
    }
    return g_strdup(all ? all : any ? any : "");
}

static void add_name_list(JsonBuilder *b, const char *member,
                          const char *const *names)
{
    json_builder_set_member_name(b, member);
    json_builder_begin_array(b);
    for (; names && *names; names++) {
        json_builder_add_string_value(b, *names);
    }
    json_builder_end_array(b);
}

static void list_kinds(FeatmaskMaps *maps)
{
    g_autofree const char **kinds = featmask_maps_kinds();
    g_autoptr(JsonBuilder) b = json_builder_new();
    const char **k;

    json_builder_begin_array(b);
    for (k = kinds; *k; k++) {
        FeatmaskMap *map = featmask_maps_get(maps, *k);

        if (opt_json) {
            json_builder_begin_object(b);
            cli_json_add_string(b, "kind", *k);
            cli_json_add_string(b, "description", featmask_map_desc(map));
            json_builder_set_member_name(b, "features");
            json_builder_add_int_value(b, featmask_map_size(map));
            json_builder_end_object(b);
        } else {
            printf("%-14s %4zu features  %s\n", *k, featmask_map_size(map),
                   featmask_map_desc(map));
        }
    }
    json_builder_end_array(b);
    if (opt_json) {
        g_autoptr(JsonNode) root = json_builder_get_root(b);
        cli_print_json(root);
    } else {
        printf("\n'featmask list KIND' lists the features of a kind; a "
               "device type such as\nvirtio-net-pci names its kind.\n");
    }
}

static const char *const switch_kinds[] = {
    [FEATMASK_SWITCH_BIT] = "bit",
    [FEATMASK_SWITCH_BOOL] = "bool",
    [FEATMASK_SWITCH_ON_OFF_AUTO] = "OnOffAuto",
    [FEATMASK_SWITCH_FLAG] = "flag",
    [FEATMASK_SWITCH_INT_BIT] = "int bit",
};

/* " [switch: seqpacket (OnOffAuto)]", " [no QEMU property]" or "". */
static char *switch_text(const FeatmaskFeature *f)
{
    if (f->switch_prop) {
        return g_strdup_printf(" [switch: %s (%s)]", f->switch_prop,
                               switch_kinds[f->switch_kind]);
    }
    return g_strdup(f->no_property ? " [no QEMU property]" : "");
}

static void list_features(const FeatmaskMap *map)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    size_t i;

    if (!opt_json) {
        printf("%s: %s\n\n%-24s %5s  %-30s %s\n", featmask_map_kind(map),
               featmask_map_desc(map), "FEATURE", "BIT", "REQUIRES",
               "DESCRIPTION");
    }
    json_builder_begin_array(b);
    for (i = 0; i < featmask_map_size(map); i++) {
        const FeatmaskFeature *f = featmask_map_get(map, i);
        g_autofree char *deps = deps_text(f);

        if (!opt_json) {
            g_autofree char *bit = f->bit == FEATMASK_NO_BIT ? g_strdup("-")
                                   : g_strdup_printf("%d", f->bit);
            g_autofree char *sw = switch_text(f);

            printf("%-24s %5s  %-30s %s%s%s\n", f->name, bit, deps, f->desc,
                   f->unmigratable ? " [not migratable]" : "", sw);
            continue;
        }
        json_builder_begin_object(b);
        cli_json_add_string(b, "name", f->name);
        if (f->bit != FEATMASK_NO_BIT) {
            json_builder_set_member_name(b, "bit");
            json_builder_add_int_value(b, f->bit);
        }
        add_name_list(b, "aliases", f->aliases);
        add_name_list(b, "requires", f->requires);
        add_name_list(b, "requires-any", f->requires_any);
        json_builder_set_member_name(b, "migratable");
        json_builder_add_boolean_value(b, !f->unmigratable);
        json_builder_set_member_name(b, "property");
        json_builder_add_boolean_value(b, !f->no_property || f->switch_prop);
        if (f->switch_prop) {
            cli_json_add_string(b, "switch-property", f->switch_prop);
            cli_json_add_string(b, "switch-kind",
                                switch_kinds[f->switch_kind]);
        }
        cli_json_add_string(b, "description", f->desc ? f->desc : "");
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    if (opt_json) {
        g_autoptr(JsonNode) root = json_builder_get_root(b);
        cli_print_json(root);
    }
}

int cmd_list(int argc, char **argv)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    FeatmaskMap *map;

    if (!cli_parse("list", "[KIND]", "Lists the device kinds featmask has"
                   " feature maps for, or the features of one kind with\n"
                   "their bits and dependencies.", list_options, &argc,
                   &argv)) {
        return FEATMASK_EXIT_USAGE;
    }
    if (argc > 2) {
        return cli_usage("list", "too many arguments");
    }
    if (argc == 1) {
        list_kinds(maps);
        return FEATMASK_EXIT_OK;
    }
    map = featmask_maps_get(maps, argv[1]);
    if (!map) {
        g_autofree const char **kinds = featmask_maps_kinds();
        g_autofree char *list = g_strjoinv(", ", (char **)kinds);

        fprintf(stderr, "featmask: no feature map for '%s'\nKnown kinds: %s"
                " (and their device types, e.g. virtio-net-pci).\n", argv[1],
                list);
        return FEATMASK_EXIT_USAGE;
    }
    list_features(map);
    return FEATMASK_EXIT_OK;
}
