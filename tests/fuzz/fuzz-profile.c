/*
 * libFuzzer harness: the profile loader and the pool negotiation over
 * what it loaded (tools/featmask/profile*.c, pool.c)
 *
 * Input: one to four profiles, separated by lines "%%", loaded together
 * as `featmask baseline A B ...` loads its files.
 *
 * Invariants: every profile that loads, written out, loads again (in the
 * same group, so that dynamic maps are the same) and is written the same;
 * when the pool negotiates, the baseline profile it makes loads again and
 * is written the same; every refusal has a message.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "pool.h"
#include "fuzz-util.h"

#define MAX_PROFILES 4

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    return 0;
}

/*
 * Load @texts as files named @prefix0.json...; NULL (with @errp) if
 * refused.  @maps receives the maps they were read with.
 */
static GPtrArray *load(char **texts, const char *prefix, FeatmaskMaps *maps,
                       Error **errp)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    guint i;

    for (i = 0; texts[i]; i++) {
        g_autofree char *name = g_strdup_printf("%s%u.json", prefix, i);

        g_ptr_array_add(files, fuzz_write(name, texts[i], strlen(texts[i])));
    }
    return featmask_profiles_load((const char *const *)files->pdata,
                                  files->len, maps, errp);
}

/* Write @profiles, load what was written, and compare. */
static void check_reload(GPtrArray *profiles, const char *prefix)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(GPtrArray) again = NULL;
    g_auto(GStrv) texts = g_new0(char *, profiles->len + 1);
    Error *err = NULL;
    guint i;

    for (i = 0; i < profiles->len; i++) {
        texts[i] = featmask_profile_to_json(profiles->pdata[i]);
    }
    again = load(texts, prefix, maps, &err);
    fuzz_check(again, "a profile featmask wrote does not load: %s\n%s",
               err ? error_get_pretty(err) : "", texts[0]);
    for (i = 0; i < profiles->len; i++) {
        g_autofree char *text = featmask_profile_to_json(again->pdata[i]);

        fuzz_check(!strcmp(texts[i], text),
                   "profile %u is written differently after a reload:\n"
                   "%s\n%s", i, texts[i], text);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzz_text(data, size);
    g_auto(GStrv) parts = fuzz_split(text, MAX_PROFILES);
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(FeatmaskPool) pool = NULL;
    g_autoptr(GPtrArray) base = g_ptr_array_new_with_free_func(
        (GDestroyNotify)featmask_profile_free);
    Error *err = NULL;
    bool incompatible = false;

    profiles = load(parts, "in", maps, &err);
    if (!profiles) {
        fuzz_check(err && *error_get_pretty(err), "refused without a message");
        error_free(err);
        return 0;
    }
    check_reload(profiles, "again");

    pool = featmask_pool_negotiate(profiles, 0, &incompatible, &err);
    if (!pool) {
        fuzz_check(err && *error_get_pretty(err), "refused without a message");
        error_free(err);
        return 0;
    }
    g_ptr_array_add(base, featmask_pool_baseline(pool));
    check_reload(base, "baseline");
    return 0;
}
