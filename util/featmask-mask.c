/*
 * featmask: mask strings
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/featmask.h"
#include "featmask-internal.h"

struct FeatmaskMask {
    FeatmaskMaskBase base;
    FeatmaskSet *on;
    FeatmaskSet *off;
};

/*
 * Keep only what changes the result, so that equal selections are equal
 * masks: "all,+x" is "all", "none,-x" is "none".
 */
static void mask_normalize(FeatmaskMask *mask)
{
    if (mask->base == FEATMASK_BASE_ALL) {
        featmask_set_subtract(mask->on, mask->on);
    } else if (mask->base == FEATMASK_BASE_NONE) {
        featmask_set_subtract(mask->off, mask->off);
    }
}

FeatmaskMask *featmask_mask_new(FeatmaskMaskBase base, const FeatmaskSet *on,
                                const FeatmaskSet *off)
{
    FeatmaskMask *mask = g_new0(FeatmaskMask, 1);

    g_assert(on->map == off->map);
    mask->base = base;
    mask->on = featmask_set_copy(on);
    mask->off = featmask_set_copy(off);
    /* A feature both on and off is a contradiction, not a mask. */
    {
        g_autoptr(FeatmaskSet) both = featmask_set_copy(on);

        featmask_set_intersect(both, off);
        g_assert(featmask_set_is_empty(both));
    }
    mask_normalize(mask);
    return mask;
}

void featmask_mask_free(FeatmaskMask *mask)
{
    if (mask) {
        featmask_set_free(mask->on);
        featmask_set_free(mask->off);
        g_free(mask);
    }
}

FeatmaskMaskBase featmask_mask_base(const FeatmaskMask *mask)
{
    return mask->base;
}

const FeatmaskSet *featmask_mask_on(const FeatmaskMask *mask)
{
    return mask->on;
}

const FeatmaskSet *featmask_mask_off(const FeatmaskMask *mask)
{
    return mask->off;
}

/* "on", "off" and their synonyms, as QEMU's boolean properties take them. */
static int parse_switch(const char *value)
{
    static const char *const on[] = { "on", "yes", "true", "y", NULL };
    static const char *const off[] = { "off", "no", "false", "n", NULL };

    if (g_strv_contains(on, value)) {
        return 1;
    }
    if (g_strv_contains(off, value)) {
        return 0;
    }
    return -1;
}

FeatmaskMask *featmask_mask_parse(const FeatmaskMap *map, const char *str,
                                  Error **errp)
{
    g_autoptr(FeatmaskSet) on = featmask_set_new(map);
    g_autoptr(FeatmaskSet) off = featmask_set_new(map);
    FeatmaskMaskBase base = FEATMASK_BASE_DEFAULT;
    const char *p, *next;
    FeatmaskMask *mask;
    size_t i;

    if (!str || !*str) {
        error_setg(errp, "empty feature mask for %s", map->kind);
        error_append_hint(errp, "Use 'none' for no features, 'all' for"
                          " every feature.\n");
        return NULL;
    }
    /*
     * Walk the items in place: g_strsplit() searches the rest of the
     * string for every item, which is quadratic where strstr() is
     * instrumented (ASan) and on long masks.
     */
    for (i = 0, p = str; p; i++, p = next) {
        size_t len = strcspn(p, FEATMASK_MASK_SEPARATORS);
        g_autofree char *item = g_strndup(p, len);
        g_autofree char *name = NULL;
        char *eq;
        int enable = 1, idx;

        next = p[len] ? p + len + 1 : NULL;
        if (!*item) {
            error_setg(errp, "empty item %zu in feature mask '%s'", i + 1,
                       str);
            return NULL;
        }
        if (!strcmp(item, "all") || !strcmp(item, "none")) {
            FeatmaskMaskBase b = item[0] == 'a' ? FEATMASK_BASE_ALL
                                                : FEATMASK_BASE_NONE;
            if (i > 0) {
                error_setg(errp, "'%s' must come first in feature mask"
                           " '%s'", item, str);
                return NULL;
            }
            base = b;
            continue;
        }

        eq = strchr(item, '=');
        if (item[0] == '+' || item[0] == '-') {
            enable = item[0] == '+';
            name = g_strdup(item + 1);
        } else if (eq) {
            name = g_strndup(item, eq - item);
            enable = parse_switch(eq + 1);
            if (enable < 0) {
                error_setg(errp, "feature '%s' takes 'on' or 'off', not"
                           " '%s'", name, eq + 1);
                return NULL;
            }
        } else {
            name = g_strdup(item);
            /* A list that starts with a bare name says what to have. */
            if (i == 0) {
                base = FEATMASK_BASE_NONE;
            }
        }
        if (!*name) {
            error_setg(errp, "item %zu of feature mask '%s' has no feature"
                       " name", i + 1, str);
            return NULL;
        }

        idx = featmask_map_resolve(map, name, errp);
        if (idx < 0) {
            return NULL;
        }
        if (featmask_set_has(enable ? off : on, idx)) {
            error_setg(errp, "feature '%s' is both enabled and disabled in"
                       " feature mask '%s'",
                       featmask_map_get(map, idx)->name, str);
            return NULL;
        }
        featmask_set_add(enable ? on : off, idx);
    }

    /*
     * "all,+x" and "none,-x" (or "a,-x") say nothing: they are likely
     * meant as a change to the default set, so refuse rather than guess.
     */
    if (base != FEATMASK_BASE_DEFAULT) {
        int idx = featmask_set_next(base == FEATMASK_BASE_ALL ? on : off, 0);

        if (idx >= 0) {
            const char *name = featmask_map_get(map, idx)->name;

            error_setg(errp, "'%c%s' has no effect in feature mask '%s',"
                       " which starts from %s", base == FEATMASK_BASE_ALL ?
                       '+' : '-', name, str,
                       base == FEATMASK_BASE_ALL ? "every feature"
                                                 : "no feature");
            error_append_hint(errp, "To change the device's default set,"
                              " give every item a sign: '+a,-b'.\n");
            return NULL;
        }
    }

    mask = g_new0(FeatmaskMask, 1);
    mask->base = base;
    mask->on = g_steal_pointer(&on);
    mask->off = g_steal_pointer(&off);
    mask_normalize(mask);
    return mask;
}

FeatmaskSet *featmask_mask_apply(const FeatmaskMask *mask,
                                 const FeatmaskSet *dflt)
{
    FeatmaskSet *set;

    switch (mask->base) {
    case FEATMASK_BASE_ALL:
        set = featmask_set_new_full(mask->on->map);
        break;
    case FEATMASK_BASE_NONE:
        set = featmask_set_new(mask->on->map);
        break;
    default:
        g_assert(dflt && dflt->map == mask->on->map);
        set = featmask_set_copy(dflt);
        break;
    }
    featmask_set_union(set, mask->on);
    featmask_set_subtract(set, mask->off);
    return set;
}

char *featmask_mask_format(const FeatmaskMask *mask)
{
    const FeatmaskMap *map = mask->on->map;
    GString *s = g_string_new(NULL);
    size_t i, n = featmask_map_size(map);

    /*
     * An absolute list is spelled "none,+a,+b", not "a,b": every item
     * after the first has a sign, whatever the base.
     */
    if (mask->base == FEATMASK_BASE_ALL) {
        g_string_append(s, "all");
    } else if (mask->base == FEATMASK_BASE_NONE) {
        g_string_append(s, "none");
    }
    for (i = 0; i < n; i++) {
        bool is_on = featmask_set_has(mask->on, i);

        if (!is_on && !featmask_set_has(mask->off, i)) {
            continue;
        }
        if (s->len) {
            g_string_append_c(s, ',');
        }
        g_string_append_c(s, is_on ? '+' : '-');
        g_string_append(s, featmask_map_get(map, i)->name);
    }
    return g_string_free(s, FALSE);
}

bool featmask_mask_equal(const FeatmaskMask *a, const FeatmaskMask *b)
{
    return a->base == b->base && featmask_set_equal(a->on, b->on) &&
           featmask_set_equal(a->off, b->off);
}

FeatmaskMask *featmask_mask_from_set(const FeatmaskSet *set)
{
    size_t n = featmask_map_size(set->map);
    size_t have = featmask_set_count(set);
    g_autoptr(FeatmaskSet) none = featmask_set_new(set->map);

    /* Listing what is missing is shorter when most features are there. */
    if (have > 0 && n - have < have) {
        g_autoptr(FeatmaskSet) off = featmask_set_new_full(set->map);

        featmask_set_subtract(off, set);
        return featmask_mask_new(FEATMASK_BASE_ALL, none, off);
    }
    return featmask_mask_new(FEATMASK_BASE_NONE, set, none);
}
