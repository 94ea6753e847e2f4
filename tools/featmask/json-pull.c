/*
 * featmask: a pull parser for JSON
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "json-pull.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum {
    NEED_VALUE,                 /* at the start, after ':' or ',' in [] */
    NEED_VALUE_OR_END,          /* after '[' */
    NEED_KEY,                   /* after ',' in {} */
    NEED_KEY_OR_END,            /* after '{' */
    NEED_COMMA_OR_END,          /* after a value in a container */
    NEED_EOF,                   /* after the top-level value */
};

static void key_set_free(void *opaque);

void json_pull_init(JsonPull *j, const char *file, const char *text,
                    size_t len)
{
    j->str = g_string_sized_new(64);
    j->keys = g_ptr_array_new_with_free_func(key_set_free);
    json_pull_reset(j, file, text, len);
}

void json_pull_reset(JsonPull *j, const char *file, const char *text,
                     size_t len)
{
    GString *str = j->str;
    GPtrArray *keys = j->keys;

    memset(j, 0, sizeof(*j));
    j->file = file;
    j->p = text;
    j->end = text + len;
    j->line = 1;
    j->line_start = text;
    j->str = str;
    g_string_truncate(str, 0);
    j->keys = keys;             /* each object empties its depth's */
    j->state = NEED_VALUE;
}

void json_pull_destroy(JsonPull *j)
{
    g_string_free(j->str, TRUE);
    g_ptr_array_free(j->keys, TRUE);
}

static void json_pull_verror(JsonPull *j, Error **errp, unsigned line,
                             unsigned col, const char *fmt, va_list ap)
{
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);

    error_setg(errp, "%s:%u:%u: %s", j->file, line, col, msg);
}

void json_pull_error(JsonPull *j, Error **errp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    json_pull_verror(j, errp, j->tok_line, j->tok_col, fmt, ap);
    va_end(ap);
}

/* Where a member name was first seen, the value of KeySet.big. */
typedef struct KeyPos {
    unsigned line, col;
} KeyPos;

/*
 * The member names of one open object.  Objects have a handful of
 * members: those are compared in turn, and a table is only built for an
 * object with more (so that many members are not quadratic).
 */
#define KEYS_SMALL 16

typedef struct KeySet {
    unsigned n;
    GString *names;             /* the first KEYS_SMALL, NUL-terminated */
    struct {
        unsigned off, len;      /* in @names */
        KeyPos pos;
    } small[KEYS_SMALL];
    GHashTable *big;            /* name -> KeyPos *, once there are more */
} KeySet;

static void key_set_free(void *opaque)
{
    KeySet *k = opaque;

    g_string_free(k->names, TRUE);
    if (k->big) {
        g_hash_table_unref(k->big);
    }
    g_free(k);
}

static void key_set_clear(KeySet *k)
{
    k->n = 0;
    g_string_truncate(k->names, 0);
    if (k->big) {
        g_hash_table_remove_all(k->big);
    }
}

static void key_set_add_big(KeySet *k, const char *name, KeyPos pos)
{
    KeyPos *first = g_new(KeyPos, 1);

    *first = pos;
    g_hash_table_insert(k->big, g_strdup(name), first);
}

/* A member name of the innermost object, which must be new there. */
static bool add_key(JsonPull *j, Error **errp)
{
    KeySet *k = j->keys->pdata[j->depth - 1];
    const char *name = j->str->str;
    size_t len = j->str->len;
    const KeyPos *first = NULL;
    KeyPos pos = { j->tok_line, j->tok_col };
    unsigned i;

    if (k->n <= KEYS_SMALL) {
        for (i = 0; i < k->n; i++) {
            if (k->small[i].len == len &&
                !memcmp(k->names->str + k->small[i].off, name, len)) {
                first = &k->small[i].pos;
                break;
            }
        }
    } else {
        first = g_hash_table_lookup(k->big, name);
    }
    if (first) {
        json_pull_error(j, errp, "member '%s' is given twice (first at"
                        " %u:%u)", name, first->line, first->col);
        return false;
    }
    if (k->n == JSON_PULL_MAX_MEMBERS) {
        json_pull_error(j, errp, "more than %d members in one object",
                        JSON_PULL_MAX_MEMBERS);
        return false;
    }
    if (k->n < KEYS_SMALL) {
        k->small[k->n].off = k->names->len;
        k->small[k->n].len = len;
        k->small[k->n].pos = pos;
        g_string_append_len(k->names, name, len + 1);
    } else {
        if (k->n == KEYS_SMALL) {
            /* Past the few: the names so far go into a table. */
            if (!k->big) {
                k->big = g_hash_table_new_full(g_str_hash, g_str_equal,
                                               g_free, g_free);
            }
            for (i = 0; i < KEYS_SMALL; i++) {
                key_set_add_big(k, k->names->str + k->small[i].off,
                                k->small[i].pos);
            }
        }
        key_set_add_big(k, name, pos);
    }
    k->n++;
    return true;
}

/* An error at the current position (inside a token). */
static bool G_GNUC_PRINTF(3, 4)
error_here(JsonPull *j, Error **errp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    json_pull_verror(j, errp, j->line, j->p - j->line_start + 1, fmt, ap);
    va_end(ap);
    return false;
}

const char *json_pull_token_name(JsonPullToken tok)
{
    static const char *const names[] = {
        [JSON_PULL_EOF] = "the end of the file",
        [JSON_PULL_OBJECT_START] = "an object",
        [JSON_PULL_OBJECT_END] = "'}'",
        [JSON_PULL_ARRAY_START] = "an array",
        [JSON_PULL_ARRAY_END] = "']'",
        [JSON_PULL_KEY] = "a member name",
        [JSON_PULL_STRING] = "a string",
        [JSON_PULL_NUMBER] = "a number",
        [JSON_PULL_TRUE] = "a boolean",
        [JSON_PULL_FALSE] = "a boolean",
        [JSON_PULL_NULL] = "null",
    };

    return names[tok];
}

static inline void skip_space(JsonPull *j)
{
    const char *p = j->p, *end = j->end;

    /* Most tokens follow one another without space: test that first. */
    while (p < end && (unsigned char)*p <= ' ') {
        if (*p == '\n') {
            j->line++;
            j->line_start = p + 1;
        } else if (*p != ' ' && *p != '\t' && *p != '\r') {
            break;
        }
        p++;
    }
    j->p = p;
}

/*
 * The bytes that end a plain run in a string: '"', '\\' and the control
 * characters (which are errors).
 */
static const bool string_stop[256] = {
    [0 ... 0x1f] = true, ['"'] = true, ['\\'] = true,
};

/* Append @len bytes at @s to j->str, without GString's general path. */
static void str_append(JsonPull *j, const char *s, size_t len)
{
    GString *str = j->str;
    size_t old = str->len;

    if (old + len >= str->allocated_len) {
        g_string_set_size(str, old + len);
    }
    memcpy(str->str + old, s, len);
    str->len = old + len;
    str->str[str->len] = '\0';
}

static int hex4(const char *p)
{
    int v = 0, i;

    for (i = 0; i < 4; i++) {
        int d = g_ascii_xdigit_value(p[i]);

        if (d < 0) {
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

/* A string, j->p at the opening quote; its text goes to j->str. */
static bool read_string(JsonPull *j, Error **errp)
{
    unsigned char high = 0;
    const char *s;

    j->str->len = 0;
    j->p++;
    for (;;) {
        /* Copy the plain run in one go: most strings have no escape. */
        for (s = j->p; s < j->end && !string_stop[(unsigned char)*s]; s++) {
            high |= *s;
        }
        str_append(j, j->p, s - j->p);
        j->p = s;
        if (s == j->end) {
            return error_here(j, errp, "unterminated string");
        }
        if (*s == '"') {
            j->p++;
            break;
        }
        if (*s != '\\') {
            return error_here(j, errp, "control character in a string");
        }
        if (j->end - s < 2) {
            return error_here(j, errp, "unterminated string");
        }
        switch (s[1]) {
        case '"': case '\\': case '/':
            g_string_append_c(j->str, s[1]);
            break;
        case 'b': g_string_append_c(j->str, '\b'); break;
        case 'f': g_string_append_c(j->str, '\f'); break;
        case 'n': g_string_append_c(j->str, '\n'); break;
        case 'r': g_string_append_c(j->str, '\r'); break;
        case 't': g_string_append_c(j->str, '\t'); break;
        case 'u': {
            int u = j->end - s >= 6 ? hex4(s + 2) : -1;

            if (u < 0) {
                return error_here(j, errp, "bad \\u escape in a string");
            }
            if (u >= 0xd800 && u < 0xdc00) {
                int lo = j->end - s >= 12 && s[6] == '\\' && s[7] == 'u' ?
                         hex4(s + 8) : -1;

                if (lo < 0xdc00 || lo >= 0xe000) {
                    return error_here(j, errp, "unpaired surrogate in a"
                                      " string");
                }
                u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                j->p += 6;
            } else if (u >= 0xdc00 && u < 0xe000) {
                return error_here(j, errp, "unpaired surrogate in a string");
            }
            if (u == 0) {
                return error_here(j, errp, "NUL character in a string");
            }
            g_string_append_unichar(j->str, u);
            high |= u >= 0x80 ? 0x80 : 0;
            j->p += 4;
            break;
        }
        default:
            return error_here(j, errp, "bad escape '\\%c' in a string",
                              s[1]);
        }
        j->p += 2;
    }
    /* Plain ASCII needs no check. */
    if ((high & 0x80) &&
        !g_utf8_validate(j->str->str, j->str->len, NULL)) {
        return error_here(j, errp, "a string is not valid UTF-8");
    }
    return true;
}

static bool read_number(JsonPull *j, Error **errp)
{
    const char *s = j->p;

    if (s < j->end && *s == '-') {
        s++;
    }
    if (s < j->end && *s == '0') {
        s++;
    } else if (s < j->end && g_ascii_isdigit(*s)) {
        while (s < j->end && g_ascii_isdigit(*s)) {
            s++;
        }
    } else {
        j->p = s;
        return error_here(j, errp, "bad number");
    }
    if (s < j->end && *s == '.') {
        if (++s == j->end || !g_ascii_isdigit(*s)) {
            j->p = s;
            return error_here(j, errp, "bad number");
        }
        while (s < j->end && g_ascii_isdigit(*s)) {
            s++;
        }
    }
    if (s < j->end && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < j->end && (*s == '+' || *s == '-')) {
            s++;
        }
        if (s == j->end || !g_ascii_isdigit(*s)) {
            j->p = s;
            return error_here(j, errp, "bad number");
        }
        while (s < j->end && g_ascii_isdigit(*s)) {
            s++;
        }
    }
    j->str->len = 0;
    str_append(j, j->p, s - j->p);
    j->p = s;
    return true;
}

static bool read_word(JsonPull *j, const char *word, Error **errp)
{
    size_t len = strlen(word);

    if ((size_t)(j->end - j->p) < len || memcmp(j->p, word, len) ||
        (j->p + len < j->end && g_ascii_isalnum(j->p[len]))) {
        return error_here(j, errp, "unexpected '%c'", *j->p);
    }
    j->p += len;
    return true;
}

static void after_value(JsonPull *j)
{
    j->state = j->depth ? NEED_COMMA_OR_END : NEED_EOF;
}

static bool expecting_value(JsonPull *j)
{
    return j->state == NEED_VALUE || j->state == NEED_VALUE_OR_END;
}

static const char *expected(JsonPull *j)
{
    switch (j->state) {
    case NEED_VALUE:
        return "a value";
    case NEED_VALUE_OR_END:
        return "a value or ']'";
    case NEED_KEY:
        return "a member name in double quotes";
    case NEED_KEY_OR_END:
        return "a member name in double quotes or '}'";
    case NEED_COMMA_OR_END:
        return j->stack[j->depth - 1] == '{' ? "',' or '}'" : "',' or ']'";
    default:
        return "the end of the file";
    }
}

static bool open_container(JsonPull *j, char c, Error **errp)
{
    if (j->depth == JSON_PULL_MAX_DEPTH) {
        return error_here(j, errp, "nesting deeper than %d levels",
                          JSON_PULL_MAX_DEPTH);
    }
    if (c == '{') {
        /* One table per depth, emptied for each object: few allocations. */
        while (j->keys->len <= j->depth) {
            KeySet *k = g_new0(KeySet, 1);

            k->names = g_string_new(NULL);
            g_ptr_array_add(j->keys, k);
        }
        key_set_clear(j->keys->pdata[j->depth]);
    }
    j->stack[j->depth++] = c;
    j->state = c == '{' ? NEED_KEY_OR_END : NEED_VALUE_OR_END;
    j->p++;
    return true;
}

bool json_pull_next(JsonPull *j, JsonPullToken *tok, Error **errp)
{
    for (;;) {
        char c;

        skip_space(j);
        j->tok_line = j->line;
        j->tok_col = j->p - j->line_start + 1;
        if (j->p == j->end) {
            if (j->state != NEED_EOF) {
                return error_here(j, errp, "unexpected end of file, expected"
                                  " %s", expected(j));
            }
            *tok = JSON_PULL_EOF;
            return true;
        }
        c = *j->p;
        if (c == ',' && j->state == NEED_COMMA_OR_END) {
            j->state = j->stack[j->depth - 1] == '{' ? NEED_KEY : NEED_VALUE;
            j->p++;
            continue;
        }
        if ((c == '}' && (j->state == NEED_KEY_OR_END ||
                          (j->state == NEED_COMMA_OR_END &&
                           j->stack[j->depth - 1] == '{'))) ||
            (c == ']' && (j->state == NEED_VALUE_OR_END ||
                          (j->state == NEED_COMMA_OR_END &&
                           j->stack[j->depth - 1] == '[')))) {
            j->depth--;
            j->p++;
            after_value(j);
            *tok = c == '}' ? JSON_PULL_OBJECT_END : JSON_PULL_ARRAY_END;
            return true;
        }
        if (c == '"' && (j->state == NEED_KEY ||
                         j->state == NEED_KEY_OR_END)) {
            if (!read_string(j, errp) || !add_key(j, errp)) {
                return false;
            }
            skip_space(j);
            if (j->p == j->end || *j->p != ':') {
                return error_here(j, errp, "expected ':' after member name"
                                  " '%s'", j->str->str);
            }
            j->p++;
            j->state = NEED_VALUE;
            *tok = JSON_PULL_KEY;
            return true;
        }
        if (!expecting_value(j)) {
            return error_here(j, errp, "unexpected '%c', expected %s", c,
                              expected(j));
        }
        switch (c) {
        case '{':
            *tok = JSON_PULL_OBJECT_START;
            return open_container(j, c, errp);
        case '[':
            *tok = JSON_PULL_ARRAY_START;
            return open_container(j, c, errp);
        case '"':
            *tok = JSON_PULL_STRING;
            if (!read_string(j, errp)) {
                return false;
            }
            break;
        case 't':
            *tok = JSON_PULL_TRUE;
            if (!read_word(j, "true", errp)) {
                return false;
            }
            break;
        case 'f':
            *tok = JSON_PULL_FALSE;
            if (!read_word(j, "false", errp)) {
                return false;
            }
            break;
        case 'n':
            *tok = JSON_PULL_NULL;
            if (!read_word(j, "null", errp)) {
                return false;
            }
            break;
        default:
            if (c != '-' && !g_ascii_isdigit(c)) {
                return error_here(j, errp, "unexpected '%c', expected %s",
                                  c, expected(j));
            }
            *tok = JSON_PULL_NUMBER;
            if (!read_number(j, errp)) {
                return false;
            }
            break;
        }
        after_value(j);
        return true;
    }
}

#define ONES (~0ULL / 255)
#define HIGHS (ONES * 0x80)

/*
 * The bytes of the 8 at @p that end a plain ASCII run in a string, as the
 * top bit of each: the lowest one set is exact (the others may not be).
 */
static inline uint64_t plain_ascii8_stops(const char *p)
{
    uint64_t x, quote, backslash;

    memcpy(&x, p, 8);
    quote = x ^ (ONES * '"');
    backslash = x ^ (ONES * '\\');
    /*
     * The top bit of a byte is set by: x itself for a byte >= 0x80, the
     * subtractions for a byte < 0x20 and for a zero byte of quote or
     * backslash (exact for the lowest such byte, the usual bit trick:
     * a false hit is always above a true one of the same term).
     */
    return (x | ((x - ONES * 0x20) & ~x) | ((quote - ONES) & ~quote) |
            ((backslash - ONES) & ~backslash)) & HIGHS;
}

/* Where the plain ASCII run of a string that starts at @q ends. */
static inline const char *plain_run_end(const char *q, const char *end)
{
    for (; end - q >= 8; q += 8) {
        uint64_t m = plain_ascii8_stops(q);

        if (m) {
            return q + (__builtin_ctzll(m) >> 3);
        }
    }
    while (q < end && !string_stop[(unsigned char)*q] && !(*q & 0x80)) {
        q++;
    }
    return q;
}

bool json_pull_next_item(JsonPull *j, JsonPullToken *tok, const char **text,
                         size_t *len, Error **errp)
{
    const char *q;

    skip_space(j);
    if (j->state == NEED_COMMA_OR_END && j->p < j->end && *j->p == ',' &&
        j->stack[j->depth - 1] == '[') {
        j->p++;
        j->state = NEED_VALUE;
        /* ", " between items: the one space needs no call */
        if (j->p < j->end && *j->p == ' ') {
            j->p++;
        }
        skip_space(j);
    }
    if ((j->state == NEED_VALUE || j->state == NEED_VALUE_OR_END) &&
        j->p < j->end && *j->p == '"') {
        /* A plain ASCII string needs no copy and no check. */
        q = plain_run_end(j->p + 1, j->end);
        if (q < j->end && *q == '"') {
            j->tok_line = j->line;
            j->tok_col = j->p - j->line_start + 1;
            *text = j->p + 1;
            *len = q - j->p - 1;
            j->p = q + 1;
            after_value(j);
            *tok = JSON_PULL_STRING;
            return true;
        }
    }
    if (!json_pull_next(j, tok, errp)) {
        return false;
    }
    *text = j->str->str;
    *len = j->str->len;
    return true;
}

/*
 * Where the plain ASCII run of the string whose text starts at @q ends,
 * at most 16 bytes on: 0 to 15, or 16 if none of the 16 bytes at @q
 * ends it.  The 16 bytes must be there to read.
 */
static inline unsigned plain16_run(const char *q)
{
#ifdef __SSE2__
    __m128i x = _mm_loadu_si128((const __m128i *)q);
    /* signed: the bytes >= 0x80 are below 0x20 too */
    __m128i stop = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                     _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
        _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
    unsigned m = _mm_movemask_epi8(stop);

    return m ? __builtin_ctz(m) : 16;
#else
    uint64_t m = plain_ascii8_stops(q);

    if (m) {
        return __builtin_ctzll(m) >> 3;
    }
    m = plain_ascii8_stops(q + 8);
    return m ? 8 + (__builtin_ctzll(m) >> 3) : 16;
#endif
}

/* The first @len (at most 8) bytes at @s, zero-padded, little-endian. */
static inline uint64_t head8(const char *s, size_t len, bool room)
{
    uint64_t w = 0;
    size_t i;

    if (room) {
        memcpy(&w, s, 8);
        return len >= 8 ? w : w & ~(~0ULL << (8 * len));
    }
    for (i = 0; i < len && i < 8; i++) {
        w |= (uint64_t)(unsigned char)s[i] << (8 * i);
    }
    return w;
}

static inline void item_head(JsonPullItem *item, bool room)
{
    item->head[0] = head8(item->text, item->len, room);
    item->head[1] = item->len > 8 ? head8(item->text + 8, item->len - 8,
                                          room) : 0;
}

void json_pull_item_head(JsonPullItem *item, bool room)
{
    item_head(item, room);
}

/* Skip blanks from @p, counting lines in @j. */
static inline const char *skip_blanks(JsonPull *j, const char *p)
{
    for (; p < j->end; p++) {
        if (*p == '\n') {
            j->line++;
            j->line_start = p + 1;
        } else if (*p != ' ' && *p != '\t' && *p != '\r') {
            break;
        }
    }
    return p;
}

/*
 * The usual item: '"' or ', "' before it, at most 15 plain bytes; @p is
 * moved past it.  Returns false, @p untouched, for anything else.
 */
static inline bool short_item(const char **pp, const char *end, bool comma,
                              JsonPullItem *it)
{
#ifdef __SSE2__
    const char *p = *pp;
    __m128i x, stop, keep;
    unsigned m, k;

    if (comma) {
        if (end - p < 3 || p[0] != ',' || p[1] != ' ') {
            return false;
        }
        p += 2;
    }
    if (end - p <= 16 || *p != '"') {
        return false;
    }
    x = _mm_loadu_si128((const __m128i *)(p + 1));
    /* signed: the bytes >= 0x80 are below 0x20 too */
    stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                                     _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
                        _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
    m = _mm_movemask_epi8(stop);
    if (!m) {
        return false;
    }
    k = __builtin_ctz(m);
    if (p[1 + k] != '"') {
        return false;
    }
    keep = _mm_cmpgt_epi8(_mm_set1_epi8(k),
                          _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                                        12, 13, 14, 15));
    _mm_storeu_si128((__m128i *)it->head, _mm_and_si128(x, keep));
    it->text = p + 1;
    it->len = k;
    *pp = p + k + 2;
    return true;
#else
    return false;
#endif
}

size_t json_pull_plain_items(JsonPull *j, JsonPullItem *items, size_t max)
{
    const char *p = j->p, *end = j->end;
    int state = j->state;
    size_t n = 0;

    if (!j->depth || j->stack[j->depth - 1] != '[' ||
        (state != NEED_VALUE && state != NEED_VALUE_OR_END &&
         state != NEED_COMMA_OR_END)) {
        return 0;
    }
    /*
     * One pass over the bytes: a separator, a string found 16 bytes at a
     * time.  What is read is committed as it goes (blanks, a ','), so
     * json_pull_next() goes on from where this stops.
     */
    while (n < max) {
        unsigned line = j->line;
        const char *line_start = j->line_start;
        const char *q, *start;
        unsigned k;

        /* most items, without leaving registers */
        while (n < max && short_item(&p, end, state == NEED_COMMA_OR_END,
                                     &items[n])) {
            items[n].line = line;
            items[n].col = items[n].text - line_start;
            n++;
            state = NEED_COMMA_OR_END;
        }
        if (n == max) {
            break;
        }
        if (state == NEED_COMMA_OR_END) {
            p = skip_blanks(j, p);
            if (p == end || *p != ',') {
                break;
            }
            p = skip_blanks(j, p + 1);
            state = NEED_VALUE;
        } else {
            p = skip_blanks(j, p);
        }
        if (p == end || *p != '"') {
            break;
        }
        start = p;
        q = p + 1;
        if (end - q >= 16) {
            k = plain16_run(q);
            q += k;
            if (k == 16) {
                q = plain_run_end(q, end);
            }
        } else {
            q = plain_run_end(q, end);
        }
        if (q == end || *q != '"') {
            break;
        }
        items[n].text = start + 1;
        items[n].len = q - start - 1;
        items[n].line = j->line;
        items[n].col = start - j->line_start + 1;
        item_head(&items[n], end - items[n].text >= 16);
        n++;
        p = q + 1;
        state = NEED_COMMA_OR_END;
    }
    j->p = p;
    j->state = state;
    if (n) {
        j->tok_line = items[n - 1].line;
        j->tok_col = items[n - 1].col;
    }
    return n;
}

bool json_pull_skip(JsonPull *j, JsonPullToken tok, Error **errp)
{
    unsigned depth = j->depth;

    if (tok != JSON_PULL_OBJECT_START && tok != JSON_PULL_ARRAY_START) {
        return true;
    }
    /* The container was opened: read until it is closed again. */
    while (j->depth >= depth) {
        if (!json_pull_next(j, &tok, errp)) {
            return false;
        }
    }
    return true;
}
