/*
 * featmask mask: check a features= mask and show what it selects
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "cli.h"

static gboolean opt_json;

static const GOptionEntry mask_options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, "print JSON", NULL },
    { NULL }
};

int cmd_mask(int argc, char **argv)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(FeatmaskMask) mask = NULL;
    g_autoptr(FeatmaskSet) set = NULL;
    g_autoptr(FeatmaskSet) dflt = NULL;
    g_autofree char *canon = NULL;
    FeatmaskMap *map;
    Error *err = NULL;

    if (!cli_parse("mask", "KIND MASK", "Parses a feature mask (the value "
                   "of features=) for a device kind or type,\nand prints its"
                   " canonical form and the features it selects.  A relative"
                   "\nmask (+a,-b) is shown applied to every feature.",
                   mask_options, &argc, &argv)) {
        return FEATMASK_EXIT_USAGE;
    }
    if (argc != 3) {
        return cli_usage("mask", "takes a device kind and a mask");
    }
    map = featmask_maps_get(maps, argv[1]);
    if (!map) {
        fprintf(stderr, "featmask: no feature map for '%s'\nRun 'featmask "
                "list' for the known kinds.\n", argv[1]);
        return FEATMASK_EXIT_USAGE;
    }
    mask = featmask_mask_parse(map, argv[2], &err);
    if (!mask) {
        cli_error(err);
        return FEATMASK_EXIT_USAGE;
    }
    dflt = featmask_set_new_full(map);
    set = featmask_mask_apply(mask, dflt);
    canon = featmask_mask_format(mask);
    if (opt_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        g_autoptr(JsonNode) root = NULL;

        json_builder_begin_object(b);
        cli_json_add_string(b, "kind", featmask_map_kind(map));
        cli_json_add_string(b, "mask", canon);
        cli_json_add_names(b, "features", set);
        json_builder_end_object(b);
        root = json_builder_get_root(b);
        cli_print_json(root);
    } else {
        g_autofree char *list = featmask_set_format(set);

        printf("%s: %s\n  %zu features: %s\n", featmask_map_kind(map), canon,
               featmask_set_count(set), list);
    }
    return FEATMASK_EXIT_OK;
}
