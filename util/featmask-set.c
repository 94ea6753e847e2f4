/*
 * featmask: feature sets and dependencies
 *
 * A set is a bitmap over the entries of one map (not over device bits:
 * CPUs have several feature words, and maps may name features that have
 * no bit at all).
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/featmask.h"
#include "featmask-internal.h"

#define WORD(idx) ((idx) / 64)
#define MASK(idx) (1ULL << ((idx) % 64))

FeatmaskSet *featmask_set_new(const FeatmaskMap *map)
{
    size_t nwords = (featmask_map_size(map) + 63) / 64;
    FeatmaskSet *set = g_malloc0(sizeof(*set) + nwords * sizeof(uint64_t));

    g_assert(map->finalized);
    set->map = featmask_map_ref((FeatmaskMap *)map);
    set->nwords = nwords;
    return set;
}

FeatmaskSet *featmask_set_new_full(const FeatmaskMap *map)
{
    FeatmaskSet *set = featmask_set_new(map);
    size_t n = featmask_map_size(map), i;

    for (i = 0; i < set->nwords; i++) {
        set->words[i] = ~0ULL;
    }
    if (n % 64) {
        set->words[set->nwords - 1] = MASK(n) - 1;
    }
    return set;
}

FeatmaskSet *featmask_set_copy(const FeatmaskSet *set)
{
    FeatmaskSet *copy = featmask_set_new(set->map);

    memcpy(copy->words, set->words, set->nwords * sizeof(uint64_t));
    return copy;
}

void featmask_set_free(FeatmaskSet *set)
{
    if (set) {
        featmask_map_unref(set->map);
        g_free(set);
    }
}

const FeatmaskMap *featmask_set_map(const FeatmaskSet *set)
{
    return set->map;
}

void featmask_set_add(FeatmaskSet *set, size_t idx)
{
    g_assert(idx < featmask_map_size(set->map));
    set->words[WORD(idx)] |= MASK(idx);
}

void featmask_set_del(FeatmaskSet *set, size_t idx)
{
    g_assert(idx < featmask_map_size(set->map));
    set->words[WORD(idx)] &= ~MASK(idx);
}

bool featmask_set_has(const FeatmaskSet *set, size_t idx)
{
    return idx < featmask_map_size(set->map) &&
           (set->words[WORD(idx)] & MASK(idx));
}

size_t featmask_set_count(const FeatmaskSet *set)
{
    size_t i, n = 0;

    for (i = 0; i < set->nwords; i++) {
        n += __builtin_popcountll(set->words[i]);
    }
    return n;
}

bool featmask_set_is_empty(const FeatmaskSet *set)
{
    size_t i;

    for (i = 0; i < set->nwords; i++) {
        if (set->words[i]) {
            return false;
        }
    }
    return true;
}

bool featmask_set_equal(const FeatmaskSet *a, const FeatmaskSet *b)
{
    g_assert(a->map == b->map);
    return !memcmp(a->words, b->words, a->nwords * sizeof(uint64_t));
}

bool featmask_set_is_subset(const FeatmaskSet *a, const FeatmaskSet *b)
{
    size_t i;

    g_assert(a->map == b->map);
    for (i = 0; i < a->nwords; i++) {
        if (a->words[i] & ~b->words[i]) {
            return false;
        }
    }
    return true;
}

void featmask_set_union(FeatmaskSet *dst, const FeatmaskSet *src)
{
    size_t i;

    g_assert(dst->map == src->map);
    for (i = 0; i < dst->nwords; i++) {
        dst->words[i] |= src->words[i];
    }
}

void featmask_set_intersect(FeatmaskSet *dst, const FeatmaskSet *src)
{
    size_t i;

    g_assert(dst->map == src->map);
    for (i = 0; i < dst->nwords; i++) {
        dst->words[i] &= src->words[i];
    }
}

void featmask_set_subtract(FeatmaskSet *dst, const FeatmaskSet *src)
{
    size_t i;

    g_assert(dst->map == src->map);
    for (i = 0; i < dst->nwords; i++) {
        dst->words[i] &= ~src->words[i];
    }
}

int featmask_set_next(const FeatmaskSet *set, size_t idx)
{
    size_t w = WORD(idx);
    uint64_t bits;

    if (w >= set->nwords) {
        return -1;
    }
    bits = set->words[w] & ~(MASK(idx) - 1);
    for (;;) {
        if (bits) {
            return w * 64 + __builtin_ctzll(bits);
        }
        if (++w == set->nwords) {
            return -1;
        }
        bits = set->words[w];
    }
}

bool featmask_set_add_name(FeatmaskSet *set, const char *name, Error **errp)
{
    int idx = featmask_map_resolve(set->map, name, errp);

    if (idx < 0) {
        return false;
    }
    featmask_set_add(set, idx);
    return true;
}

FeatmaskSet *featmask_set_from_names(const FeatmaskMap *map,
                                     const char *const *names, Error **errp)
{
    g_autoptr(FeatmaskSet) set = featmask_set_new(map);

    for (; names && *names; names++) {
        if (!featmask_set_add_name(set, *names, errp)) {
            return NULL;
        }
    }
    return g_steal_pointer(&set);
}

const char **featmask_set_to_names(const FeatmaskSet *set)
{
    const char **names = g_new(const char *, featmask_set_count(set) + 1);
    size_t n = 0;
    int i;

    for (i = featmask_set_next(set, 0); i >= 0;
         i = featmask_set_next(set, i + 1)) {
        names[n++] = featmask_map_get(set->map, i)->name;
    }
    names[n] = NULL;
    return names;
}

char *featmask_set_format(const FeatmaskSet *set)
{
    g_autofree const char **names = featmask_set_to_names(set);

    if (!names[0]) {
        return g_strdup("none");
    }
    return g_strjoinv(",", (char **)names);
}

FeatmaskSet *featmask_set_from_bits(const FeatmaskMap *map,
                                    const uint64_t *words, size_t nwords,
                                    uint64_t *unknown)
{
    FeatmaskSet *set = featmask_set_new(map);
    size_t w;

    for (w = 0; w < nwords; w++) {
        uint64_t bits = words[w];

        if (unknown) {
            unknown[w] = 0;
        }
        while (bits) {
            int b = __builtin_ctzll(bits);
            int idx = featmask_map_lookup_bit(map, w * 64 + b);

            bits &= bits - 1;
            if (idx >= 0) {
                featmask_set_add(set, idx);
            } else if (unknown) {
                unknown[w] |= 1ULL << b;
            }
        }
    }
    return set;
}

void featmask_set_to_bits(const FeatmaskSet *set, uint64_t *words,
                          size_t nwords)
{
    int i;

    memset(words, 0, nwords * sizeof(uint64_t));
    for (i = featmask_set_next(set, 0); i >= 0;
         i = featmask_set_next(set, i + 1)) {
        int bit = featmask_map_get(set->map, i)->bit;

        if (bit != FEATMASK_NO_BIT && (size_t)bit / 64 < nwords) {
            words[bit / 64] |= 1ULL << (bit % 64);
        }
    }
}

bool featmask_set_deps_ok(const FeatmaskSet *set, size_t idx)
{
    const FeatmaskMapEntry *e = featmask_map_entry(set->map, idx);
    size_t i;

    for (i = 0; i < e->nall; i++) {
        if (!featmask_set_has(set, e->all[i])) {
            return false;
        }
    }
    for (i = 0; i < e->nany; i++) {
        if (featmask_set_has(set, e->any[i])) {
            return true;
        }
    }
    return e->nany == 0;
}

size_t featmask_set_close(FeatmaskSet *set, FeatmaskSet *dropped)
{
    size_t n = 0;
    bool changed;
    int i;

    /*
     * Dropping one feature can break another that depends on it, in any
     * order of the map: repeat until a pass drops nothing.
     */
    do {
        changed = false;
        for (i = featmask_set_next(set, 0); i >= 0;
             i = featmask_set_next(set, i + 1)) {
            if (!featmask_set_deps_ok(set, i)) {
                featmask_set_del(set, i);
                if (dropped) {
                    featmask_set_add(dropped, i);
                }
                n++;
                changed = true;
            }
        }
    } while (changed);
    return n;
}

char *featmask_set_missing_deps(const FeatmaskSet *set, size_t idx)
{
    const FeatmaskMapEntry *e = featmask_map_entry(set->map, idx);
    g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    for (i = 0; i < e->nall; i++) {
        if (!featmask_set_has(set, e->all[i])) {
            g_ptr_array_add(parts, g_strdup(featmask_map_get(set->map,
                                                             e->all[i])->name));
        }
    }
    if (e->nany) {
        g_autoptr(GPtrArray) any = g_ptr_array_new();
        bool met = false;

        for (i = 0; i < e->nany; i++) {
            met |= featmask_set_has(set, e->any[i]);
            g_ptr_array_add(any, (char *)featmask_map_get(set->map,
                                                          e->any[i])->name);
        }
        if (!met) {
            g_ptr_array_add(any, NULL);
            g_ptr_array_add(parts, g_strjoinv(" or ", (char **)any->pdata));
        }
    }
    if (!parts->len) {
        return NULL;
    }
    g_ptr_array_add(parts, NULL);
    return g_strjoinv(", ", (char **)parts->pdata);
}
