/*
 * libFuzzer harness: mask strings (featmask_mask_parse) over the shipped
 * maps, the unit tests' demo map and dynamic maps
 *
 * Input: "TYPE\nMASK" picks a shipped map by kind or device type
 * ("virtio-net", "virtio-net-pci", "x86-cpu") or the demo map ("demo");
 * "names: a b c\nMASK" builds a dynamic map of those names, as a profile
 * of a device without a shipped map does; anything else is a mask over
 * the map picked by its first byte.
 *
 * Invariants: a mask that parses prints canonically, and the canonical
 * text parses to an equal mask and prints the same; applying it gives
 * (default | on) & ~off from its base; the shortest mask of the result
 * (featmask_mask_from_set) and the result's list (featmask_set_format)
 * both parse back to the same set.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "profile.h"
#include "featmask-demo.h"
#include "fuzz-util.h"

static FeatmaskMaps *maps;
static GPtrArray *map_list;     /* FeatmaskMap *, borrowed from maps */
static const char **kinds;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    size_t i;

    fuzz_setup();
    maps = featmask_maps_new();
    map_list = g_ptr_array_new_with_free_func(
        (GDestroyNotify)featmask_map_unref);
    kinds = featmask_maps_kinds();
    for (i = 0; kinds[i]; i++) {
        g_ptr_array_add(map_list,
                        featmask_map_ref(featmask_maps_get(maps, kinds[i])));
    }
    g_ptr_array_add(map_list, demo_map());
    return 0;
}

/* A dynamic map of the names in @line, or NULL if they cannot make one. */
static FeatmaskMap *dynamic_map(const char *line)
{
    g_autoptr(FeatmaskMap) map = featmask_map_new("fuzz-dynamic", "fuzz");
    g_auto(GStrv) names = g_strsplit(line, " ", 64);
    char **n;

    for (n = names; *n; n++) {
        if (**n && featmask_map_lookup(map, *n) < 0 &&
            !featmask_map_add_dynamic(map, *n, FEATMASK_NO_BIT, NULL)) {
            return NULL;
        }
    }
    if (!featmask_map_finalize(map, NULL) || !featmask_map_size(map)) {
        return NULL;
    }
    return g_steal_pointer(&map);
}

static FeatmaskMap *pick_map(const char *text, const char **mask)
{
    const char *nl = strchr(text, '\n');
    g_autofree char *first = nl ? g_strndup(text, nl - text) : NULL;

    if (first) {
        *mask = nl + 1;
        if (g_str_has_prefix(first, "names:")) {
            return dynamic_map(first + 6);
        }
        if (!strcmp(first, "demo")) {
            return featmask_map_ref(map_list->pdata[map_list->len - 1]);
        }
        if (featmask_maps_get(maps, first)) {
            return featmask_map_ref(featmask_maps_get(maps, first));
        }
    }
    *mask = text;
    return featmask_map_ref(map_list->pdata[(guchar)text[0] % map_list->len]);
}

/* Parse @str, which featmask itself printed: it must parse. */
static FeatmaskMask *reparse(const FeatmaskMap *map, const char *str,
                             const char *what)
{
    Error *err = NULL;
    FeatmaskMask *m = featmask_mask_parse(map, str, &err);

    fuzz_check(m, "%s '%s' of map %s does not parse: %s", what, str,
               featmask_map_kind(map), error_get_pretty(err));
    return m;
}

static void check_apply(const FeatmaskMask *mask, const FeatmaskSet *dflt)
{
    const FeatmaskMap *map = featmask_set_map(dflt);
    g_autoptr(FeatmaskSet) got = featmask_mask_apply(mask, dflt);
    g_autoptr(FeatmaskSet) want = NULL;
    g_autoptr(FeatmaskMask) shortest = featmask_mask_from_set(got);
    g_autoptr(FeatmaskMask) m2 = NULL;
    g_autoptr(FeatmaskMask) m3 = NULL;
    g_autoptr(FeatmaskSet) got2 = NULL;
    g_autoptr(FeatmaskSet) got3 = NULL;
    g_autofree char *text = featmask_mask_format(shortest);
    g_autofree char *list = featmask_set_format(got);

    switch (featmask_mask_base(mask)) {
    case FEATMASK_BASE_ALL:
        want = featmask_set_new_full(map);
        break;
    case FEATMASK_BASE_NONE:
        want = featmask_set_new(map);
        break;
    default:
        want = featmask_set_copy(dflt);
        break;
    }
    featmask_set_union(want, featmask_mask_on(mask));
    featmask_set_subtract(want, featmask_mask_off(mask));
    fuzz_check(featmask_set_equal(got, want), "apply gave the wrong set");

    m2 = reparse(map, text, "shortest mask");
    got2 = featmask_mask_apply(m2, dflt);
    fuzz_check(featmask_set_equal(got, got2), "'%s' selects another set",
               text);
    m3 = reparse(map, list, "set list");
    got3 = featmask_mask_apply(m3, dflt);
    fuzz_check(featmask_set_equal(got, got3), "list '%s' selects another set",
               list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = NULL;
    g_autoptr(FeatmaskMap) map = NULL;
    g_autoptr(FeatmaskMask) mask = NULL;
    g_autoptr(FeatmaskMask) again = NULL;
    g_autoptr(FeatmaskSet) dflt = NULL;
    g_autofree char *canon = NULL;
    g_autofree char *canon2 = NULL;
    const char *str;
    Error *err = NULL;
    size_t i, n;

    if (size == 0 || size > 4096) {
        return 0;
    }
    text = fuzz_text(data, size);
    map = pick_map(text, &str);
    if (!map) {
        return 0;
    }
    mask = featmask_mask_parse(map, str, &err);
    if (!mask) {
        fuzz_check(err && *error_get_pretty(err), "no error message");
        error_free(err);
        return 0;
    }
    canon = featmask_mask_format(mask);
    again = reparse(map, canon, "canonical mask");
    fuzz_check(featmask_mask_equal(mask, again),
               "'%s' and its canonical '%s' differ", str, canon);
    canon2 = featmask_mask_format(again);
    fuzz_check(!strcmp(canon, canon2), "'%s' prints as '%s'", canon, canon2);

    /* Defaults: none, every feature, and one taken from the input. */
    n = featmask_map_size(map);
    dflt = featmask_set_new(map);
    check_apply(mask, dflt);
    for (i = 0; i < n; i++) {
        featmask_set_add(dflt, i);
    }
    check_apply(mask, dflt);
    for (i = 0; i < n; i++) {
        if (!(data[i % size] & (1 << (i % 7)))) {
            featmask_set_del(dflt, i);
        }
    }
    check_apply(mask, dflt);
    return 0;
}
