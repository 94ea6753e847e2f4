/*
 * libFuzzer harness: the JSON pull parser that reads profiles
 * (tools/featmask/json-pull.c)
 *
 * Invariants: a document the parser accepts, written again from its
 * tokens (strings escaped anew), is accepted and gives the same tokens;
 * json_pull_skip() over the top-level value agrees with reading every
 * token; the items of arrays read many at a time (as profiles' features
 * are) are the same tokens, or the same error; every error names the
 * file, line and column.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "json-pull.h"
#include "fuzz-util.h"

typedef struct Token {
    JsonPullToken tok;
    char *str;
} Token;

static void token_clear(void *opaque)
{
    g_free(((Token *)opaque)->str);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    return 0;
}

static bool has_text(JsonPullToken t)
{
    return t == JSON_PULL_KEY || t == JSON_PULL_STRING ||
           t == JSON_PULL_NUMBER;
}

/*
 * Every token of @text, or NULL (and the error) if it is not JSON.  With
 * @as_items, the items of arrays are read as profile-read.c reads
 * features: many plain strings at a time (json_pull_plain_items()), the
 * others with json_pull_next_item().
 */
static GArray *tokens(const char *text, size_t len, bool as_items,
                      Error **errp)
{
    g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(Token));
    JsonPull j;
    bool ok = true;

    g_array_set_clear_func(out, token_clear);
    json_pull_init(&j, "fuzz.json", text, len);
    for (;;) {
        Token t = { 0 };
        const char *s = NULL;
        size_t slen = 0;

        if (as_items && j.depth && j.stack[j.depth - 1] == '[') {
            JsonPullItem items[3];
            size_t n = json_pull_plain_items(&j, items, G_N_ELEMENTS(items));
            size_t k;

            for (k = 0; k < n; k++) {
                Token item = { JSON_PULL_STRING,
                               g_strndup(items[k].text, items[k].len) };

                fuzz_check(items[k].line >= 1 && items[k].col >= 1,
                           "item at %u:%u", items[k].line, items[k].col);
                g_array_append_val(out, item);
            }
            ok = json_pull_next_item(&j, &t.tok, &s, &slen, errp);
        } else {
            ok = json_pull_next(&j, &t.tok, errp);
            s = j.str->str;
            slen = j.str->len;
        }
        fuzz_check(j.tok_line >= 1 && j.tok_col >= 1, "position %u:%u",
                   j.tok_line, j.tok_col);
        if (!ok) {
            break;
        }
        fuzz_check(j.depth <= JSON_PULL_MAX_DEPTH, "depth %u", j.depth);
        if (has_text(t.tok)) {
            t.str = g_strndup(s, slen);
        }
        g_array_append_val(out, t);
        if (t.tok == JSON_PULL_EOF) {
            break;
        }
    }
    json_pull_destroy(&j);
    return ok ? g_steal_pointer(&out) : NULL;
}

static void append_string(GString *s, const char *str)
{
    const char *p;

    g_string_append_c(s, '"');
    for (p = str; *p; p++) {
        if (*p == '"' || *p == '\\') {
            g_string_append_c(s, '\\');
            g_string_append_c(s, *p);
        } else if ((unsigned char)*p < 0x20) {
            g_string_append_printf(s, "\\u%04x", (unsigned char)*p);
        } else {
            g_string_append_c(s, *p);
        }
    }
    g_string_append_c(s, '"');
}

/* The document again, from its tokens. */
static char *write_tokens(GArray *toks)
{
    GString *s = g_string_new(NULL);
    bool need_comma = false;
    guint i;

    for (i = 0; i < toks->len; i++) {
        Token *t = &g_array_index(toks, Token, i);
        bool closing = t->tok == JSON_PULL_OBJECT_END ||
                       t->tok == JSON_PULL_ARRAY_END;

        if (need_comma && !closing && t->tok != JSON_PULL_EOF) {
            g_string_append_c(s, ',');
        }
        need_comma = true;
        switch (t->tok) {
        case JSON_PULL_OBJECT_START:
            g_string_append_c(s, '{');
            need_comma = false;
            break;
        case JSON_PULL_ARRAY_START:
            g_string_append_c(s, '[');
            need_comma = false;
            break;
        case JSON_PULL_OBJECT_END:
            g_string_append_c(s, '}');
            break;
        case JSON_PULL_ARRAY_END:
            g_string_append_c(s, ']');
            break;
        case JSON_PULL_KEY:
            append_string(s, t->str);
            g_string_append_c(s, ':');
            need_comma = false;
            break;
        case JSON_PULL_STRING:
            append_string(s, t->str);
            break;
        case JSON_PULL_NUMBER:
            g_string_append(s, t->str);
            break;
        case JSON_PULL_TRUE:
            g_string_append(s, "true");
            break;
        case JSON_PULL_FALSE:
            g_string_append(s, "false");
            break;
        case JSON_PULL_NULL:
            g_string_append(s, "null");
            break;
        default:
            break;
        }
    }
    return g_string_free(s, FALSE);
}

/* json_pull_skip() of the first value, then the end of the document. */
static bool skip_all(const char *text, size_t len)
{
    JsonPull j;
    JsonPullToken tok;
    bool ok;

    json_pull_init(&j, "fuzz.json", text, len);
    ok = json_pull_next(&j, &tok, NULL) && json_pull_skip(&j, tok, NULL) &&
         json_pull_next(&j, &tok, NULL) && tok == JSON_PULL_EOF;
    json_pull_destroy(&j);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GArray) toks = NULL;
    g_autoptr(GArray) toks2 = NULL;
    g_autofree char *again = NULL;
    Error *err = NULL;
    guint i;

    toks = tokens((const char *)data, size, false, &err);
    fuzz_check(skip_all((const char *)data, size) == !!toks,
               "json_pull_skip() and json_pull_next() disagree");
    /* the items of arrays many at a time: the same tokens or error */
    {
        Error *err2 = NULL;
        g_autoptr(GArray) by_items = tokens((const char *)data, size, true,
                                            &err2);

        fuzz_check(!by_items == !toks, "items read many at a time %s",
                   toks ? "fail" : "pass");
        if (!toks) {
            fuzz_check(!strcmp(error_get_pretty(err),
                               error_get_pretty(err2)),
                       "errors differ: '%s', then '%s'",
                       error_get_pretty(err), error_get_pretty(err2));
            error_free(err2);
        }
        for (i = 0; toks && i < toks->len; i++) {
            Token *a = &g_array_index(toks, Token, i);
            Token *b = &g_array_index(by_items, Token, i);

            fuzz_check(i < by_items->len && a->tok == b->tok &&
                       !g_strcmp0(a->str, b->str),
                       "token %u differs read as items", i);
        }
        fuzz_check(!toks || toks->len == by_items->len,
                   "%u tokens, %u read as items", toks ? toks->len : 0,
                   by_items ? by_items->len : 0);
    }
    if (!toks) {
        fuzz_check(g_str_has_prefix(error_get_pretty(err), "fuzz.json:"),
                   "error without a position: %s", error_get_pretty(err));
        error_free(err);
        return 0;
    }
    again = write_tokens(toks);
    toks2 = tokens(again, strlen(again), false, &err);
    fuzz_check(toks2, "rewritten document refused: %s\n%s",
               err ? error_get_pretty(err) : "", again);
    fuzz_check(toks->len == toks2->len, "%u tokens, then %u", toks->len,
               toks2->len);
    for (i = 0; i < toks->len; i++) {
        Token *a = &g_array_index(toks, Token, i);
        Token *b = &g_array_index(toks2, Token, i);

        fuzz_check(a->tok == b->tok && !g_strcmp0(a->str, b->str),
                   "token %u differs: '%s' then '%s'", i, a->str, b->str);
    }
    return 0;
}
