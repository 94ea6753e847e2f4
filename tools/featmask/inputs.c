/*
 * featmask command line: where profiles come from
 *
 * A pool can be far larger than a command line (the kernel's limit on
 * arguments is about 2 MB, some 60,000 paths), so every command that
 * takes profiles also takes a directory (every *.json in it, in name
 * order), @LIST (a file of paths, one a line) and - (profiles on standard
 * input, one JSON document after another).
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <pthread.h>
#include "qapi/error.h"
#include "cli.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define STDIN_NAME "<stdin>"

/*
 * Profiles are read on the machine's cores: the documents go in batches
 * to reader threads, each with a loader of its own, and this thread hands
 * what they read to the command's loader in input order, so the output
 * and the first error are those of a reading in turn.  Few batches are
 * under way at once: memory does not grow with the pool.
 */
#define BATCH_DOCS 32
#define BATCH_BYTES (256 << 10)

typedef struct Doc {
    char *path;                 /* a file to read, or NULL: text */
    char *prefix;               /* prepended to its error, or NULL */
    size_t off, len;            /* in Batch.text */
    unsigned line;
} Doc;

typedef struct Batch {
    GString *text;
    GArray *docs;               /* Doc */
    /* filled by the reader: */
    GPtrArray *profiles;        /* of the docs read */
    GPtrArray *pending;         /* their pending sets (GPtrArray *) */
    Error *err;                 /* why docs[profiles->len] was not read */
    bool done;
} Batch;

typedef struct Readers {
    FeatmaskProfileLoader *l;
    FeatmaskMaps *maps;
    GThread **threads;
    unsigned nthreads;          /* 0: read on this thread */
    /*
     * pthread's, not GLib's: GLib's locks are futexes of its own, which
     * ThreadSanitizer does not see.
     */
    pthread_mutex_t lock;       /* @work and Batch.done */
    pthread_cond_t more;        /* something in @work */
    pthread_cond_t done;        /* a Batch is done */
    GQueue work;                /* Batch *, or &stop */
    GQueue busy;                /* Batch *, in input order */
    Batch *cur;
} Readers;

static char stop;

static void batch_free(Batch *b)
{
    guint i;

    for (i = 0; i < b->docs->len; i++) {
        Doc *d = &g_array_index(b->docs, Doc, i);

        g_free(d->path);
        g_free(d->prefix);
    }
    g_array_free(b->docs, TRUE);
    g_string_free(b->text, TRUE);
    g_ptr_array_unref(b->profiles);
    g_ptr_array_unref(b->pending);
    error_free(b->err);
    g_free(b);
}

static Batch *batch_new(void)
{
    Batch *b = g_new0(Batch, 1);

    b->text = g_string_sized_new(BATCH_BYTES + (BATCH_BYTES >> 2));
    b->docs = g_array_new(FALSE, FALSE, sizeof(Doc));
    b->profiles = g_ptr_array_new_with_free_func(
        (GDestroyNotify)featmask_profile_free);
    b->pending = g_ptr_array_new_with_free_func(
        (GDestroyNotify)g_ptr_array_unref);
    return b;
}

/* Read one document with @l; returns the profile and its pending sets. */
static FeatmaskProfile *doc_read(FeatmaskProfileLoader *l, Batch *b,
                                 const Doc *d, GPtrArray **pending,
                                 Error **errp)
{
    FeatmaskProfile *p;

    if (d->path) {
        p = featmask_profile_loader_read_file(l, d->path, pending, errp);
    } else {
        p = featmask_profile_loader_read_text(l, STDIN_NAME,
                                              b->text->str + d->off, d->len,
                                              d->line, pending, errp);
    }
    if (!p && d->prefix) {
        error_prepend(errp, "%s", d->prefix);
    }
    return p;
}

static gpointer reader_thread(gpointer opaque)
{
    Readers *R = opaque;
    g_autoptr(FeatmaskProfileLoader) l = featmask_profile_loader_new(R->maps);
    Batch *b;

    for (;;) {
        guint i;

        pthread_mutex_lock(&R->lock);
        while (g_queue_is_empty(&R->work)) {
            pthread_cond_wait(&R->more, &R->lock);
        }
        b = g_queue_pop_head(&R->work);
        pthread_mutex_unlock(&R->lock);
        if (b == (Batch *)&stop) {
            break;
        }

        for (i = 0; i < b->docs->len; i++) {
            GPtrArray *pending;
            FeatmaskProfile *p = doc_read(l, b, &g_array_index(b->docs, Doc,
                                                               i),
                                          &pending, &b->err);

            if (!p) {
                g_ptr_array_unref(pending);
                break;
            }
            g_ptr_array_add(b->profiles, p);
            g_ptr_array_add(b->pending, pending);
        }
        pthread_mutex_lock(&R->lock);
        b->done = true;
        pthread_cond_broadcast(&R->done);
        pthread_mutex_unlock(&R->lock);
    }
    return NULL;
}

static void readers_init(Readers *R, FeatmaskProfileLoader *l)
{
    const char *env = g_getenv("FEATMASK_THREADS");
    unsigned n = env ? (unsigned)atoi(env) : g_get_num_processors();
    unsigned i;

    memset(R, 0, sizeof(*R));
    R->l = l;
    R->maps = featmask_profile_loader_maps(l);
    g_queue_init(&R->busy);
    if (n <= 1) {
        return;
    }
    R->nthreads = MIN(n, 64);
    g_queue_init(&R->work);
    pthread_mutex_init(&R->lock, NULL);
    pthread_cond_init(&R->more, NULL);
    pthread_cond_init(&R->done, NULL);
    R->threads = g_new(GThread *, R->nthreads);
    for (i = 0; i < R->nthreads; i++) {
        R->threads[i] = g_thread_new("featmask-read", reader_thread, R);
    }
}

static void readers_push(Readers *R, void *b)
{
    pthread_mutex_lock(&R->lock);
    g_queue_push_tail(&R->work, b);
    pthread_cond_signal(&R->more);
    pthread_mutex_unlock(&R->lock);
}

/* Hand the oldest batch's profiles on, in order. */
static bool readers_collect(Readers *R, bool ok, Error **errp)
{
    Batch *b = g_queue_pop_head(&R->busy);
    guint i;

    pthread_mutex_lock(&R->lock);
    while (!b->done) {
        pthread_cond_wait(&R->done, &R->lock);
    }
    pthread_mutex_unlock(&R->lock);
    for (i = 0; ok && b->profiles->len; i++) {
        FeatmaskProfile *p = g_ptr_array_steal_index(b->profiles, 0);
        GPtrArray *pending = g_ptr_array_steal_index(b->pending, 0);
        const char *prefix = g_array_index(b->docs, Doc, i).prefix;

        ok = featmask_profile_loader_take(R->l, p, pending, errp);
        if (!ok && prefix) {
            error_prepend(errp, "%s", prefix);
        }
    }
    if (ok && b->err) {
        error_propagate(errp, g_steal_pointer(&b->err));
        ok = false;
    }
    batch_free(b);
    return ok;
}

static bool readers_submit(Readers *R, Error **errp)
{
    Batch *b = g_steal_pointer(&R->cur);

    if (!b) {
        return true;
    }
    g_queue_push_tail(&R->busy, b);
    readers_push(R, b);
    while (g_queue_get_length(&R->busy) > 2 * R->nthreads) {
        if (!readers_collect(R, true, errp)) {
            return false;
        }
    }
    return true;
}

/* Every batch read and handed on (or, after an error, dropped). */
static bool readers_flush(Readers *R, bool ok, Error **errp)
{
    if (ok && R->nthreads) {
        ok = readers_submit(R, errp);
    }
    if (R->cur) {
        batch_free(g_steal_pointer(&R->cur));
    }
    while (!g_queue_is_empty(&R->busy)) {
        ok = readers_collect(R, ok, errp);
    }
    return ok;
}

static void readers_destroy(Readers *R)
{
    unsigned i;

    readers_flush(R, false, NULL);
    for (i = 0; i < R->nthreads; i++) {
        readers_push(R, &stop);
    }
    for (i = 0; i < R->nthreads; i++) {
        g_thread_join(R->threads[i]);
    }
    if (R->nthreads) {
        g_free(R->threads);
        pthread_mutex_destroy(&R->lock);
        pthread_cond_destroy(&R->more);
        pthread_cond_destroy(&R->done);
    }
}

/* One document: the file @path, or @len bytes of @text from @line on. */
static bool readers_add(Readers *R, const char *path, const char *prefix,
                        const char *text, size_t len, unsigned line,
                        Error **errp)
{
    Doc d = { .path = g_strdup(path), .prefix = g_strdup(prefix),
              .len = len, .line = line };

    if (!R->nthreads) {
        bool ok = path ? featmask_profile_loader_add_file(R->l, path, errp)
                       : featmask_profile_loader_add_text(R->l, STDIN_NAME,
                                                          text, len, line,
                                                          errp);

        if (!ok && prefix) {
            error_prepend(errp, "%s", prefix);
        }
        g_free(d.path);
        g_free(d.prefix);
        return ok;
    }
    if (!R->cur) {
        R->cur = batch_new();
    }
    d.off = R->cur->text->len;
    g_string_append_len(R->cur->text, text, len);
    g_array_append_val(R->cur->docs, d);
    if (R->cur->docs->len >= BATCH_DOCS || R->cur->text->len >= BATCH_BYTES) {
        return readers_submit(R, errp);
    }
    return true;
}

/*
 * Standard input is read in blocks and cut into documents as they
 * complete, so that its text is never held whole: a document ends where
 * the bracket that opened it closes, outside strings.  Whether it is
 * valid JSON is the profile reader's business.
 */
typedef struct DocSplitter {
    GString *buf;
    size_t scan;                /* bytes of @buf looked at */
    size_t line_begin;          /* where the line of @scan begins */
    bool line_clean;            /* only blanks on it so far, between docs */
    unsigned line;              /* the line of @scan, from 1 */
    size_t doc;                 /* where the current document's text starts */
    unsigned doc_line;
    unsigned depth;             /* 0: between documents */
    bool in_string, escape;
    bool garbage;               /* not a document: the reader says why */
    unsigned ndocs;
} DocSplitter;

/* The document that the bracket at @i of @b closes is complete. */
static bool splitter_end(DocSplitter *s, Readers *R, const char *b, size_t i,
                         Error **errp)
{
    s->ndocs++;
    s->line_clean = false;
    return readers_add(R, NULL, NULL, b + s->doc, i + 1 - s->doc,
                       s->doc_line, errp);
}

/* What the splitter looks for in 64 bytes, one bit a byte. */
typedef struct Block64 {
    uint64_t quote, backslash, open, close, newline;
} Block64;

/*
 * '{' and '[' differ in one bit (0x20), as do '}' and ']': with it set,
 * one comparison finds either.
 */
static inline void block16_classify(Block64 *k, const char *p, int shift)
{
#ifdef __SSE2__
    __m128i x = _mm_loadu_si128((const __m128i *)p);
    __m128i x20 = _mm_or_si128(x, _mm_set1_epi8(0x20));
#define M(v, c) \
    ((uint64_t)(uint16_t)_mm_movemask_epi8( \
        _mm_cmpeq_epi8(v, _mm_set1_epi8(c))) << shift)

    k->quote |= M(x, '"');
    k->backslash |= M(x, '\\');
    k->open |= M(x20, '{');
    k->close |= M(x20, '}');
    k->newline |= M(x, '\n');
#undef M
#else
    int i;

    for (i = 0; i < 16; i++) {
        uint64_t bit = 1ULL << (shift + i);
        char c = p[i] | 0x20;

        k->quote |= p[i] == '"' ? bit : 0;
        k->backslash |= p[i] == '\\' ? bit : 0;
        k->open |= c == '{' ? bit : 0;
        k->close |= c == '}' ? bit : 0;
        k->newline |= p[i] == '\n' ? bit : 0;
    }
#endif
}

static inline void block64_classify(Block64 *k, const char *p)
{
    *k = (Block64){ 0 };
    block16_classify(k, p, 0);
    block16_classify(k, p + 16, 16);
    block16_classify(k, p + 32, 32);
    block16_classify(k, p + 48, 48);
}

/* Bit k of the result: the parity of bits 0..k of @x. */
static inline uint64_t prefix_xor(uint64_t x)
{
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

/* Count the newlines of @nl, which are at @at + their bit. */
static inline void splitter_lines(DocSplitter *s, uint64_t nl, size_t at)
{
    if (nl) {
        s->line += __builtin_popcountll(nl);
        s->line_begin = at + 64 - __builtin_clzll(nl);
        s->line_clean = true;
    }
}

/*
 * The 64 bytes at @i of @b, inside a document and not after a backslash:
 * returns 64 when they are all read, the offset of the bracket that ends
 * the document if one does, or -1 if they hold a backslash (the caller
 * reads them a byte at a time).
 */
static inline int splitter_block(DocSplitter *s, const char *b, size_t i)
{
    Block64 k;
    uint64_t in_string, brackets;

    block64_classify(&k, b + i);
    if (k.backslash) {
        return -1;
    }
    /* bytes inside strings, their opening quote included */
    in_string = prefix_xor(k.quote) ^ (s->in_string ? ~0ULL : 0);
    brackets = (k.open | k.close) & ~in_string;
    for (; brackets; brackets &= brackets - 1) {
        int at = __builtin_ctzll(brackets);

        if (k.open & (1ULL << at)) {
            s->depth++;
        } else if (!--s->depth) {
            splitter_lines(s, k.newline & (~0ULL >> (63 - at)), i);
            s->in_string = false;
            return at;
        }
    }
    splitter_lines(s, k.newline, i);
    s->in_string = in_string >> 63;
    return 64;
}

/* Byte @i of @b, one at a time. */
static bool splitter_byte(DocSplitter *s, Readers *R, const char *b, size_t i,
                          Error **errp)
{
    char c = b[i];

    if (c == '\n') {
        s->line++;
        s->line_begin = i + 1;
        s->line_clean = true;
    }
    if (!s->depth) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            return true;
        }
        /*
         * Start at the beginning of the line when the document is alone
         * on it, so that columns in messages are right (after another
         * document on its line, they count from its start).
         */
        s->doc = s->line_clean ? s->line_begin : i;
        s->doc_line = s->line;
        if (c != '{' && c != '[') {
            s->garbage = true;
            return true;
        }
        s->depth = 1;
        return true;
    }
    if (s->in_string) {
        if (s->escape) {
            s->escape = false;
        } else if (c == '\\') {
            s->escape = true;
        } else if (c == '"') {
            s->in_string = false;
        }
    } else if (c == '"') {
        s->in_string = true;
    } else if (c == '{' || c == '[') {
        s->depth++;
    } else if ((c == '}' || c == ']') && !--s->depth) {
        return splitter_end(s, R, b, i, errp);
    }
    return true;
}

/*
 * Cut the buffer into documents.  Inside a document, 64 bytes are
 * looked at at once: where the quotes put strings, and the brackets
 * outside them (as simdjson finds them); anything with a backslash, and
 * what is between documents, goes a byte at a time.
 */
static bool splitter_feed(DocSplitter *s, Readers *R, Error **errp)
{
    const char *b = s->buf->str;
    size_t len = s->buf->len, i = s->scan;

    while (i < len && !s->garbage) {
        if (s->depth && !s->escape && len - i >= 64) {
            int at = splitter_block(s, b, i);

            if (at == 64) {
                i += 64;
                continue;
            }
            if (at >= 0) {
                if (!splitter_end(s, R, b, i + at, errp)) {
                    return false;
                }
                i += at + 1;
                continue;
            }
            for (at = 0; at < 64 && !s->garbage; at++, i++) {
                if (!splitter_byte(s, R, b, i, errp)) {
                    return false;
                }
            }
            continue;
        }
        if (!splitter_byte(s, R, b, i, errp)) {
            return false;
        }
        i++;
    }
    s->scan = i;
    /*
     * Drop what is read: keep the document under way, or the blanks that
     * start the line of the next one.
     */
    if (!s->garbage) {
        size_t keep = s->depth ? s->doc
                    : s->line_clean ? MIN(s->scan, s->line_begin) : s->scan;

        g_string_erase(s->buf, 0, keep);
        s->scan -= keep;
        s->doc -= MIN(keep, s->doc);
        s->line_begin -= MIN(keep, s->line_begin);
    }
    return true;
}

static bool load_stdin(Readers *R, Error **errp)
{
    DocSplitter s = { .buf = g_string_sized_new(1 << 16), .line = 1,
                      .line_clean = true };
    size_t n, old;
    bool ok = true;

    /*
     * Read into the buffer, not through a block of our own.  Once what
     * is read is no document, read only what the reader may need to say
     * why (a block past where it starts), not the rest of the input.
     */
    while (ok && !(s.garbage && s.buf->len - s.doc >= (1 << 16))) {
        old = s.buf->len;
        g_string_set_size(s.buf, old + (1 << 16));
        n = fread(s.buf->str + old, 1, 1 << 16, stdin);
        g_string_truncate(s.buf, old + n);
        if (!n) {
            break;
        }
        ok = splitter_feed(&s, R, errp);
    }
    if (ok && ferror(stdin)) {
        error_setg(errp, "%s: %s", STDIN_NAME, g_strerror(errno));
        ok = false;
    }
    if (ok && (s.depth || s.garbage)) {
        /* A cut or broken document: the reader names what is wrong. */
        ok = readers_add(R, NULL, NULL, s.buf->str + s.doc,
                         s.buf->len - s.doc, s.doc_line, errp) &&
             readers_flush(R, true, errp);
        if (ok) {
            error_setg(errp, "%s:%u: the input ends inside a profile",
                       STDIN_NAME, s.line);
            ok = false;
        }
    }
    if (ok && !s.ndocs) {
        error_setg(errp, "%s: no profiles on standard input", STDIN_NAME);
        ok = false;
    }
    g_string_free(s.buf, TRUE);
    return ok;
}

static int compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool load_dir(Readers *R, const char *dir, Error **errp)
{
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, &gerr);
    const char *name;
    guint i;

    if (!d) {
        error_setg(errp, "%s: %s", dir, gerr->message);
        return false;
    }
    while ((name = g_dir_read_name(d))) {
        if (g_str_has_suffix(name, ".json") && name[0] != '.') {
            g_ptr_array_add(names, g_strdup(name));
        }
    }
    g_dir_close(d);
    if (!names->len) {
        error_setg(errp, "%s: no profiles (*.json) in this directory", dir);
        return false;
    }
    g_ptr_array_sort(names, compare_names);
    for (i = 0; i < names->len; i++) {
        g_autofree char *path = g_build_filename(dir, names->pdata[i], NULL);

        if (!readers_add(R, path, NULL, NULL, 0, 0, errp)) {
            return false;
        }
    }
    return true;
}

/* @LIST: a path a line; blank lines and lines starting with # are skipped */
static bool load_list(Readers *R, const char *list, Error **errp)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree char *text = NULL;
    char *line, *next;
    unsigned lineno, n = 0;

    if (!g_file_get_contents(list, &text, NULL, &gerr)) {
        if (g_error_matches(gerr, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            error_setg(errp, "@%s: no such file", list);
        } else {
            error_setg(errp, "@%s: %s", list, gerr->message);
        }
        return false;
    }
    for (line = text, lineno = 1; line; line = next, lineno++) {
        next = strchr(line, '\n');
        if (next) {
            *next++ = '\0';
        }
        g_strstrip(line);
        if (!*line || *line == '#') {
            continue;
        }
        g_autofree char *prefix = g_strdup_printf("%s:%u: ", list, lineno);

        if (!readers_add(R, line, prefix, NULL, 0, 0, errp)) {
            return false;
        }
        n++;
    }
    if (!n) {
        error_setg(errp, "@%s: no profile paths in this list", list);
        return false;
    }
    return true;
}

GPtrArray *cli_load_profiles(char **args, int nargs, FeatmaskMaps *maps,
                             Error **errp)
{
    g_autoptr(FeatmaskProfileLoader) l = featmask_profile_loader_new(maps);

    if (!cli_load_into(l, args, nargs, errp)) {
        return NULL;
    }
    return featmask_profile_loader_finish(l, errp);
}

bool cli_load_into(FeatmaskProfileLoader *l, char **args, int nargs,
                   Error **errp)
{
    Readers R;
    int i, dashes = 0;
    bool ok = true;

    for (i = 0; i < nargs; i++) {
        dashes += !strcmp(args[i], "-");
    }
    if (dashes > 1) {
        error_setg(errp, "'-' is given %d times: standard input is read once",
                   dashes);
        return false;
    }
    readers_init(&R, l);
    for (i = 0; ok && i < nargs; i++) {
        const char *a = args[i];

        if (!strcmp(a, "-")) {
            ok = load_stdin(&R, errp);
        } else if (a[0] == '@') {
            if (!a[1]) {
                error_setg(errp, "'@' needs a file name: @LIST reads one"
                           " profile path a line from LIST");
                ok = false;
            } else {
                ok = load_list(&R, a + 1, errp);
            }
        } else if (g_file_test(a, G_FILE_TEST_IS_DIR)) {
            ok = load_dir(&R, a, errp);
        } else {
            ok = readers_add(&R, a, NULL, NULL, 0, 0, errp);
        }
    }
    ok = readers_flush(&R, ok, errp);
    readers_destroy(&R);
    return ok;
}
