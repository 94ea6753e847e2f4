/*
 * featmask host profiles: reading the JSON document and the loader API
 *
 * Profiles are read with a pull parser (json-pull.c): no tree is built,
 * and every error names the line and column of the offending token.
 * The model (profile.c) holds what is read; profile-write.c writes it.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "profile.h"
#include "profile-internal.h"
#include "maps.h"
#include "json-pull.h"

/* The CPU map of an architecture featmask has no table for. */
#define CPU_KIND_PREFIX "cpu-"

/*
 * The feature names met so far and their index in their map: a pool's
 * profiles name the same few hundred features over and over, and a name
 * found here is not normalized and hashed again by featmask_map_lookup().
 * Only names a shipped map knows get in, so it stays as small as the maps.
 */
typedef struct NameCacheEntry {
    uint64_t head[2];           /* its first 16 bytes, zero-padded */
    size_t len;
    const FeatmaskMap *map;
    int idx;
    uint32_t hash;
    int32_t next;               /* the entry of the name that came after
                                 * it last time, or -1 */
    char *name;
} NameCacheEntry;

/*
 * The entries one after another, in the order they were met (the order
 * of a profile's lists, which the next profile's follow: the name that
 * comes next is most often the next entry, in the same cache line), and
 * a table of their indexes by hash.
 */
typedef struct NameCache {
    NameCacheEntry *entries;
    size_t used, allocated;
    uint32_t *table;            /* index + 1, 0 for a free slot */
    size_t size;                /* of @table, a power of two */
} NameCache;

#define NAME_HASH_K 0x9e3779b97f4a7c15ULL

/*
 * The hash of a name of @map: its first 16 bytes at once (most names
 * have no more), then eight at a time.
 */
static inline uint32_t name_hash(const FeatmaskMap *map,
                                 const JsonPullItem *it)
{
    uint64_t h = (it->head[0] ^ (uintptr_t)map) * NAME_HASH_K;

    h = (h ^ (h >> 29) ^ it->head[1] ^ it->len) * NAME_HASH_K;
    if (it->len > 16) {
        const char *s = it->text + 16;
        size_t n = it->len - 16, i;
        uint64_t w;

        for (; n >= 8; s += 8, n -= 8) {
            memcpy(&w, s, 8);
            h = (h ^ (h >> 29) ^ w) * NAME_HASH_K;
        }
        for (w = 0, i = 0; i < n; i++) {
            w |= (uint64_t)(unsigned char)s[i] << (8 * i);
        }
        h = (h ^ (h >> 29) ^ w) * NAME_HASH_K;
    }
    return h >> 32;
}

static inline G_ALWAYS_INLINE bool
name_cache_is(const NameCacheEntry *e, const FeatmaskMap *map,
              const JsonPullItem *it)
{
    return e->len == it->len && e->head[0] == it->head[0] &&
           e->head[1] == it->head[1] && e->map == map &&
           (it->len <= 16 || !memcmp(e->name + 16, it->text + 16,
                                     it->len - 16));
}

/* The slot of @it in c->table: where it is, or where it would go. */
static inline G_ALWAYS_INLINE uint32_t *
name_cache_slot(NameCache *c, const FeatmaskMap *map, const JsonPullItem *it,
                uint32_t hash)
{
    size_t i = hash & (c->size - 1);

    for (;; i = (i + 1) & (c->size - 1)) {
        uint32_t *slot = &c->table[i];

        if (!*slot || (c->entries[*slot - 1].hash == hash &&
                       name_cache_is(&c->entries[*slot - 1], map, it))) {
            return slot;
        }
    }
}

static void name_cache_grow(NameCache *c)
{
    size_t i;

    g_free(c->table);
    c->size = c->size ? c->size * 2 : 1024;
    c->table = g_new0(uint32_t, c->size);
    for (i = 0; i < c->used; i++) {
        const NameCacheEntry *e = &c->entries[i];
        JsonPullItem it = { e->name, e->len, { e->head[0], e->head[1] } };

        *name_cache_slot(c, e->map, &it, e->hash) = i + 1;
    }
}

/*
 * The index in @map of the name @it if the cache has it, else -1.
 * @prev: the entry of the name before it in its list, or -1; set to its.
 * A pool's profiles list their names in the same order: the name that
 * came after @prev last time is tried first, without hashing.
 */
static inline G_ALWAYS_INLINE int
name_cache_find(NameCache *c, const FeatmaskMap *map,
                const JsonPullItem *it, int32_t *prev)
{
    uint32_t *slot;
    int32_t at;

    if (*prev >= 0 && (at = c->entries[*prev].next) >= 0 &&
        name_cache_is(&c->entries[at], map, it)) {
        *prev = at;
        return c->entries[at].idx;
    }
    if (!c->size) {
        return -1;
    }
    slot = name_cache_slot(c, map, it, name_hash(map, it));
    if (!*slot) {
        return -1;
    }
    at = *slot - 1;
    if (*prev >= 0) {
        c->entries[*prev].next = at;
    }
    *prev = at;
    return c->entries[at].idx;
}

/*
 * The index in @map of the name @it, or -1; a name not in the cache yet
 * is copied to @str and looked up in @map.
 */
static int name_cache_lookup(NameCache *c, const FeatmaskMap *map,
                             const JsonPullItem *it, GString *str)
{
    uint32_t hash = name_hash(map, it);
    uint32_t *slot;
    int idx;

    if (c->size) {
        slot = name_cache_slot(c, map, it, hash);
        if (*slot) {
            return c->entries[*slot - 1].idx;
        }
    }
    if (it->text != str->str) {
        g_string_truncate(str, 0);
        g_string_append_len(str, it->text, it->len);
    }
    idx = featmask_map_lookup(map, str->str);
    if (idx < 0) {
        return idx;
    }
    if (2 * (c->used + 1) > c->size) {
        name_cache_grow(c);
    }
    if (c->used == c->allocated) {
        c->allocated = c->allocated ? 2 * c->allocated : 256;
        c->entries = g_renew(NameCacheEntry, c->entries, c->allocated);
    }
    c->entries[c->used] = (NameCacheEntry){
        { it->head[0], it->head[1] }, it->len, map, idx, hash, -1,
        g_strndup(str->str, it->len)
    };
    *name_cache_slot(c, map, it, hash) = ++c->used;
    return idx;
}

static void name_cache_clear(NameCache *c)
{
    size_t i;

    for (i = 0; i < c->used; i++) {
        g_free(c->entries[i].name);
    }
    g_free(c->entries);
    g_free(c->table);
    *c = (NameCache){ 0 };
}

/* The maps of the types met so far, by type (see reader_map()). */
typedef struct ReaderTypes {
    unsigned n;
    char *type[16];
    FeatmaskMap *map[16];
} ReaderTypes;

typedef struct ProfileReader {
    JsonPull j;
    FeatmaskMaps *maps;
    GPtrArray *pending;
    NameCache *names;
    ReaderTypes *types;
} ProfileReader;

/*
 * A device or CPU whose type has no shipped map: its names wait until
 * every file is read, then all hosts' names make one dynamic map.
 */
typedef FeatmaskPendingSet PendingSet;

static void pending_set_free(void *opaque)
{
    PendingSet *p = opaque;

    g_free(p->type);
    g_free(p->names);           /* one block: see pack_names() */
    g_free(p);
}

/* The kind of map of a CPU architecture (a static string). */
static const char *cpu_kind(const char *arch)
{
    static GHashTable *kinds;
    char *kind;

    if (!strcmp(arch, "x86_64") || !strcmp(arch, "i386")) {
        return "x86-cpu";
    }
    /* Few architectures ever: keep each kind string for good. */
    if (!kinds) {
        kinds = g_hash_table_new(g_str_hash, g_str_equal);
    }
    kind = g_hash_table_lookup(kinds, arch);
    if (!kind) {
        kind = g_strconcat(CPU_KIND_PREFIX, arch, NULL);
        g_hash_table_insert(kinds, g_strdup(arch), kind);
    }
    return kind;
}

/* Where a value started: for errors about the value as a whole. */
typedef struct Pos {
    unsigned line, col;
} Pos;

static Pos here(ProfileReader *r)
{
    return (Pos){ r->j.tok_line, r->j.tok_col };
}

static bool G_GNUC_PRINTF(4, 5)
error_at(ProfileReader *r, Pos pos, Error **errp, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_setg(errp, "%s:%u:%u: %s", r->j.file, pos.line, pos.col, msg);
    return false;
}

/* The next token, which must start a value of kind @want. */
static bool expect(ProfileReader *r, JsonPullToken want, const char *what,
                   Error **errp)
{
    JsonPullToken tok;

    if (!json_pull_next(&r->j, &tok, errp)) {
        return false;
    }
    if (tok != want) {
        json_pull_error(&r->j, errp, "%s must be %s, not %s", what,
                        json_pull_token_name(want),
                        json_pull_token_name(tok));
        return false;
    }
    return true;
}

/*
 * No string of a profile holds a control character: JSON can escape
 * them, but a host name, an id or a feature name never has one, and
 * json-glib 1.6 writes U+001F unescaped, so a profile holding one could
 * not be written and read again.
 */
static int control_char(const GString *str)
{
    size_t i;

    for (i = 0; i < str->len; i++) {
        unsigned char c = str->str[i];

        if (c < 0x20 || c == 0x7f) {
            return c;
        }
    }
    return -1;
}

static bool read_string(ProfileReader *r, const char *where, const char *name,
                        bool nonempty, char **out, Error **errp)
{
    JsonPullToken tok;
    int c;

    if (!json_pull_next(&r->j, &tok, errp)) {
        return false;
    }
    if (tok != JSON_PULL_STRING) {
        json_pull_error(&r->j, errp, "'%s' of %s must be a string, not %s",
                        name, where, json_pull_token_name(tok));
        return false;
    }
    if (nonempty && !r->j.str->len) {
        json_pull_error(&r->j, errp, "'%s' of %s must not be empty", name,
                        where);
        return false;
    }
    c = control_char(r->j.str);
    if (c >= 0) {
        json_pull_error(&r->j, errp, "'%s' of %s has a control character"
                        " (U+%04X)", name, where, c);
        return false;
    }
    g_free(*out);
    *out = g_strdup(r->j.str->str);
    return true;
}

static bool read_string_list(ProfileReader *r, const char *where,
                             const char *name, char ***out, Error **errp)
{
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *what = g_strdup_printf("'%s' of %s", name, where);
    JsonPullToken tok;
    unsigned i;
    int c;

    if (!expect(r, JSON_PULL_ARRAY_START, what, errp)) {
        return false;
    }
    for (i = 1;; i++) {
        if (!json_pull_next(&r->j, &tok, errp)) {
            return false;
        }
        if (tok == JSON_PULL_ARRAY_END) {
            break;
        }
        if (tok != JSON_PULL_STRING) {
            json_pull_error(&r->j, errp, "item %u of %s must be a string, not"
                            " %s", i, what, json_pull_token_name(tok));
            return false;
        }
        if (i > FEATMASK_PROFILE_MAX_FEATURES) {
            json_pull_error(&r->j, errp, "%s has more than %d items", what,
                            FEATMASK_PROFILE_MAX_FEATURES);
            return false;
        }
        c = control_char(r->j.str);
        if (c >= 0) {
            json_pull_error(&r->j, errp, "item %u of %s has a control"
                            " character (U+%04X)", i, what, c);
            return false;
        }
        g_ptr_array_add(list, g_strdup(r->j.str->str));
    }
    g_ptr_array_add(list, NULL);
    g_strfreev(*out);
    *out = (char **)g_ptr_array_free(g_steal_pointer(&list), FALSE);
    return true;
}

static bool skip_value(ProfileReader *r, Error **errp)
{
    JsonPullToken tok;

    return json_pull_next(&r->j, &tok, errp) &&
           json_pull_skip(&r->j, tok, errp);
}

/* Feature @i of @where, which has not been found in the cache. */
static bool G_GNUC_NO_INLINE
add_feature_slow(ProfileReader *r, const char *where, FeatmaskMap *map,
                 FeatmaskSet *set, GString *names, unsigned i,
                 const JsonPullItem *it, int32_t *prev, Error **errp)
{
    int idx;

    *prev = -1;
    r->j.tok_line = it->line;
    r->j.tok_col = it->col;
    if (i > FEATMASK_PROFILE_MAX_FEATURES) {
        json_pull_error(&r->j, errp, "%s has more than %d features",
                        where, FEATMASK_PROFILE_MAX_FEATURES);
        return false;
    }
    if (!map) {
        /*
         * NUL-separated (the JSON reader refuses a NUL in a string), and
         * without GString's general path: there are many.
         */
        size_t at = names->len;

        if (at + it->len + 1 >= names->allocated_len) {
            g_string_set_size(names, 2 * (at + it->len + 1));
        }
        memcpy(names->str + at, it->text, it->len);
        names->str[at + it->len] = '\0';
        names->len = at + it->len + 1;
        return true;
    }
    idx = name_cache_lookup(r->names, map, it, r->j.str);
    if (idx < 0) {
        Error *err = NULL;

        featmask_map_resolve(map, r->j.str->str, &err);
        json_pull_error(&r->j, errp, "%s: %s", where,
                        error_get_pretty(err));
        if (error_get_hint(err)) {
            error_append_hint(errp, "%s", error_get_hint(err));
        }
        error_free(err);
        return false;
    }
    featmask_set_add(set, idx);
    return true;
}

/* Feature @i of @where, the name @it. */
static inline G_ALWAYS_INLINE bool
add_feature(ProfileReader *r, const char *where, FeatmaskMap *map,
            FeatmaskSet *set, GString *names, unsigned i,
            const JsonPullItem *it, int32_t *prev, Error **errp)
{
    int idx;

    if (map && i <= FEATMASK_PROFILE_MAX_FEATURES &&
        (idx = name_cache_find(r->names, map, it, prev)) >= 0) {
        featmask_set_add(set, idx);
        return true;
    }
    return add_feature_slow(r, where, map, set, names, i, it, prev, errp);
}

/*
 * The @n NUL-separated names of @text as a NULL-terminated vector, in one
 * block (freed with g_free()): a pool's profiles have many.
 */
static char **pack_names(const GString *text, size_t n)
{
    char **v = g_malloc((n + 1) * sizeof(char *) + text->len);
    char *t = (char *)(v + n + 1);
    size_t i;

    memcpy(t, text->str, text->len);
    for (i = 0; i < n; i++) {
        v[i] = t;
        t += strlen(t) + 1;
    }
    v[n] = NULL;
    return v;
}

/*
 * The map of @type: the few types of a pool are remembered here, so
 * that the maps' table is not asked (under its lock) for every device.
 * A type without a shipped map is remembered as NULL: its dynamic map
 * is made once every profile is read.
 */
static FeatmaskMap *reader_map(ProfileReader *r, const char *type)
{
    ReaderTypes *t = r->types;
    unsigned i;

    for (i = 0; i < t->n; i++) {
        if (!strcmp(t->type[i], type)) {
            return t->map[i];
        }
    }
    if (t->n == G_N_ELEMENTS(t->type)) {
        return featmask_maps_get(r->maps, type);
    }
    t->type[t->n] = g_strdup(type);
    t->map[t->n] = featmask_maps_get(r->maps, type);
    return t->map[t->n++];
}

static void reader_types_clear(ReaderTypes *t)
{
    unsigned i;

    for (i = 0; i < t->n; i++) {
        g_free(t->type[i]);
    }
    t->n = 0;
}

/*
 * Read a "features" array into *dst over the map of @type; for a type
 * without a map, keep the names for later.
 */
static bool read_features(ProfileReader *r, const char *where,
                          const char *type, FeatmaskSet **dst,
                          Error **errp)
{
    FeatmaskMap *map = reader_map(r, type);
    g_autoptr(FeatmaskSet) set = map ? featmask_set_new(map) : NULL;
    g_autoptr(GString) names = map ? NULL : g_string_new(NULL);
    JsonPullToken tok;
    int32_t prev = -1;
    unsigned i;

    if (!json_pull_next(&r->j, &tok, errp)) {
        return false;
    }
    if (tok != JSON_PULL_ARRAY_START) {
        /* as expect() says it, without formatting it for every device */
        json_pull_error(&r->j, errp, "'features' of %s must be %s, not %s",
                        where, json_pull_token_name(JSON_PULL_ARRAY_START),
                        json_pull_token_name(tok));
        return false;
    }
    for (i = 1;; i++) {
        JsonPullItem items[64];
        size_t n = json_pull_plain_items(&r->j, items, G_N_ELEMENTS(items));
        size_t k;
        JsonPullItem it;

        /* Most items are plain strings: many are found at once. */
        for (k = 0; k < n; k++, i++) {
            if (!add_feature(r, where, map, set, names, i, &items[k],
                             &prev, errp)) {
                return false;
            }
        }
        if (!json_pull_next_item(&r->j, &tok, &it.text, &it.len, errp)) {
            return false;
        }
        if (tok == JSON_PULL_ARRAY_END) {
            break;
        }
        if (tok != JSON_PULL_STRING) {
            json_pull_error(&r->j, errp, "feature %u of %s must be a string,"
                            " not %s", i, where, json_pull_token_name(tok));
            return false;
        }
        it.line = r->j.tok_line;
        it.col = r->j.tok_col;
        json_pull_item_head(&it, false);
        if (!add_feature(r, where, map, set, names, i, &it, &prev, errp)) {
            return false;
        }
    }
    if (map) {
        *dst = g_steal_pointer(&set);
    } else {
        PendingSet *p = g_new0(PendingSet, 1);

        p->dst = dst;
        p->type = g_strdup(type);
        p->names = pack_names(names, i - 1);
        g_ptr_array_add(r->pending, p);
    }
    return true;
}

/*
 * "features" may come before "type" or "arch": then the map is not known
 * yet.  Such a member is read after the object, by a second pass over it.
 */
typedef struct Deferred {
    bool seen;
    bool deferred;              /* read when the map is known */
    JsonPull at;                /* the tokenizer just before the value */
} Deferred;

/* Read "features" now if @type is known, else note where it is. */
static bool defer_features(ProfileReader *r, Deferred *d, const char *where,
                           const char *type, FeatmaskSet **dst, Error **errp)
{
    if (type) {
        return read_features(r, where, type, dst, errp);
    }
    d->deferred = true;
    d->at = r->j;
    return skip_value(r, errp);
}

static bool read_deferred(ProfileReader *r, Deferred *d, const char *where,
                          const char *type, FeatmaskSet **dst, Error **errp)
{
    JsonPull saved = r->j;
    bool ok;

    r->j = d->at;
    r->j.str = saved.str;
    ok = read_features(r, where, type, dst, errp);
    saved.str = r->j.str;
    r->j = saved;
    return ok;
}

/* A string member of an object, stored at @offset of the C struct. */
typedef struct Member {
    const char *name;
    size_t offset;
    bool required;
    const char *const *choices;     /* the values allowed, or NULL */
    bool list;                      /* an array of strings (char **) */
    /* a value of another shape, read by this function into the object */
    bool (*read)(ProfileReader *r, const char *where, void *obj,
                 Error **errp);
} Member;

const char *const featmask_qemu_accels[] = { "kvm", "tcg", NULL };

static bool read_switches(ProfileReader *r, const char *where, void *obj,
                          Error **errp);

static const Member qemu_members[] = {
    { "kind", offsetof(FeatmaskProfile, qemu_kind),
      .choices = (const char *const[]){ "patched", "stock", NULL } },
    { "version", offsetof(FeatmaskProfile, qemu_version) },
    { "binary", offsetof(FeatmaskProfile, qemu_binary) },
    { "accelerator", offsetof(FeatmaskProfile, qemu_accel),
      .choices = featmask_qemu_accels },
    { "args", offsetof(FeatmaskProfile, qemu_args), .list = true },
    { "cpu-models", offsetof(FeatmaskProfile, qemu_cpu_models),
      .list = true },
    { "switches", .read = read_switches },
    { NULL }
};

static const Member cpu_members[] = {
    { "arch", offsetof(FeatmaskProfileCpu, arch), true },
    { "vendor", offsetof(FeatmaskProfileCpu, vendor) },
    { "model", offsetof(FeatmaskProfileCpu, model) },
    { "source", offsetof(FeatmaskProfileCpu, source) },
    { "view", offsetof(FeatmaskProfileCpu, view),
      .choices = (const char *const[]){ "kvm", "raw", NULL } },
    { "unknown-words", offsetof(FeatmaskProfileCpu, unknown_words),
      .list = true },
    { NULL }
};

static const Member device_members[] = {
    { "id", offsetof(FeatmaskProfileDevice, id), true },
    { "type", offsetof(FeatmaskProfileDevice, type), true },
    { "backend", offsetof(FeatmaskProfileDevice, backend) },
    { "source", offsetof(FeatmaskProfileDevice, source) },
    { NULL }
};

static char **member_field(void *obj, const Member *m)
{
    return (char **)((char *)obj + m->offset);
}

/*
 * What is being read, for messages: a device is "device N" until its id
 * is known, then "device 'ID'".
 */
typedef struct Subject {
    const char *name;           /* "'cpu'", "'qemu'" or NULL for a device */
    unsigned n;
    FeatmaskProfileDevice *dev;
    const char *formatted_id;   /* the id @buf was formatted with */
    char buf[128];
} Subject;

/* Put @n bytes of @s at @at of @buf, as far as they fit before a NUL. */
static size_t buf_put(char *buf, size_t size, size_t at, const char *s,
                      size_t n)
{
    n = MIN(n, size - 1 - at);
    memcpy(buf + at, s, n);
    return at + n;
}

static const char *subject(Subject *s)
{
    if (s->name) {
        return s->name;
    }
    /* Formatted again only when the id changed: this is per member. */
    if (s->buf[0] && s->formatted_id == s->dev->id) {
        return s->buf;
    }
    if (s->dev->id) {
        /* g_snprintf(s->buf, ..., "device '%s'"), without its cost */
        size_t at = buf_put(s->buf, sizeof(s->buf), 0, "device '", 8);

        at = buf_put(s->buf, sizeof(s->buf), at, s->dev->id,
                     strlen(s->dev->id));
        at = buf_put(s->buf, sizeof(s->buf), at, "'", 1);
        s->buf[at] = '\0';
    } else {
        g_snprintf(s->buf, sizeof(s->buf), "device %u", s->n);
    }
    s->formatted_id = s->dev->id;
    return s->buf;
}

/* The map kind of an object's features, NULL while it is not known. */
typedef const char *TypeOf(void *obj);

static const char *cpu_type_of(void *obj)
{
    FeatmaskProfileCpu *cpu = obj;

    return cpu->arch ? cpu_kind(cpu->arch) : NULL;
}

static const char *device_type_of(void *obj)
{
    return ((FeatmaskProfileDevice *)obj)->type;
}

/*
 * Read the members of an object whose '{' was just read: the strings of
 * @members into @obj, "features" into *@features over the map of
 * @type_of(@obj) (at once if the type is known by then, else after the
 * object), and skip the others.  Required members must be there and not
 * empty.
 */
static bool read_object(ProfileReader *r, Subject *what,
                        const Member *members, void *obj, TypeOf *type_of,
                        FeatmaskSet **features, Error **errp)
{
    Deferred d = { 0 };
    Pos start = here(r);
    const Member *m;
    JsonPullToken tok;

    for (;;) {
        if (!json_pull_next(&r->j, &tok, errp)) {
            return false;
        }
        if (tok == JSON_PULL_OBJECT_END) {
            break;
        }
        for (m = members; m->name && strcmp(m->name, r->j.str->str); m++) {
            /* look the member up */
        }
        if (m->name && m->read) {
            if (!m->read(r, subject(what), obj, errp)) {
                return false;
            }
        } else if (m->name && m->list) {
            if (!read_string_list(r, subject(what), m->name,
                                  (char ***)member_field(obj, m), errp)) {
                return false;
            }
        } else if (m->name) {
            if (!read_string(r, subject(what), m->name, m->required,
                             member_field(obj, m), errp)) {
                return false;
            }
            if (m->choices &&
                !g_strv_contains(m->choices, *member_field(obj, m))) {
                g_autofree char *list = g_strjoinv("' or '",
                                                   (char **)m->choices);

                json_pull_error(&r->j, errp, "'%s' of %s must be '%s', not"
                                " '%s'", m->name, subject(what), list,
                                *member_field(obj, m));
                return false;
            }
        } else if (features && !strcmp(r->j.str->str, "features")) {
            /* The JSON reader refuses a member given twice. */
            d.seen = true;
            if (!defer_features(r, &d, subject(what), type_of(obj),
                                features, errp)) {
                return false;
            }
        } else if (!skip_value(r, errp)) {
            return false;
        }
    }
    for (m = members; m->name; m++) {
        if (m->required && !*member_field(obj, m)) {
            return error_at(r, start, errp, "%s has no member '%s'",
                            subject(what), m->name);
        }
    }
    if (features && !d.seen) {
        return error_at(r, start, errp, "%s has no member 'features'",
                        subject(what));
    }
    return !d.deferred ||
           read_deferred(r, &d, subject(what), type_of(obj), features,
                         errp);
}

/*
 * "switches": { "x86-cpu": [names], "virtio-net-pci": [names] }.  The
 * names are kept as text: a name featmask's map lacks is a switch no plan
 * writes.
 */
static bool read_switches(ProfileReader *r, const char *where, void *obj,
                          Error **errp)
{
    FeatmaskProfile *p = obj;
    g_autofree char *what = g_strdup_printf("'switches' of %s", where);
    JsonPullToken tok;
    int c;

    if (!expect(r, JSON_PULL_OBJECT_START, what, errp)) {
        return false;
    }
    if (!p->qemu_switches) {
        p->qemu_switches =
            g_ptr_array_new_with_free_func(profile_switches_free);
    }
    for (;;) {
        g_autofree char *type = NULL;
        g_auto(GStrv) names = NULL;

        if (!json_pull_next(&r->j, &tok, errp)) {
            return false;
        }
        if (tok == JSON_PULL_OBJECT_END) {
            return true;
        }
        c = control_char(r->j.str);
        if (c >= 0) {
            json_pull_error(&r->j, errp, "a type of %s has a control"
                            " character (U+%04X)", what, c);
            return false;
        }
        /* The JSON reader refuses a member given twice. */
        type = g_strdup(r->j.str->str);
        if (!read_string_list(r, what, type, &names, errp)) {
            return false;
        }
        featmask_profile_set_switches(p, type, (const char *const *)names);
    }
}

static bool read_qemu(ProfileReader *r, FeatmaskProfile *p, Error **errp)
{
    Subject what = { .name = "'qemu'" };

    return expect(r, JSON_PULL_OBJECT_START, "'qemu'", errp) &&
           read_object(r, &what, qemu_members, p, NULL, NULL, errp);
}

static bool read_cpu(ProfileReader *r, FeatmaskProfile *p, Error **errp)
{
    Subject what = { .name = "'cpu'" };

    if (!expect(r, JSON_PULL_OBJECT_START, "'cpu'", errp)) {
        return false;
    }
    /* Pending sets point into it: it belongs to the profile at once. */
    p->cpu = g_new0(FeatmaskProfileCpu, 1);
    return read_object(r, &what, cpu_members, p->cpu, cpu_type_of,
                       &p->cpu->features, errp);
}

/* Is the id of @dev, the last device of @p, an earlier device's? */
static bool device_listed(const FeatmaskProfile *p,
                          const FeatmaskProfileDevice *dev)
{
    guint d;

    /* a handful: compared in turn, without building the profile's index */
    if (p->devices->len > 16) {
        return featmask_profile_find_device(p, dev->id) != dev;
    }
    for (d = 0; d + 1 < p->devices->len; d++) {
        if (!strcmp(((FeatmaskProfileDevice *)p->devices->pdata[d])->id,
                    dev->id)) {
            return true;
        }
    }
    return false;
}

static bool read_devices(ProfileReader *r, FeatmaskProfile *p, Error **errp)
{
    JsonPullToken tok;
    unsigned n;

    if (!expect(r, JSON_PULL_ARRAY_START, "'devices'", errp)) {
        return false;
    }
    for (n = 1;; n++) {
        FeatmaskProfileDevice *dev;
        Subject what = { .n = n };
        Pos start;

        if (!json_pull_next(&r->j, &tok, errp)) {
            return false;
        }
        if (tok == JSON_PULL_ARRAY_END) {
            return true;
        }
        if (tok != JSON_PULL_OBJECT_START) {
            json_pull_error(&r->j, errp, "device %u must be an object, not"
                            " %s", n, json_pull_token_name(tok));
            return false;
        }
        start = here(r);
        if (p->devices->len == FEATMASK_PROFILE_MAX_DEVICES) {
            return error_at(r, start, errp, "more than %d devices in one"
                            " profile", FEATMASK_PROFILE_MAX_DEVICES);
        }
        /* Pending sets point into it: it belongs to the profile at once. */
        dev = what.dev = g_new0(FeatmaskProfileDevice, 1);
        g_ptr_array_add(p->devices, dev);
        if (!read_object(r, &what, device_members, dev, device_type_of,
                         &dev->features, errp)) {
            return false;
        }
        if (device_listed(p, dev)) {
            return error_at(r, start, errp, "device '%s' is listed twice",
                            dev->id);
        }
    }
}

/*
 * The version of the document, checked on its own: a file of another
 * version is refused as such, whatever else it holds.  Returns false and
 * sets @errp if the version is missing or not ours.
 */
static bool check_version(JsonPull *pull, const char *file,
                          const char *text, size_t len, unsigned line,
                          Error **errp)
{
    JsonPull j;
    JsonPullToken tok;
    Pos start;
    bool ok = true;

    json_pull_reset(pull, file, text, len);
    j = *pull;
    j.line = line;
    if (!json_pull_next(&j, &tok, NULL) || tok != JSON_PULL_OBJECT_START) {
        goto out;       /* not an object: the reader says so */
    }
    start = (Pos){ j.tok_line, j.tok_col };
    for (;;) {
        if (!json_pull_next(&j, &tok, NULL)) {
            goto out;   /* a syntax error: the reader says so */
        }
        if (tok == JSON_PULL_OBJECT_END) {
            error_setg(errp, "%s:%u:%u: not a featmask profile: no member"
                       " 'featmask-profile'", file, start.line, start.col);
            ok = false;
            goto out;
        }
        if (!strcmp(j.str->str, "featmask-profile")) {
            break;
        }
        if (!json_pull_next(&j, &tok, NULL) ||
            !json_pull_skip(&j, tok, NULL)) {
            goto out;
        }
    }
    if (!json_pull_next(&j, &tok, NULL)) {
        goto out;
    }
    if (tok != JSON_PULL_NUMBER || strcmp(j.str->str, G_STRINGIFY(
            FEATMASK_PROFILE_VERSION))) {
        json_pull_error(&j, errp, tok == JSON_PULL_NUMBER ?
                        "unknown profile version %s (this featmask reads"
                        " version %d)" : "'featmask-profile' must be a"
                        " version number, not %s",
                        tok == JSON_PULL_NUMBER ? j.str->str :
                        json_pull_token_name(tok), FEATMASK_PROFILE_VERSION);
        ok = false;
    }
out:
    return ok;
}

static bool read_profile(ProfileReader *r, FeatmaskProfile *p, Error **errp)
{
    JsonPullToken tok;
    bool version = false;
    Pos start;

    if (!json_pull_next(&r->j, &tok, errp)) {
        return false;
    }
    if (tok != JSON_PULL_OBJECT_START) {
        json_pull_error(&r->j, errp, "a profile must be a JSON object, not"
                        " %s", json_pull_token_name(tok));
        return false;
    }
    start = here(r);
    for (;;) {
        const char *key;

        if (!json_pull_next(&r->j, &tok, errp)) {
            return false;
        }
        if (tok == JSON_PULL_OBJECT_END) {
            break;
        }
        key = r->j.str->str;
        if (!strcmp(key, "featmask-profile")) {
            /* check_version() says what is wrong with it, if anything */
            version = true;
            if (!skip_value(r, errp)) {
                return false;
            }
        } else if (!strcmp(key, "host")) {
            if (!read_string(r, "the profile", "host", true, &p->host,
                             errp)) {
                return false;
            }
        } else if (!strcmp(key, "qemu")) {
            if (!read_qemu(r, p, errp)) {
                return false;
            }
        } else if (!strcmp(key, "cpu")) {
            if (!read_cpu(r, p, errp)) {
                return false;
            }
        } else if (!strcmp(key, "devices")) {
            if (!read_devices(r, p, errp)) {
                return false;
            }
        } else if (!skip_value(r, errp)) {
            return false;
        }
    }
    /* Anything after the profile is an error. */
    if (!json_pull_next(&r->j, &tok, errp)) {
        return false;
    }
    if (!version) {
        return error_at(r, start, errp, "not a featmask profile: no member"
                        " 'featmask-profile'");
    }
    if (!p->host) {
        return error_at(r, start, errp, "the profile has no member 'host'");
    }
    return true;
}

struct FeatmaskProfileLoader {
    FeatmaskMaps *maps;
    GPtrArray *profiles;
    GPtrArray *pending;
    NameCache names;
    ReaderTypes types;
    JsonPull pull;              /* its str and keys, for every document */
    FeatmaskProfileSink *sink;
    void *sink_opaque;
};

/* One document of @text, which starts on line @line of @file. */
static FeatmaskProfile *load_text(FeatmaskProfileLoader *l, const char *file,
                                  const char *text, size_t len, unsigned line,
                                  Error **errp)
{
    g_autoptr(FeatmaskProfile) p = featmask_profile_new(NULL);
    ProfileReader r = { .maps = l->maps, .pending = l->pending,
                        .names = &l->names, .types = &l->types };
    Error *err = NULL;
    bool ok;

    /* The reader's buffers serve every document of the loader. */
    if (!l->pull.str) {
        json_pull_init(&l->pull, file, text, len);
    } else {
        json_pull_reset(&l->pull, file, text, len);
    }
    r.j = l->pull;
    r.j.line = line;
    ok = read_profile(&r, p, &err);
    /* A version we do not read explains any other error. */
    if (!check_version(&l->pull, file, text, len, line, errp)) {
        error_free(err);
        return NULL;
    }
    if (!ok) {
        error_propagate(errp, err);
        return NULL;
    }
    p->file = g_strdup(file);
    return g_steal_pointer(&p);
}

static FeatmaskProfile *load_one(FeatmaskProfileLoader *l, const char *file,
                                 Error **errp)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree char *text = NULL;
    gsize len;

    if (!g_file_get_contents(file, &text, &len, &gerr)) {
        if (g_error_matches(gerr, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            error_setg(errp, "%s: no such file", file);
        } else {
            error_setg(errp, "%s: %s", file, gerr->message);
        }
        return NULL;
    }
    if (len > FEATMASK_PROFILE_MAX_SIZE) {
        error_setg(errp, "%s: a profile may have at most %d MiB, this file"
                   " has %" G_GSIZE_FORMAT " bytes", file,
                   FEATMASK_PROFILE_MAX_SIZE >> 20, len);
        return NULL;
    }
    if (strspn(text, " \t\r\n") == len) {
        error_setg(errp, "%s: empty file, expected a featmask profile", file);
        return NULL;
    }
    return load_text(l, file, text, len, 1, errp);
}

/* Build the dynamic maps of the pending types and resolve their sets. */
static bool resolve_pending(FeatmaskMaps *maps, GPtrArray *pending,
                            Error **errp)
{
    g_autoptr(GHashTable) names = g_hash_table_new_full(g_str_hash,
        g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
    GHashTableIter iter;
    gpointer type, list;
    guint i;

    for (i = 0; i < pending->len; i++) {
        PendingSet *p = pending->pdata[i];
        GPtrArray *all = g_hash_table_lookup(names, p->type);
        char **n;

        if (!all) {
            all = g_ptr_array_new();
            g_hash_table_insert(names, p->type, all);
        }
        for (n = p->names; *n; n++) {
            g_ptr_array_add(all, *n);
        }
    }
    g_hash_table_iter_init(&iter, names);
    while (g_hash_table_iter_next(&iter, &type, &list)) {
        GPtrArray *all = list;

        g_ptr_array_add(all, NULL);
        if (!featmask_maps_add_dynamic(maps, type,
                                       (const char *const *)all->pdata,
                                       errp)) {
            return false;
        }
    }
    for (i = 0; i < pending->len; i++) {
        PendingSet *p = pending->pdata[i];

        *p->dst = featmask_set_from_names(featmask_maps_get(maps, p->type),
                                          (const char *const *)p->names,
                                          &error_abort);
    }
    return true;
}


FeatmaskProfileLoader *featmask_profile_loader_new(FeatmaskMaps *maps)
{
    FeatmaskProfileLoader *l = g_new0(FeatmaskProfileLoader, 1);

    l->maps = maps;
    l->profiles = g_ptr_array_new_with_free_func(
        (GDestroyNotify)featmask_profile_free);
    l->pending = g_ptr_array_new_with_free_func(pending_set_free);
    return l;
}

void featmask_profile_loader_free(FeatmaskProfileLoader *l)
{
    if (l) {
        g_ptr_array_unref(l->pending);
        g_ptr_array_unref(l->profiles);
        name_cache_clear(&l->names);
        reader_types_clear(&l->types);
        if (l->pull.str) {
            json_pull_destroy(&l->pull);
        }
        g_free(l);
    }
}

FeatmaskMaps *featmask_profile_loader_maps(FeatmaskProfileLoader *l)
{
    return l->maps;
}

void featmask_profile_loader_set_sink(FeatmaskProfileLoader *l,
                                      FeatmaskProfileSink *sink,
                                      void *opaque)
{
    l->sink = sink;
    l->sink_opaque = opaque;
}

/*
 * The pending sets from @npending on, taken out of l->pending (last
 * first, as the sink has always had them).
 */
static GPtrArray *pending_since(FeatmaskProfileLoader *l, guint npending)
{
    GPtrArray *mine = g_ptr_array_new_with_free_func(pending_set_free);

    while (l->pending->len > npending) {
        g_ptr_array_add(mine, g_ptr_array_steal_index_fast(
                            l->pending, l->pending->len - 1));
    }
    return mine;
}

bool featmask_profile_loader_take(FeatmaskProfileLoader *l,
                                  FeatmaskProfile *p, GPtrArray *pending,
                                  Error **errp)
{
    g_autoptr(GPtrArray) mine = pending;

    if (!l->sink) {
        g_ptr_array_add(l->profiles, p);
        while (mine->len) {
            g_ptr_array_add(l->pending, g_ptr_array_steal_index_fast(
                                mine, mine->len - 1));
        }
        return true;
    }
    return l->sink(l->sink_opaque, p, mine, errp);
}

FeatmaskProfile *featmask_profile_loader_read_file(FeatmaskProfileLoader *l,
                                                   const char *file,
                                                   GPtrArray **pending,
                                                   Error **errp)
{
    guint npending = l->pending->len;
    FeatmaskProfile *p = load_one(l, file, errp);

    *pending = pending_since(l, npending);
    return p;
}

FeatmaskProfile *featmask_profile_loader_read_text(FeatmaskProfileLoader *l,
                                                   const char *name,
                                                   const char *text,
                                                   size_t len, unsigned line,
                                                   GPtrArray **pending,
                                                   Error **errp)
{
    guint npending = l->pending->len;
    FeatmaskProfile *p = load_text(l, name, text, len, line, errp);

    *pending = pending_since(l, npending);
    return p;
}

bool featmask_profile_loader_add_file(FeatmaskProfileLoader *l,
                                      const char *file, Error **errp)
{
    GPtrArray *pending;
    FeatmaskProfile *p = featmask_profile_loader_read_file(l, file, &pending,
                                                           errp);

    if (!p) {
        g_ptr_array_unref(pending);
        return false;
    }
    return featmask_profile_loader_take(l, p, pending, errp);
}

bool featmask_profile_loader_add_text(FeatmaskProfileLoader *l,
                                      const char *name, const char *text,
                                      size_t len, unsigned line, Error **errp)
{
    GPtrArray *pending;
    FeatmaskProfile *p = featmask_profile_loader_read_text(l, name, text, len,
                                                           line, &pending,
                                                           errp);

    if (!p) {
        g_ptr_array_unref(pending);
        return false;
    }
    return featmask_profile_loader_take(l, p, pending, errp);
}

GPtrArray *featmask_profile_loader_finish(FeatmaskProfileLoader *l,
                                          Error **errp)
{
    /* The types without a map have one now. */
    reader_types_clear(&l->types);
    if (!resolve_pending(l->maps, l->pending, errp)) {
        return NULL;
    }
    return g_ptr_array_ref(l->profiles);
}

GPtrArray *featmask_profiles_load(const char *const *files, size_t nfiles,
                                  FeatmaskMaps *maps, Error **errp)
{
    g_autoptr(FeatmaskProfileLoader) l = featmask_profile_loader_new(maps);
    size_t i;

    for (i = 0; i < nfiles; i++) {
        if (!featmask_profile_loader_add_file(l, files[i], errp)) {
            return NULL;
        }
    }
    return featmask_profile_loader_finish(l, errp);
}
