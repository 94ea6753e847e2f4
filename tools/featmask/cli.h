/*
 * featmask command line: what the subcommands share
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_CLI_H
#define FEATMASK_CLI_H

#include <json-glib/json-glib.h>
#include "pool.h"

/* Exit codes of every subcommand. */
enum {
    FEATMASK_EXIT_OK = 0,
    FEATMASK_EXIT_INCOMPATIBLE = 1,   /* nothing in common, check failed */
    FEATMASK_EXIT_USAGE = 2,          /* bad arguments or bad input */
};

int cmd_list(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_mask(int argc, char **argv);
int cmd_probe(int argc, char **argv);

/**
 * cli_parse: parse the options of subcommand @name
 * @params: the positional arguments, as in the usage line
 * @summary: one paragraph shown by --help
 *
 * Returns false (after printing the error) on a usage error.
 */
bool cli_parse(const char *name, const char *params, const char *summary,
               const GOptionEntry *entries, int *argc, char ***argv);

/* Print "featmask: message" and the hint on stderr, and free @err. */
void cli_error(Error *err);
void cli_warn(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Print a usage error for @cmd and return FEATMASK_EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/**
 * cli_load: read profiles and negotiate them
 * Returns NULL after printing the error; *status is the exit code.
 */
FeatmaskPool *cli_negotiate(char **files, int nfiles, FeatmaskMaps *maps,
                            GPtrArray **profiles, unsigned flags,
                            int *status);

/* Print @root as pretty JSON on stdout. */
void cli_print_json(JsonNode *root);
void cli_json_add_names(JsonBuilder *b, const char *member,
                        const FeatmaskSet *set);
void cli_json_add_string(JsonBuilder *b, const char *member,
                         const char *value);

#endif
