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
int cmd_labels(int argc, char **argv);

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

/**
 * cli_load_profiles: read the profiles @args name
 * @args: files, directories (every *.json in them, by name), @LIST (a
 *        file of paths, one a line) and - (JSON documents on stdin)
 *
 * Returns the profiles in the order given, or NULL.
 */
GPtrArray *cli_load_profiles(char **args, int nargs, FeatmaskMaps *maps,
                             Error **errp);

/* cli_load_profiles() into a loader (which may stream them to a sink). */
bool cli_load_into(FeatmaskProfileLoader *l, char **args, int nargs,
                   Error **errp);

/**
 * cli_negotiate_stream: cli_negotiate() without keeping the profiles
 *
 * For commands that need no host's own sets ('baseline'; 'plan' works
 * what each host turns off out from the pool, FeatmaskTurnOff): memory
 * does not grow with the pool.  The pool has no profiles (see
 * FeatmaskPool).
 */
FeatmaskPool *cli_negotiate_stream(char **args, int nargs,
                                   FeatmaskMaps *maps, unsigned flags,
                                   int *status);

/*
 * cli_negotiate_stream_tap: cli_negotiate_stream() that shows each
 * profile to @tap before the pool folds and frees it ('plan' keeps what
 * it needs of a host's QEMU).  @tap may take fields of @p the pool does
 * not use (the qemu_* ones).
 */
typedef bool CliProfileTap(void *opaque, FeatmaskProfile *p, Error **errp);
FeatmaskPool *cli_negotiate_stream_tap(char **args, int nargs,
                                       FeatmaskMaps *maps, unsigned flags,
                                       CliProfileTap *tap, void *opaque,
                                       int *status);

/**
 * cli_hosts_summary: the names of hosts @idx[0..@n) of @pool (all
 * when @idx is NULL) joined by @sep, or the first and last few and the
 * count when there are many
 */
char *cli_hosts_summary(const FeatmaskPool *pool, const size_t *idx,
                        size_t n, const char *sep);

/*
 * Why features were dropped, with long host lists named once per group:
 * cli_drop_describe() says "missing on 5000 hosts (group 2)", and
 * cli_host_groups_print() names the hosts of each group (and forgets them).
 */
typedef struct CliHostGroups CliHostGroups;
CliHostGroups *cli_host_groups_new(void);
void cli_host_groups_free(CliHostGroups *g);
char *cli_drop_describe(CliHostGroups *g, const FeatmaskPool *pool,
                        const FeatmaskDrop *d);
void cli_host_groups_print(CliHostGroups *g, const FeatmaskPool *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CliHostGroups, cli_host_groups_free)

/*
 * featmask plan --format: text and json are cmd-plan.c's own; the other
 * formats render the negotiated pool here (cmd-plan-formats.c).
 */
bool cli_plan_format_ok(const char *format, const char *host,
                        gboolean *json);
bool cli_plan_format_other(const char *format);
typedef char *CliFeaturesValue(const FeatmaskPoolItem *item);
/**
 * cli_plan_render: print the plan in @format
 * @cpu_form: --cpu-form ("host", "model" or NULL)
 * @qemu_kind: --qemu-kind, or NULL for what the profiles say
 * @host: only this host, or NULL for all
 * @features_value: a device's features= value, used when every host runs
 *                  a patched QEMU
 * Returns the exit status.
 */
int cli_plan_render(const char *format, const FeatmaskPool *pool,
                    const char *cpu_form, const char *qemu_kind,
                    const char *host, CliFeaturesValue *features_value);

/**
 * cli_output_begin: send standard output to @path (-o FILE; NULL or "-"
 * is standard output), which main() renames into place with
 * cli_output_end() when the command succeeds.  Returns false after
 * saying why not.
 */
bool cli_output_begin(const char *path);
int cli_output_end(int status);

/* Print @root as pretty JSON on stdout. */
void cli_print_json(JsonNode *root);
void cli_json_add_names(JsonBuilder *b, const char *member,
                        const FeatmaskSet *set);
void cli_json_add_string(JsonBuilder *b, const char *member,
                         const char *value);

#endif
