/*
 * featmask: negotiation over the host profiles of a migration pool
 *
 * Hosts are added one by one to a builder, which checks each against the
 * first.  A builder that streams folds each host's sets into, per item
 * (the CPU, each device), their intersection, their union and per feature
 * the hosts that lack it, and frees the profile: what it keeps grows with
 * the hosts' names and the features they lack, not with their profiles.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "pool.h"
#include "maps.h"

/*
 * A table of the indexes of names kept elsewhere (index + 1 in a slot, 0
 * for a free one), to find a name without copying it: its owner says
 * which name an index has, and how names hash and compare.
 */
typedef struct NameIndex {
    uint32_t *slots;
    size_t size;                /* 1 << @bits */
    unsigned bits;
    const char *(*name)(const void *owner, uint32_t idx);
    guint (*hash)(const char *name);
    bool (*equal)(const char *a, const char *b);
} NameIndex;

/* The slot of @name: where its index is, or where it would go. */
static uint32_t *name_index_slot(const NameIndex *t, const void *owner,
                                 const char *name)
{
    /*
     * The hash's top bits once multiplied (Fibonacci hashing): names
     * like host-000123 hash to neighbours, which would fill runs.
     */
    size_t i = (uint32_t)(t->hash(name) * 2654435769u) >> (32 - t->bits);

    for (;; i = (i + 1) & (t->size - 1)) {
        if (!t->slots[i] ||
            t->equal(t->name(owner, t->slots[i] - 1), name)) {
            return &t->slots[i];
        }
    }
}

/* Room for a name more than the @n there are. */
static void name_index_reserve(NameIndex *t, const void *owner, size_t n)
{
    uint32_t i;

    if (4 * (n + 1) <= 3 * t->size) {
        return;
    }
    g_free(t->slots);
    t->bits = t->bits ? t->bits + 1 : 6;
    t->size = (size_t)1 << t->bits;
    t->slots = g_new0(uint32_t, t->size);
    for (i = 0; i < n; i++) {
        *name_index_slot(t, owner, t->name(owner, i)) = i + 1;
    }
}

static guint str_hash(const char *s)
{
    return g_str_hash(s);
}

static bool str_equal(const char *a, const char *b)
{
    return !strcmp(a, b);
}

/*
 * The hosts' names, one after another in one buffer, and a table of
 * them to find a name used twice: about 20 bytes a host.
 */
struct PoolHostNames {
    GString *text;
    GArray *offsets;            /* uint32_t, by host */
    NameIndex index;
};

static const char *host_names_get(const PoolHostNames *n, size_t i)
{
    return n->text->str + g_array_index(n->offsets, uint32_t, i);
}

static const char *host_names_name(const void *owner, uint32_t i)
{
    return host_names_get(owner, i);
}

static PoolHostNames *host_names_new(void)
{
    PoolHostNames *n = g_new0(PoolHostNames, 1);

    n->text = g_string_new(NULL);
    n->offsets = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    n->index = (NameIndex){ .name = host_names_name, .hash = str_hash,
                            .equal = str_equal };
    return n;
}

static void host_names_free(PoolHostNames *n)
{
    if (n) {
        g_string_free(n->text, TRUE);
        g_array_free(n->offsets, TRUE);
        g_free(n->index.slots);
        g_free(n);
    }
}

/* Add @name; false if it is there already. */
static bool host_names_add(PoolHostNames *n, const char *name)
{
    uint32_t *slot, off;

    name_index_reserve(&n->index, n, n->offsets->len);
    slot = name_index_slot(&n->index, n, name);
    if (*slot) {
        return false;
    }
    off = n->text->len;
    g_string_append_len(n->text, name, strlen(name) + 1);
    g_array_append_val(n->offsets, off);
    *slot = n->offsets->len;
    return true;
}

static void fold_free(void *opaque);

static void pool_item_free(void *opaque)
{
    FeatmaskPoolItem *item = opaque;

    if (item) {
        featmask_baseline_free(item->baseline);
        fold_free(item->fold);
        g_free(item);
    }
}

static void pool_unknown_free(void *opaque)
{
    FeatmaskPoolUnknown *u = opaque;

    g_strfreev(u->words);
    g_free(u);
}

static FeatmaskPool *pool_new(void)
{
    FeatmaskPool *pool = g_new0(FeatmaskPool, 1);

    pool->devices = g_ptr_array_new_with_free_func(pool_item_free);
    pool->warnings = g_ptr_array_new_with_free_func(g_free);
    pool->unknown = g_ptr_array_new_with_free_func(pool_unknown_free);
    pool->unknown_union = g_ptr_array_new_with_free_func(g_free);
    return pool;
}

void featmask_pool_free(FeatmaskPool *pool)
{
    if (!pool) {
        return;
    }
    pool_item_free(pool->cpu);
    g_free(pool->cpu_vendor);
    g_ptr_array_free(pool->devices, TRUE);
    g_ptr_array_free(pool->warnings, TRUE);
    g_ptr_array_free(pool->unknown, TRUE);
    g_ptr_array_free(pool->unknown_union, TRUE);
    if (pool->owns_first) {
        featmask_profile_free(pool->first);
    }
    if (pool->profiles && pool->names) {
        g_ptr_array_unref(pool->profiles);
    }
    host_names_free(pool->names);
    g_free(pool);
}

const char *featmask_pool_host(const FeatmaskPool *pool, size_t i)
{
    g_assert(i < pool->nhosts);
    if (pool->profiles) {
        return ((FeatmaskProfile *)pool->profiles->pdata[i])->host;
    }
    return host_names_get(pool->names, i);
}

bool featmask_cpus_comparable(const FeatmaskProfile *a,
                              const FeatmaskProfile *b, Error **errp)
{
    if (strcmp(a->cpu->arch, b->cpu->arch)) {
        error_setg(errp, "host '%s' has a CPU of architecture %s, host '%s'"
                   " one of %s: no guest migrates between them", b->host,
                   b->cpu->arch, a->host, a->cpu->arch);
        return false;
    }
    return true;
}

/*
 * The names met so far of a type without a map, shared by every item of
 * the type: its dynamic map is made from them once, so each item's
 * indexes must be the same.
 */
typedef struct TypeNames {
    NameIndex local;            /* the names ('-' and '_' the same) */
    GPtrArray *names;           /* the names, by index */
} TypeNames;

/*
 * One item (the CPU or a device) folded host by host, over the indexes of
 * its map, or for a type without a map over the names of its type met so
 * far (their dynamic map is made when every host is in, with the names in
 * the order they were met, so the indexes stay).
 */
typedef struct Fold {
    const char *id;             /* NULL for the CPU */
    const char *type;
    char *own_type;
    const FeatmaskMap *map;     /* NULL for a type without a map */
    TypeNames *tn;              /* no map: its type's names (the
                                 * builder's) */
    size_t nwords;              /* of the bitmaps */
    uint64_t *common, *any, *bits;
    uint32_t *first;            /* per feature: the first host that has it */
    uint32_t *last;             /* per feature: the last host in @miss */
    uint32_t *nmiss;
    GByteArray **miss;          /* per feature: the later hosts lacking it,
                                 * as LEB128 deltas */
} Fold;

static void fold_free(void *opaque)
{
    Fold *f = opaque;
    size_t i;

    if (!f) {
        return;
    }
    for (i = 0; i < f->nwords * 64; i++) {
        if (f->miss[i]) {
            g_byte_array_unref(f->miss[i]);
        }
    }
    g_free(f->own_type);
    g_free(f->common);
    g_free(f->any);
    g_free(f->bits);
    g_free(f->first);
    g_free(f->last);
    g_free(f->nmiss);
    g_free(f->miss);
    g_free(f);
}

/* Room for @nfeat features. */
static void fold_reserve(Fold *f, size_t nfeat)
{
    size_t old = f->nwords, n = (nfeat + 63) / 64;

    if (n <= old) {
        return;
    }
    n = MAX(n, 2 * old);
    f->common = g_renew(uint64_t, f->common, n);
    f->any = g_renew(uint64_t, f->any, n);
    f->bits = g_renew(uint64_t, f->bits, n);
    f->first = g_renew(uint32_t, f->first, n * 64);
    f->last = g_renew(uint32_t, f->last, n * 64);
    f->nmiss = g_renew(uint32_t, f->nmiss, n * 64);
    f->miss = g_renew(GByteArray *, f->miss, n * 64);
    memset(f->common + old, 0, (n - old) * sizeof(uint64_t));
    memset(f->bits + old, 0, (n - old) * sizeof(uint64_t));
    memset(f->any + old, 0, (n - old) * sizeof(uint64_t));
    memset(f->nmiss + old * 64, 0, (n - old) * 64 * sizeof(uint32_t));
    memset(f->miss + old * 64, 0, (n - old) * 64 * sizeof(GByteArray *));
    f->nwords = n;
}

/* A feature name's hash and equality, '-' and '_' the same. */
static inline char name_char(char c)
{
    return c == '-' ? '_' : c;
}

static guint name_hash(const char *s)
{
    guint h = 5381;

    for (; *s; s++) {
        h = h * 33 + name_char(*s);
    }
    return h;
}

static bool name_equal(const char *a, const char *b)
{
    for (; *a && name_char(*a) == name_char(*b); a++, b++) {
        /* compare on */
    }
    return !*a && !*b;
}

static const char *type_names_name(const void *owner, uint32_t i)
{
    return ((const TypeNames *)owner)->names->pdata[i];
}

static void type_names_free(void *opaque)
{
    TypeNames *tn = opaque;

    g_free(tn->local.slots);
    g_ptr_array_unref(tn->names);
    g_free(tn);
}

/* The names of @type in @table (type -> TypeNames), made at first use. */
static TypeNames *type_names_get(GHashTable *table, const char *type)
{
    TypeNames *tn = g_hash_table_lookup(table, type);

    if (!tn) {
        tn = g_new0(TypeNames, 1);
        tn->names = g_ptr_array_new_with_free_func(g_free);
        tn->local = (NameIndex){ .name = type_names_name, .hash = name_hash,
                                 .equal = name_equal };
        g_hash_table_insert(table, g_strdup(type), tn);
    }
    return tn;
}

static Fold *fold_new(const char *id, const char *type,
                      const FeatmaskMap *map)
{
    Fold *f = g_new0(Fold, 1);

    f->id = id;
    f->type = type;
    f->map = map;
    fold_reserve(f, map ? featmask_map_size(map) : 64);
    return f;
}

/* f->bits = the features of one host. */
static void fold_load_set(Fold *f, const FeatmaskSet *set)
{
    int i;

    memset(f->bits, 0, f->nwords * sizeof(uint64_t));
    for (i = featmask_set_next(set, 0); i >= 0;
         i = featmask_set_next(set, i + 1)) {
        f->bits[i / 64] |= 1ULL << (i % 64);
    }
}

/*
 * f->bits |= the names of one host, names new to its type getting the
 * type's next index.
 */
static void fold_load_names(Fold *f, char **names)
{
    TypeNames *tn = f->tn;

    for (; *names; names++) {
        uint32_t *slot, i;

        name_index_reserve(&tn->local, tn, tn->names->len);
        slot = name_index_slot(&tn->local, tn, *names);
        if (!*slot) {
            g_ptr_array_add(tn->names, g_strdup(*names));
            *slot = tn->names->len;
        }
        i = *slot - 1;
        fold_reserve(f, i + 1);
        f->bits[i / 64] |= 1ULL << (i % 64);
    }
}

static void fold_miss(Fold *f, size_t i, uint32_t host)
{
    uint32_t d = host - f->last[i];
    uint8_t b;

    if (!f->miss[i]) {
        f->miss[i] = g_byte_array_sized_new(4);
    }
    for (; d >= 0x80; d >>= 7) {
        b = (d & 0x7f) | 0x80;
        g_byte_array_append(f->miss[i], &b, 1);
    }
    b = d;
    g_byte_array_append(f->miss[i], &b, 1);
    f->last[i] = host;
    f->nmiss[i]++;
}

/* Fold f->bits, the features of host @host. */
static void fold_host(Fold *f, uint32_t host)
{
    size_t w;

    for (w = 0; w < f->nwords; w++) {
        uint64_t lack = f->any[w] & ~f->bits[w];
        uint64_t new = f->bits[w] & ~f->any[w];

        for (; lack; lack &= lack - 1) {
            fold_miss(f, w * 64 + __builtin_ctzll(lack), host);
        }
        for (; new; new &= new - 1) {
            size_t i = w * 64 + __builtin_ctzll(new);

            f->first[i] = f->last[i] = host;
        }
        f->any[w] |= f->bits[w];
        f->common[w] = host ? f->common[w] & f->bits[w] : f->bits[w];
    }
}

/* FeatmaskMissingHosts over a fold: hosts before the first, then @miss. */
static size_t fold_missing(void *opaque, size_t i, size_t *hosts)
{
    Fold *f = opaque;
    size_t n = 0, h, k;
    uint32_t at;

    if (!hosts) {
        return f->first[i] + f->nmiss[i];
    }
    for (h = 0; h < f->first[i]; h++) {
        hosts[n++] = h;
    }
    at = f->first[i];
    for (k = 0; f->miss[i] && k < f->miss[i]->len;) {
        uint32_t d = 0;
        unsigned shift = 0;
        uint8_t b;

        do {
            b = f->miss[i]->data[k++];
            d |= (uint32_t)(b & 0x7f) << shift;
            shift += 7;
        } while (b & 0x80);
        at += d;
        hosts[n++] = at;
    }
    return n;
}

static FeatmaskSet *fold_set(const Fold *f, const FeatmaskMap *map,
                             const uint64_t *bits)
{
    FeatmaskSet *set = featmask_set_new(map);
    size_t i, n = featmask_map_size(map);

    for (i = 0; i < n; i++) {
        if (bits[i / 64] & (1ULL << (i % 64))) {
            featmask_set_add(set, i);
        }
    }
    return set;
}

struct FeatmaskPoolBuilder {
    FeatmaskMaps *maps;
    unsigned flags;
    bool stream;
    FeatmaskPool *pool;
    GPtrArray *profiles;        /* without @stream */
    GHashTable *unknown_seen;
    bool vendors_differ;
    Fold *cpu;                  /* with @stream */
    GPtrArray *devices;         /* Fold *, with @stream */
    GHashTable *type_names;     /* type -> TypeNames, with @stream */
};

FeatmaskPoolBuilder *featmask_pool_builder_new(FeatmaskMaps *maps,
                                               unsigned flags, bool stream)
{
    FeatmaskPoolBuilder *b = g_new0(FeatmaskPoolBuilder, 1);

    b->maps = maps;
    b->flags = flags;
    b->stream = stream;
    b->pool = pool_new();
    b->pool->names = host_names_new();
    b->profiles = g_ptr_array_new();
    b->unknown_seen = g_hash_table_new(g_str_hash, g_str_equal);
    b->devices = g_ptr_array_new_with_free_func(fold_free);
    b->type_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          type_names_free);
    return b;
}

void featmask_pool_builder_free(FeatmaskPoolBuilder *b)
{
    if (b) {
        featmask_pool_free(b->pool);
        if (b->profiles) {
            g_ptr_array_unref(b->profiles);
        }
        g_hash_table_destroy(b->unknown_seen);
        if (b->cpu) {
            fold_free(b->cpu);
        }
        g_ptr_array_unref(b->devices);
        g_hash_table_destroy(b->type_names);
        g_free(b);
    }
}

/* Sets over different maps: profiles not read together. */
static bool same_map(const FeatmaskProfile *first, const FeatmaskProfile *p,
                     const char *id, const FeatmaskSet *a,
                     const FeatmaskSet *b, Error **errp)
{
    if (!a || !b || featmask_set_map(a) == featmask_set_map(b)) {
        return true;
    }
    error_setg(errp, "%s%s%s: the features of hosts '%s' and '%s' are over"
               " different maps (%s, %s): profiles must be read together",
               id ? "device '" : "the CPU", id ? id : "", id ? "'" : "",
               first->host, p->host, featmask_map_kind(featmask_set_map(a)),
               featmask_map_kind(featmask_set_map(b)));
    return false;
}

/* Check the CPU of @p against the first host's. */
static bool add_cpu(FeatmaskPoolBuilder *b, const FeatmaskProfile *p,
                    Error **errp)
{
    FeatmaskPool *pool = b->pool;
    const FeatmaskProfile *first = pool->first;
    char **w;

    if (!p->cpu != !first->cpu) {
        error_setg(errp, "host '%s' has %s CPU in its profile but host"
                   " '%s' has %s", p->host, p->cpu ? "a" : "no",
                   first->host, first->cpu ? "one" : "none");
        return false;
    }
    if (!p->cpu) {
        return true;
    }
    if (!featmask_cpus_comparable(first, p, errp) ||
        !same_map(first, p, NULL, first->cpu->features, p->cpu->features,
                  errp)) {
        return false;
    }
    if (p->cpu->unknown_words && p->cpu->unknown_words[0]) {
        FeatmaskPoolUnknown *u = g_new(FeatmaskPoolUnknown, 1);

        u->host = pool->nhosts;
        u->words = g_strdupv(p->cpu->unknown_words);
        g_ptr_array_add(pool->unknown, u);
        for (w = u->words; *w; w++) {
            if (!g_hash_table_contains(b->unknown_seen, *w)) {
                g_ptr_array_add(pool->unknown_union, g_strdup(*w));
                g_hash_table_add(b->unknown_seen,
                                 g_ptr_array_index(pool->unknown_union,
                                     pool->unknown_union->len - 1));
            }
        }
        /* The baseline lists them all: it must stay a profile we read. */
        if (pool->unknown_union->len > FEATMASK_PROFILE_MAX_FEATURES) {
            error_setg(errp, "the hosts' CPU data leave more than %d"
                       " different feature words unknown",
                       FEATMASK_PROFILE_MAX_FEATURES);
            return false;
        }
    }
    if (pool->nhosts == 0) {
        pool->cpu_vendor = g_strdup(first->cpu->vendor);
    } else if (!b->vendors_differ &&
               g_strcmp0(first->cpu->vendor, p->cpu->vendor)) {
        b->vendors_differ = true;
        g_ptr_array_add(pool->warnings, g_strdup_printf(
            "the hosts have CPUs of different vendors (%s on '%s', %s on"
            " '%s'): a guest can migrate, but only with the features both"
            " implement", first->cpu->vendor ? first->cpu->vendor :
            "unknown", first->host, p->cpu->vendor ? p->cpu->vendor :
            "unknown", p->host));
        g_clear_pointer(&pool->cpu_vendor, g_free);
    }
    return true;
}

/*
 * Device @id of @p, most often found where device @d of another host is
 * (a device's id is its own in a profile: the reader refuses one listed
 * twice), without the profile's index.
 */
static FeatmaskProfileDevice *device_of(const FeatmaskProfile *p,
                                        const char *id, guint d)
{
    if (d < p->devices->len) {
        FeatmaskProfileDevice *dev = p->devices->pdata[d];

        if (dev->id && !strcmp(dev->id, id)) {
            return dev;
        }
    }
    return featmask_profile_find_device(p, id);
}

/* Check the devices of @p against the first host's. */
static bool add_devices(FeatmaskPoolBuilder *b, const FeatmaskProfile *p,
                        Error **errp)
{
    const FeatmaskProfile *first = b->pool->first;
    guint d;

    for (d = 0; d < p->devices->len; d++) {
        FeatmaskProfileDevice *dev = p->devices->pdata[d];

        if (!device_of(first, dev->id, d)) {
            error_setg(errp, "device '%s' of host '%s' is missing on host"
                       " '%s'", dev->id, p->host, first->host);
            return false;
        }
    }
    for (d = 0; d < first->devices->len; d++) {
        FeatmaskProfileDevice *dev = first->devices->pdata[d];
        FeatmaskProfileDevice *other = device_of(p, dev->id, d);

        if (!other) {
            error_setg(errp, "device '%s' of host '%s' is missing on host"
                       " '%s'", dev->id, first->host, p->host);
            return false;
        }
        if (strcmp(other->type, dev->type)) {
            error_setg(errp, "device '%s' is a %s on host '%s' but a %s"
                       " on host '%s'", dev->id, dev->type, first->host,
                       other->type, p->host);
            return false;
        }
        if (!same_map(first, p, dev->id, dev->features, other->features,
                      errp)) {
            return false;
        }
    }
    return true;
}

/* The names of *@dst in @pending, or NULL if it is not pending. */
static char **pending_names(GPtrArray *pending, FeatmaskSet **dst)
{
    guint i;

    for (i = 0; pending && i < pending->len; i++) {
        FeatmaskPendingSet *ps = pending->pdata[i];

        if (ps->dst == dst) {
            return ps->names;
        }
    }
    return NULL;
}

static void fold_add(Fold *f, FeatmaskSet **set, GPtrArray *pending,
                     uint32_t host)
{
    char **names = pending_names(pending, set);

    if (names) {
        memset(f->bits, 0, f->nwords * sizeof(uint64_t));
        fold_load_names(f, names);
    } else {
        fold_load_set(f, *set);
    }
    fold_host(f, host);
}

/* The first host of a streamed pool: an item per device, and the CPU. */
static void folds_new(FeatmaskPoolBuilder *b, FeatmaskProfile *p,
                      GPtrArray *pending)
{
    guint d;

    if (p->cpu) {
        b->cpu = fold_new(NULL, p->cpu->features ?
                          featmask_map_kind(featmask_set_map(
                              p->cpu->features)) : NULL,
                          p->cpu->features ?
                          featmask_set_map(p->cpu->features) : NULL);
        if (!b->cpu->type) {
            FeatmaskPendingSet *ps = NULL;
            guint i;

            for (i = 0; i < pending->len; i++) {
                ps = pending->pdata[i];
                if (ps->dst == &p->cpu->features) {
                    b->cpu->type = ps->type;
                }
            }
            /* The pending set goes: keep its type. */
            b->cpu->type = b->cpu->own_type = g_strdup(b->cpu->type);
            b->cpu->tn = type_names_get(b->type_names, b->cpu->type);
        }
    }
    for (d = 0; d < p->devices->len; d++) {
        FeatmaskProfileDevice *dev = p->devices->pdata[d];
        Fold *f = fold_new(dev->id, dev->type, dev->features ?
                           featmask_set_map(dev->features) : NULL);

        if (!f->map) {
            f->tn = type_names_get(b->type_names, dev->type);
        }
        g_ptr_array_add(b->devices, f);
    }
}

bool featmask_pool_builder_add(FeatmaskPoolBuilder *b, FeatmaskProfile *p,
                               GPtrArray *pending, Error **errp)
{
    FeatmaskPool *pool = b->pool;
    uint32_t h = pool->nhosts;
    guint d;
    bool first = !pool->first;

    if (first) {
        pool->first = p;
        pool->owns_first = b->stream;
    }
    if (!host_names_add(pool->names, p->host)) {
        error_setg(errp, "host name '%s' is used by two profiles%s%s",
                   p->host, p->file ? ", the second is " : "",
                   p->file ? p->file : "");
        goto fail;
    }
    if (!add_cpu(b, p, errp) || !add_devices(b, p, errp)) {
        goto fail;
    }
    pool->nhosts++;
    if (!b->stream) {
        g_ptr_array_add(b->profiles, p);
        return true;
    }
    if (first) {
        folds_new(b, p, pending);
    }
    if (b->cpu) {
        fold_add(b->cpu, &p->cpu->features, pending, h);
    }
    for (d = 0; d < b->devices->len; d++) {
        Fold *f = b->devices->pdata[d];

        fold_add(f, &device_of(p, f->id, d)->features,
                 pending, h);
    }
    if (!first) {
        featmask_profile_free(p);
    }
    return true;

fail:
    if (!first && b->stream) {
        featmask_profile_free(p);
    }
    return false;
}

/*
 * Negotiate one item, from the hosts' sets (@sets) or from its fold
 * (@fold).
 */
static FeatmaskPoolItem *negotiate_item(FeatmaskPoolBuilder *b,
                                        const char *id, const char *type,
                                        const FeatmaskSet **sets, Fold *fold,
                                        bool *incompatible, Error **errp)
{
    FeatmaskPool *pool = b->pool;
    g_autofree FeatmaskPoolItem *item = g_new0(FeatmaskPoolItem, 1);
    const FeatmaskMap *map;

    if (sets) {
        map = featmask_set_map(sets[0]);
        item->baseline = featmask_negotiate(map, sets, pool->nhosts,
                                            b->flags, errp);
    } else {
        g_autoptr(FeatmaskSet) common = NULL;
        g_autoptr(FeatmaskSet) any = NULL;

        map = fold->map;
        if (!map) {
            GPtrArray *names = fold->tn->names;

            /* The type's map, made by its first item from all its names */
            if (!featmask_maps_get(b->maps, type)) {
                bool ok;

                g_ptr_array_add(names, NULL);
                ok = featmask_maps_add_dynamic(b->maps, type,
                        (const char *const *)names->pdata, errp);
                g_ptr_array_set_size(names, names->len - 1);
                if (!ok) {
                    return NULL;
                }
            }
            map = featmask_maps_get(b->maps, type);
            g_assert(featmask_map_size(map) == names->len);
            /* Its bitmaps cover the names of the type's other items too */
            fold_reserve(fold, names->len);
        }
        common = fold_set(fold, map, fold->common);
        any = fold_set(fold, map, fold->any);
        item->baseline = featmask_negotiate_folded(map, common, any,
                                                   pool->nhosts,
                                                   fold_missing, fold,
                                                   b->flags, errp);
    }
    if (!item->baseline) {
        *incompatible = true;
        if (id) {
            error_prepend(errp, "device '%s': ", id);
        }
        return NULL;
    }
    /* What each host turns off is worked out from the fold. */
    item->fold = fold;
    item->id = id;
    /* The CPU's type is its map's kind: the map outlives the pool. */
    item->type = id ? type : featmask_map_kind(map);
    item->map = map;
    if (featmask_map_is_dynamic(map)) {
        g_autofree char *w = g_strdup_printf(
            "featmask has no feature map for %s: its features are matched"
            " by name, without dependencies", type);

        /* Once a type, however many of its devices */
        if (!g_ptr_array_find_with_equal_func(pool->warnings, w,
                                              g_str_equal, NULL)) {
            g_ptr_array_add(pool->warnings, g_steal_pointer(&w));
        }
    }
    return g_steal_pointer(&item);
}

FeatmaskPool *featmask_pool_builder_finish(FeatmaskPoolBuilder *b,
                                           bool *incompatible, Error **errp)
{
    FeatmaskPool *pool = b->pool;
    g_autofree const FeatmaskSet **sets = NULL;
    const FeatmaskProfile *first = pool->first;
    guint i, d;

    *incompatible = false;
    if (!pool->nhosts) {
        error_setg(errp, "no host profiles to negotiate");
        return NULL;
    }
    if (!b->stream) {
        sets = g_new(const FeatmaskSet *, pool->nhosts);
    }
    if (first->cpu) {
        if (sets) {
            for (i = 0; i < pool->nhosts; i++) {
                sets[i] = ((FeatmaskProfile *)
                           b->profiles->pdata[i])->cpu->features;
            }
        }
        pool->cpu = negotiate_item(b, NULL, sets ? featmask_map_kind(
                                       featmask_set_map(sets[0])) :
                                   b->cpu->type, sets, b->cpu,
                                   incompatible, errp);
        if (!pool->cpu) {
            return NULL;
        }
        b->cpu = NULL;          /* the pool's now */
    }
    for (d = 0; d < first->devices->len; d++) {
        FeatmaskProfileDevice *dev = first->devices->pdata[d];
        FeatmaskPoolItem *item;

        if (sets) {
            for (i = 0; i < pool->nhosts; i++) {
                sets[i] = featmask_profile_find_device(
                    b->profiles->pdata[i], dev->id)->features;
            }
        }
        item = negotiate_item(b, dev->id, dev->type, sets,
                              sets ? NULL : b->devices->pdata[d],
                              incompatible, errp);
        if (!item) {
            return NULL;
        }
        if (!sets) {
            b->devices->pdata[d] = NULL;        /* the pool's now */
        }
        g_ptr_array_add(pool->devices, item);
    }
    if (!b->stream) {
        pool->profiles = g_steal_pointer(&b->profiles);
    }
    b->pool = NULL;
    return pool;
}

FeatmaskPool *featmask_pool_negotiate(GPtrArray *profiles, unsigned flags,
                                      bool *incompatible, Error **errp)
{
    g_autoptr(FeatmaskPoolBuilder) b = featmask_pool_builder_new(NULL, flags,
                                                                 false);
    guint i;

    *incompatible = false;
    for (i = 0; i < profiles->len; i++) {
        if (!featmask_pool_builder_add(b, profiles->pdata[i], NULL, errp)) {
            return NULL;
        }
    }
    return featmask_pool_builder_finish(b, incompatible, errp);
}

struct FeatmaskTurnOff {
    const FeatmaskPoolItem *item;
    FeatmaskSet *set;           /* a streamed pool: the set of the host */
    size_t nfeat;               /* its features some host turns off */
    uint32_t *feature;          /* their indexes */
    uint32_t *lacking;          /* per feature: the next host in its
                                 * miss list, UINT32_MAX after the last */
    uint32_t *at;               /* per feature: where in the list */
    size_t host;                /* the last host asked for */
};

/* Feature @k of @t: the next host of its miss list. */
static void turn_off_advance(FeatmaskTurnOff *t, size_t k)
{
    const GByteArray *miss = t->item->fold->miss[t->feature[k]];
    uint32_t d = 0;
    unsigned shift = 0;
    uint8_t b;

    if (!miss || t->at[k] == miss->len) {
        t->lacking[k] = UINT32_MAX;
        return;
    }
    do {
        b = miss->data[t->at[k]++];
        d |= (uint32_t)(b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    t->lacking[k] += d;
}

FeatmaskTurnOff *featmask_turn_off_new(const FeatmaskPool *pool,
                                       const FeatmaskPoolItem *item)
{
    FeatmaskTurnOff *t = g_new0(FeatmaskTurnOff, 1);
    const Fold *f = item->fold;
    const FeatmaskSet *common = featmask_baseline_common(item->baseline);
    size_t i, n = featmask_map_size(item->map);

    t->item = item;
    if (pool->profiles) {
        return t;
    }
    g_assert(f);
    t->set = featmask_set_new(item->map);
    t->feature = g_new(uint32_t, n);
    for (i = 0; i < n; i++) {
        /* the features some host has and the guest does not get */
        if ((f->any[i / 64] & (1ULL << (i % 64))) &&
            !featmask_set_has(common, i)) {
            t->feature[t->nfeat++] = i;
        }
    }
    t->lacking = g_new(uint32_t, t->nfeat);
    t->at = g_new0(uint32_t, t->nfeat);
    for (i = 0; i < t->nfeat; i++) {
        /* the list counts from the first host that has it */
        t->lacking[i] = f->first[t->feature[i]];
        turn_off_advance(t, i);
    }
    return t;
}

const FeatmaskSet *featmask_turn_off_get(FeatmaskTurnOff *t, size_t h)
{
    const Fold *f = t->item->fold;
    size_t k;

    if (!t->set) {
        return featmask_baseline_turn_off(t->item->baseline, h);
    }
    g_assert(h >= t->host);
    t->host = h;
    featmask_set_subtract(t->set, t->set);
    for (k = 0; k < t->nfeat; k++) {
        if (h < f->first[t->feature[k]]) {
            continue;           /* lacks it, as every host before the first */
        }
        while (t->lacking[k] < h) {
            turn_off_advance(t, k);
        }
        if (t->lacking[k] != h) {
            featmask_set_add(t->set, t->feature[k]);
        }
    }
    return t->set;
}

void featmask_turn_off_free(FeatmaskTurnOff *t)
{
    if (t) {
        featmask_set_free(t->set);
        g_free(t->feature);
        g_free(t->lacking);
        g_free(t->at);
        g_free(t);
    }
}

FeatmaskProfile *featmask_pool_baseline(const FeatmaskPool *pool)
{
    FeatmaskProfile *b = featmask_profile_new("baseline");
    FeatmaskProfile *first = pool->first;
    guint d;

    if (pool->cpu) {
        b->cpu = g_new0(FeatmaskProfileCpu, 1);
        b->cpu->arch = g_strdup(first->cpu->arch);
        b->cpu->vendor = g_strdup(pool->cpu_vendor);
        b->cpu->source = g_strdup("baseline");
        b->cpu->features = featmask_set_copy(
            featmask_baseline_common(pool->cpu->baseline));
        g_ptr_array_add(pool->unknown_union, NULL);
        b->cpu->unknown_words = g_strdupv(
            (char **)pool->unknown_union->pdata);
        g_ptr_array_remove_index(pool->unknown_union,
                                 pool->unknown_union->len - 1);
    }
    for (d = 0; d < pool->devices->len; d++) {
        FeatmaskPoolItem *item = pool->devices->pdata[d];
        FeatmaskProfileDevice *dev = featmask_profile_add_device(
            b, item->id, item->type, "baseline", item->map);

        featmask_set_union(dev->features,
                           featmask_baseline_common(item->baseline));
    }
    return b;
}

char *featmask_drop_describe(const FeatmaskPool *pool,
                             const FeatmaskDrop *drop)
{
    GString *s;
    size_t i;

    switch (drop->reason) {
    case FEATMASK_DROP_MISSING:
        s = g_string_new("missing on ");
        for (i = 0; i < drop->nhosts; i++) {
            g_string_append_printf(s, "%s%s", i ? ", " : "",
                                   featmask_pool_host(pool, drop->hosts[i]));
        }
        return g_string_free(s, FALSE);
    case FEATMASK_DROP_DEPENDENCY:
        return g_strdup_printf("needs %s", drop->lost);
    case FEATMASK_DROP_UNMIGRATABLE:
        return g_strdup("QEMU cannot migrate it");
    }
    g_assert_not_reached();
}
