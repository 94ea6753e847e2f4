/*
 * featmask command line: option parsing, errors, profiles and JSON
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "cli.h"

bool cli_parse(const char *name, const char *params, const char *summary,
               const GOptionEntry *entries, int *argc, char ***argv)
{
    g_autofree char *full = g_strdup_printf("featmask %s", name);
    g_autoptr(GOptionContext) ctx = g_option_context_new(params);
    g_autoptr(GError) gerr = NULL;

    g_set_prgname(full);
    g_option_context_set_summary(ctx, summary);
    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, argc, argv, &gerr)) {
        fprintf(stderr, "featmask %s: %s\nRun 'featmask %s --help' for"
                " usage.\n", name, gerr->message, name);
        return false;
    }
    return true;
}

void cli_error(Error *err)
{
    const char *hint = error_get_hint(err);

    fprintf(stderr, "featmask: %s\n", error_get_pretty(err));
    if (hint) {
        fputs(hint, stderr);
    }
    error_free(err);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;

    fputs("featmask: warning: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "featmask %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nRun 'featmask %s --help' for usage.\n", cmd);
    return FEATMASK_EXIT_USAGE;
}

FeatmaskPool *cli_negotiate(char **files, int nfiles, FeatmaskMaps *maps,
                            GPtrArray **profiles, unsigned flags,
                            int *status)
{
    Error *err = NULL;
    FeatmaskPool *pool;
    bool incompatible;
    guint i;

    *profiles = featmask_profiles_load((const char *const *)files, nfiles,
                                       maps, &err);
    if (!*profiles) {
        cli_error(err);
        *status = FEATMASK_EXIT_USAGE;
        return NULL;
    }
    pool = featmask_pool_negotiate(*profiles, flags, &incompatible, &err);
    if (!pool) {
        cli_error(err);
        *status = incompatible ? FEATMASK_EXIT_INCOMPATIBLE
                               : FEATMASK_EXIT_USAGE;
        return NULL;
    }
    for (i = 0; i < pool->warnings->len; i++) {
        cli_warn("%s", (char *)pool->warnings->pdata[i]);
    }
    *status = FEATMASK_EXIT_OK;
    return pool;
}

void cli_print_json(JsonNode *root)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autofree char *text = NULL;

    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_indent(gen, 2);
    text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
}

void cli_json_add_names(JsonBuilder *b, const char *member,
                        const FeatmaskSet *set)
{
    g_autofree const char **names = featmask_set_to_names(set);
    const char **n;

    json_builder_set_member_name(b, member);
    json_builder_begin_array(b);
    for (n = names; *n; n++) {
        json_builder_add_string_value(b, *n);
    }
    json_builder_end_array(b);
}

void cli_json_add_string(JsonBuilder *b, const char *member, const char *value)
{
    json_builder_set_member_name(b, member);
    json_builder_add_string_value(b, value);
}
