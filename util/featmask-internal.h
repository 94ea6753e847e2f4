/*
 * featmask: the structures shared by the core's files
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_INTERNAL_H
#define FEATMASK_INTERNAL_H

/* A map entry with its dependencies resolved to indexes. */
typedef struct FeatmaskMapEntry {
    FeatmaskFeature f;
    size_t *all;
    size_t nall;
    size_t *any;
    size_t nany;
} FeatmaskMapEntry;

struct FeatmaskMap {
    int refcnt;
    char *kind;
    char *desc;
    bool dynamic;
    bool finalized;
    GArray *entries;            /* FeatmaskMapEntry */
    GHashTable *names;          /* normalized name or alias -> index + 1 */
    GHashTable *bits;           /* bit -> index + 1 */
    GStringChunk *strings;      /* names of dynamic features */
};

struct FeatmaskSet {
    FeatmaskMap *map;
    size_t nwords;
    uint64_t words[];
};

static inline const FeatmaskMapEntry *
featmask_map_entry(const FeatmaskMap *map, size_t idx)
{
    return &g_array_index(map->entries, FeatmaskMapEntry, idx);
}

char *featmask_name_normalize(const char *name);

#endif
