/*
 * featmask: feature maps
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/featmask.h"
#include "featmask-internal.h"

/* How many near names an unknown-name error suggests. */
#define FEATMASK_SUGGEST_MAX 3

static void map_entry_clear(void *p)
{
    FeatmaskMapEntry *e = p;

    g_free(e->all);
    g_free(e->any);
}

FeatmaskMap *featmask_map_new(const char *kind, const char *desc)
{
    FeatmaskMap *map = g_new0(FeatmaskMap, 1);

    map->refcnt = 1;
    map->kind = g_strdup(kind);
    map->desc = g_strdup(desc ? desc : "");
    map->entries = g_array_new(FALSE, TRUE, sizeof(FeatmaskMapEntry));
    g_array_set_clear_func(map->entries, map_entry_clear);
    map->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    map->bits = g_hash_table_new(g_direct_hash, g_direct_equal);
    map->strings = g_string_chunk_new(256);
    return map;
}

FeatmaskMap *featmask_map_ref(FeatmaskMap *map)
{
    /* atomic: profiles are read on several threads */
    g_atomic_int_inc(&map->refcnt);
    return map;
}

void featmask_map_unref(FeatmaskMap *map)
{
    if (!map || !g_atomic_int_dec_and_test(&map->refcnt)) {
        return;
    }
    g_array_free(map->entries, TRUE);
    g_hash_table_destroy(map->names);
    g_hash_table_destroy(map->bits);
    g_string_chunk_free(map->strings);
    g_free(map->kind);
    g_free(map->desc);
    g_free(map);
}

/* '-' and '_' are interchangeable in feature names, as in QEMU. */
char *featmask_name_normalize(const char *name)
{
    char *n = g_strdup(name);

    g_strdelimit(n, "-", '_');
    return n;
}

static bool map_add_name(FeatmaskMap *map, const char *name, size_t idx,
                         Error **errp)
{
    g_autofree char *norm = NULL;
    gpointer old;

    if (!name[0]) {
        error_setg(errp, "%s: a feature has an empty name", map->kind);
        return false;
    }
    norm = featmask_name_normalize(name);
    old = g_hash_table_lookup(map->names, norm);
    if (old) {
        const FeatmaskFeature *f = featmask_map_get(map,
                                                    GPOINTER_TO_SIZE(old) - 1);
        /* A feature may list a spelling its own name already covers. */
        if (GPOINTER_TO_SIZE(old) - 1 == idx) {
            return true;
        }
        error_setg(errp, "%s: name '%s' is used by feature '%s' already",
                   map->kind, name, f->name);
        return false;
    }
    g_hash_table_insert(map->names, g_steal_pointer(&norm),
                        GSIZE_TO_POINTER(idx + 1));
    return true;
}

/*
 * Can @name be written in a mask string?  No separator, '=' or control
 * character, no leading sign, not a keyword: else a mask featmask prints
 * would not parse back.
 */
static bool name_fits_mask(const FeatmaskMap *map, const char *name,
                           Error **errp)
{
    const char *c;

    for (c = name; *c; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f) {
            break;
        }
    }
    if (*c || strpbrk(name, FEATMASK_MASK_SEPARATORS "=") ||
        name[0] == '+' || name[0] == '-' ||
        !strcmp(name, "all") || !strcmp(name, "none")) {
        error_setg(errp, "%s: feature name '%s' cannot be written in a"
                   " mask", map->kind, name);
        error_append_hint(errp, "Feature names have no ',', ':', '=' or"
                          " control character, do not start with '+' or"
                          " '-', and are not 'all' or 'none'.\n");
        return false;
    }
    return true;
}

bool featmask_map_add(FeatmaskMap *map, const FeatmaskFeature *feature,
                      Error **errp)
{
    FeatmaskMapEntry e = { .f = *feature };
    size_t idx = map->entries->len;
    const char *const *a;

    g_assert(!map->finalized);
    if (!feature->name || !feature->name[0]) {
        error_setg(errp, "%s: feature number %zu has no name", map->kind,
                   idx);
        return false;
    }
    if (!name_fits_mask(map, feature->name, errp)) {
        return false;
    }
    for (a = feature->aliases; a && *a; a++) {
        if (!**a) {
            error_setg(errp, "%s: feature '%s' has an empty alias",
                       map->kind, feature->name);
            return false;
        }
        if (!name_fits_mask(map, *a, errp)) {
            return false;
        }
    }
    if (feature->bit != FEATMASK_NO_BIT) {
        const FeatmaskFeature *other;
        int old = featmask_map_lookup_bit(map, feature->bit);

        if (feature->bit < 0) {
            error_setg(errp, "%s: feature '%s' has a negative bit %d",
                       map->kind, feature->name, feature->bit);
            return false;
        }
        if (old >= 0) {
            other = featmask_map_get(map, old);
            error_setg(errp, "%s: bit %d of feature '%s' is bit of '%s'"
                       " already", map->kind, feature->bit, feature->name,
                       other->name);
            return false;
        }
    }
    /* Check every name before changing anything. */
    if (featmask_map_lookup(map, feature->name) >= 0) {
        return map_add_name(map, feature->name, idx, errp);
    }
    for (a = feature->aliases; a && *a; a++) {
        if (featmask_map_lookup(map, *a) >= 0) {
            return map_add_name(map, *a, idx, errp);
        }
    }

    g_array_append_val(map->entries, e);
    map_add_name(map, feature->name, idx, &error_abort);
    for (a = feature->aliases; a && *a; a++) {
        map_add_name(map, *a, idx, &error_abort);
    }
    if (feature->bit != FEATMASK_NO_BIT) {
        g_hash_table_insert(map->bits, GINT_TO_POINTER(feature->bit),
                            GSIZE_TO_POINTER(idx + 1));
    }
    return true;
}

bool featmask_map_add_table(FeatmaskMap *map, const FeatmaskFeature *table,
                            size_t n, Error **errp)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!featmask_map_add(map, &table[i], errp)) {
            return false;
        }
    }
    return true;
}

bool featmask_map_add_dynamic(FeatmaskMap *map, const char *name, int bit,
                              Error **errp)
{
    FeatmaskFeature f = {
        .name = g_string_chunk_insert_const(map->strings, name),
        .bit = bit,
        .desc = "",
    };

    map->dynamic = true;
    return featmask_map_add(map, &f, errp);
}

static bool map_resolve_list(FeatmaskMap *map, const FeatmaskFeature *f,
                             const char *const *names, size_t **out,
                             size_t *nout, Error **errp)
{
    size_t n = names ? g_strv_length((char **)names) : 0;
    g_autofree size_t *idx = g_new0(size_t, n ? n : 1);
    size_t i;

    for (i = 0; i < n; i++) {
        int d = featmask_map_lookup(map, names[i]);

        if (d < 0) {
            error_setg(errp, "%s: feature '%s' depends on unknown feature"
                       " '%s'", map->kind, f->name, names[i]);
            return false;
        }
        idx[i] = d;
    }
    *out = g_steal_pointer(&idx);
    *nout = n;
    return true;
}

bool featmask_map_finalize(FeatmaskMap *map, Error **errp)
{
    size_t i;

    g_assert(!map->finalized);
    for (i = 0; i < map->entries->len; i++) {
        FeatmaskMapEntry *e = &g_array_index(map->entries,
                                             FeatmaskMapEntry, i);

        if (!map_resolve_list(map, &e->f, e->f.requires, &e->all, &e->nall,
                              errp) ||
            !map_resolve_list(map, &e->f, e->f.requires_any, &e->any,
                              &e->nany, errp)) {
            return false;
        }
    }
    map->finalized = true;
    return true;
}

const char *featmask_map_kind(const FeatmaskMap *map)
{
    return map->kind;
}

const char *featmask_map_desc(const FeatmaskMap *map)
{
    return map->desc;
}

bool featmask_map_is_dynamic(const FeatmaskMap *map)
{
    return map->dynamic;
}

size_t featmask_map_size(const FeatmaskMap *map)
{
    return map->entries->len;
}

const FeatmaskFeature *featmask_map_get(const FeatmaskMap *map, size_t idx)
{
    g_assert(idx < map->entries->len);
    return &g_array_index(map->entries, FeatmaskMapEntry, idx).f;
}

int featmask_map_lookup(const FeatmaskMap *map, const char *name)
{
    /* Profiles look up millions of names: normalize on the stack. */
    char buf[64];
    g_autofree char *heap = NULL;
    char *norm = buf;
    size_t i;
    gpointer p;

    for (i = 0; name[i] && i < sizeof(buf) - 1; i++) {
        buf[i] = name[i] == '-' ? '_' : name[i];
    }
    buf[i] = 0;
    if (name[i]) {
        norm = heap = featmask_name_normalize(name);
    }
    p = g_hash_table_lookup(map->names, norm);
    return p ? (int)GPOINTER_TO_SIZE(p) - 1 : -1;
}

int featmask_map_lookup_bit(const FeatmaskMap *map, int bit)
{
    gpointer p = g_hash_table_lookup(map->bits, GINT_TO_POINTER(bit));

    return p ? (int)GPOINTER_TO_SIZE(p) - 1 : -1;
}

/*
 * Where the valid names are is the program's business ('featmask list',
 * '-device foo,features=help'), not the core's.
 */
static FeatmaskNamesHintFunc names_hint;

void featmask_set_names_hint(FeatmaskNamesHintFunc fn)
{
    names_hint = fn;
}

int featmask_map_resolve(const FeatmaskMap *map, const char *name,
                         Error **errp)
{
    int idx = featmask_map_lookup(map, name);
    g_auto(GStrv) near = NULL;

    if (idx >= 0) {
        return idx;
    }
    error_setg(errp, "%s has no feature '%s'", map->kind, name);
    near = featmask_map_suggest(map, name, FEATMASK_SUGGEST_MAX);
    if (near[0]) {
        g_autofree char *list = g_strjoinv("', '", near);
        error_append_hint(errp, "Did you mean '%s'?\n", list);
    } else if (names_hint) {
        g_autofree char *hint = names_hint(map);

        if (hint) {
            error_append_hint(errp, "%s", hint);
        }
    }
    return -1;
}

/* Levenshtein distance, two rows. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    g_autofree size_t *prev = g_new(size_t, lb + 1);
    g_autofree size_t *cur = g_new(size_t, lb + 1);
    size_t i, j;

    for (j = 0; j <= lb; j++) {
        prev[j] = j;
    }
    for (i = 1; i <= la; i++) {
        cur[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

            cur[j] = MIN(sub, MIN(del, ins));
        }
        memcpy(prev, cur, (lb + 1) * sizeof(*prev));
    }
    return prev[lb];
}

typedef struct Candidate {
    size_t dist;
    size_t idx;
} Candidate;

static int candidate_cmp(const void *pa, const void *pb)
{
    const Candidate *a = pa, *b = pb;

    if (a->dist != b->dist) {
        return a->dist < b->dist ? -1 : 1;
    }
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

char **featmask_map_suggest(const FeatmaskMap *map, const char *name,
                            size_t max)
{
    g_autofree char *norm = featmask_name_normalize(name);
    /* Farther than a third of the name is no longer a typo. */
    size_t limit = MAX(2, strlen(norm) / 3);
    g_autoptr(GArray) cands = g_array_new(FALSE, FALSE, sizeof(Candidate));
    GPtrArray *out = g_ptr_array_new();
    GHashTableIter iter;
    gpointer key, value;
    size_t i;

    /* Aliases count, but each feature is suggested once, by its name. */
    g_hash_table_iter_init(&iter, map->names);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        Candidate c = {
            .dist = edit_distance(norm, key),
            .idx = GPOINTER_TO_SIZE(value) - 1,
        };

        if (c.dist <= limit || (strlen(norm) >= 3 && strstr(key, norm))) {
            g_array_append_val(cands, c);
        }
    }
    g_array_sort(cands, candidate_cmp);
    for (i = 0; i < cands->len && out->len < max; i++) {
        const char *n = featmask_map_get(map, g_array_index(cands, Candidate,
                                                            i).idx)->name;
        size_t j;

        for (j = 0; j < out->len && strcmp(out->pdata[j], n); j++) {
            /* look for a duplicate */
        }
        if (j == out->len) {
            g_ptr_array_add(out, g_strdup(n));
        }
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}
