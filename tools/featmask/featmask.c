/*
 * featmask: launch VMs with only the features every host of their
 * migration pool provides
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "featmask-config.h"
#include "cli.h"

typedef struct FeatmaskCommand {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} FeatmaskCommand;

static const FeatmaskCommand commands[] = {
    { "list",     cmd_list,     "device kinds and their features" },
    { "probe",    cmd_probe,    "write this host's profile" },
    { "baseline", cmd_baseline, "the features every host has in common" },
    { "plan",     cmd_plan,     "per host, the QEMU arguments of the "
                                "common set" },
    { "check",    cmd_check,    "can a VM run on, or migrate to, a host" },
    { "mask",     cmd_mask,     "check a features= mask, show what it "
                                "selects" },
    { "labels",   cmd_labels,   "a host's Kubernetes node labels "
                                "(node-feature-discovery)" },
};

static void usage(FILE *out)
{
    size_t i;

    fprintf(out, "Usage: featmask COMMAND [OPTION...] [ARG...]\n\n"
            "Launch VMs with only the CPU and device features that every "
            "host of their\nmigration pool can provide.\n\nCommands:\n");
    for (i = 0; i < G_N_ELEMENTS(commands); i++) {
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
    }
    fprintf(out, "\nfeatmask COMMAND --help describes a command.\n"
            "Exit status: 0 ok, 1 incompatible hosts or nothing in common,"
            " 2 bad usage or input.\n");
}

/* An unknown feature name with none near it: the names are in 'list'. */
static char *names_hint(const FeatmaskMap *map)
{
    return g_strdup_printf("Use 'featmask list %s' for the valid names.\n",
                           featmask_map_kind(map));
}

int main(int argc, char **argv)
{
    size_t i;

    featmask_set_names_hint(names_hint);

    if (argc < 2) {
        usage(stderr);
        return FEATMASK_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return FEATMASK_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("featmask %s\n", FEATMASK_VERSION);
        return FEATMASK_EXIT_OK;
    }
    for (i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (!strcmp(argv[1], commands[i].name)) {
            return cli_output_end(commands[i].fn(argc - 1, argv + 1));
        }
    }
    fprintf(stderr, "featmask: unknown command '%s'\n", argv[1]);
    for (i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (g_str_has_prefix(commands[i].name, argv[1]) ||
            g_str_has_prefix(argv[1], commands[i].name)) {
            fprintf(stderr, "Did you mean '%s'?\n", commands[i].name);
        }
    }
    fprintf(stderr, "Run 'featmask --help' for the commands.\n");
    return FEATMASK_EXIT_USAGE;
}
