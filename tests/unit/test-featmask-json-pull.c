/*
 * Unit tests of the JSON pull parser that reads profiles
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "json-pull.h"

/* The tokens of @text as one line: "{ k:a s:x [ n:1 t f z ] }". */
static char *tokens(const char *text, Error **errp)
{
    g_autoptr(GString) out = g_string_new(NULL);
    JsonPull j;
    JsonPullToken tok;
    bool ok = true;

    json_pull_init(&j, "t.json", text, strlen(text));
    while (ok && (ok = json_pull_next(&j, &tok, errp)) &&
           tok != JSON_PULL_EOF) {
        static const char *const names[] = {
            [JSON_PULL_OBJECT_START] = "{", [JSON_PULL_OBJECT_END] = "}",
            [JSON_PULL_ARRAY_START] = "[", [JSON_PULL_ARRAY_END] = "]",
            [JSON_PULL_KEY] = "k:", [JSON_PULL_STRING] = "s:",
            [JSON_PULL_NUMBER] = "n:", [JSON_PULL_TRUE] = "t",
            [JSON_PULL_FALSE] = "f", [JSON_PULL_NULL] = "z",
        };

        if (out->len) {
            g_string_append_c(out, ' ');
        }
        g_string_append(out, names[tok]);
        if (tok == JSON_PULL_KEY || tok == JSON_PULL_STRING ||
            tok == JSON_PULL_NUMBER) {
            g_string_append(out, j.str->str);
        }
    }
    json_pull_destroy(&j);
    return ok ? g_string_free(g_steal_pointer(&out), FALSE) : NULL;
}

static void test_good(void)
{
    static const struct { const char *in, *out; } cases[] = {
        /* every kind of token */
        { "{\"a\": [1, -2.5e3, true, false, null, \"x\"]}",
          "{ k:a [ n:1 n:-2.5e3 t f z s:x ] }" },
        { "  [ ]  ", "[ ]" },
        { "{}", "{ }" },
        { "\"top\"", "s:top" },
        { "0", "n:0" },
        /* escapes, including a surrogate pair */
        { "\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\"",
          "s:a\"b\\c/d\n\xc3\xa9\xf0\x9f\x98\x80" },
        /* UTF-8 as it is */
        { "[\"caf\xc3\xa9\"]", "[ s:caf\xc3\xa9 ]" },
        { "{\"a\":{\"b\":[[]]}}", "{ k:a { k:b [ [ ] ] } }" },
        /* a name may come again in another object, nested or not */
        { "{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}]}",
          "{ k:a { k:a n:1 } k:b [ { k:a n:1 } { k:a n:2 } ] }" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = tokens(cases[i].in, &error_abort);
        g_assert_cmpstr(got, ==, cases[i].out);
    }
}

static void test_bad(void)
{
    static const struct { const char *in, *error; } cases[] = {
        { "", "t.json:1:1: unexpected end of file, expected a value" },
        { "{\"a\" 1}", "t.json:1:6: expected ':' after member name 'a'" },
        /* trailing commas are not JSON */
        { "[1,]", "t.json:1:4: unexpected ']', expected a value" },
        { "{\"a\":1,}", "t.json:1:8: unexpected '}', expected a member name"
          " in double quotes" },
        { "[1 2]", "t.json:1:4: unexpected '2', expected ',' or ']'" },
        { "{\"a\":1]", "t.json:1:7: unexpected ']', expected ',' or '}'" },
        { "{1:2}", "t.json:1:2: unexpected '1', expected a member name in"
          " double quotes or '}'" },
        { "[1] [2]", "t.json:1:5: unexpected '[', expected the end of the"
          " file" },
        { "[\"abc", "t.json:1:6: unterminated string" },
        { "[\"a\nb\"]", "t.json:1:4: control character in a string" },
        { "[\"\\x\"]", "t.json:1:3: bad escape '\\x' in a string" },
        { "[\"\\ud800\"]", "t.json:1:3: unpaired surrogate in a string" },
        { "[\"\\u12\"]", "t.json:1:3: bad \\u escape in a string" },
        { "[\"\xff\"]", "t.json:1:5: a string is not valid UTF-8" },
        { "[01]", "t.json:1:3: unexpected '1', expected ',' or ']'" },
        { "[1.]", "t.json:1:4: bad number" },
        { "[-]", "t.json:1:3: bad number" },
        { "[tru]", "t.json:1:2: unexpected 't'" },
        { "[nulls]", "t.json:1:2: unexpected 'n'" },
        { "// no\n[]", "t.json:1:1: unexpected '/', expected a value" },
        /* a member twice in one object, at any depth */
        { "{\"a\":1,\"b\":2,\"a\":3}", "t.json:1:14: member 'a' is given"
          " twice (first at 1:2)" },
        { "[{\"a\":{\"x\":1}},{\"a\":{\"y\":1,\n \"y\":2}}]",
          "t.json:2:2: member 'y' is given twice (first at 1:22)" },
        /* names compare after unescaping */
        { "{\"ab\":1,\"a\\u0062\":2}", "t.json:1:9: member 'ab' is given"
          " twice (first at 1:2)" },
        /* the line counts */
        { "{\n  \"a\": [\n    1,\n    x\n  ]\n}",
          "t.json:4:5: unexpected 'x', expected a value" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        Error *err = NULL;
        g_autofree char *got = tokens(cases[i].in, &err);

        g_assert_null(got);
        g_assert_cmpstr(error_get_pretty(err), ==, cases[i].error);
        error_free(err);
    }
}

/* Nesting is bounded: a deep document is an error, not a stack overflow. */
static void test_deep(void)
{
    g_autoptr(GString) s = g_string_new(NULL);
    Error *err = NULL;
    g_autofree char *got = NULL;
    int i;

    for (i = 0; i < 100000; i++) {
        g_string_append_c(s, '[');
    }
    got = tokens(s->str, &err);
    g_assert_null(got);
    g_assert_nonnull(strstr(error_get_pretty(err), "nesting deeper than"));
    error_free(err);
}

/* So is the number of members of an object (their names are kept). */
static void test_many_members(void)
{
    g_autoptr(GString) s = g_string_new("{");
    Error *err = NULL;
    g_autofree char *got = NULL;
    int i;

    for (i = 0; i < JSON_PULL_MAX_MEMBERS; i++) {
        g_string_append_printf(s, "\"m%d\":0,", i);
    }
    g_string_append(s, "\"last\":0}");
    got = tokens(s->str, &err);
    g_assert_null(got);
    g_assert_true(g_str_has_suffix(error_get_pretty(err),
                                   ": more than 65536 members in one object"));
    error_free(err);
    /* as many as allowed are fine */
    g_string_truncate(s, s->len - strlen(",\"last\":0}"));
    g_string_append_c(s, '}');
    g_free(tokens(s->str, &error_abort));
}

static void test_skip(void)
{
    const char *text = "{\"skip\": {\"a\": [1, {\"b\": 2}]}, \"keep\": 3}";
    JsonPull j;
    JsonPullToken tok;

    json_pull_init(&j, "t.json", text, strlen(text));
    g_assert_true(json_pull_next(&j, &tok, &error_abort));
    g_assert_true(json_pull_next(&j, &tok, &error_abort));
    g_assert_cmpstr(j.str->str, ==, "skip");
    g_assert_true(json_pull_next(&j, &tok, &error_abort));
    g_assert_true(json_pull_skip(&j, tok, &error_abort));
    g_assert_true(json_pull_next(&j, &tok, &error_abort));
    g_assert_cmpint(tok, ==, JSON_PULL_KEY);
    g_assert_cmpstr(j.str->str, ==, "keep");
    json_pull_destroy(&j);
}

/*
 * The items of the array @text as json_pull_plain_items() (@max at a
 * time) and json_pull_next_item() find them: "name@line:col ...", with
 * "=" after a name the latter read.  @text is copied to a buffer of its
 * exact size: nothing may be read past it.
 */
static char *items(const char *text, size_t max)
{
    g_autoptr(GString) out = g_string_new(NULL);
    size_t len = strlen(text), k, n;
    g_autofree char *buf = g_malloc(len);
    JsonPullItem it[64];
    JsonPullToken tok;
    const char *s;
    size_t slen;
    JsonPull j;

    memcpy(buf, text, len);
    json_pull_init(&j, "t.json", buf, len);
    g_assert_true(json_pull_next(&j, &tok, &error_abort));
    g_assert_cmpint(tok, ==, JSON_PULL_ARRAY_START);
    for (;;) {
        n = json_pull_plain_items(&j, it, max);
        g_assert_cmpuint(n, <=, max);
        for (k = 0; k < n; k++) {
            JsonPullItem again = { it[k].text, it[k].len };

            /* the head is the name's first 16 bytes, zero-padded */
            json_pull_item_head(&again, false);
            g_assert_cmphex(again.head[0], ==, it[k].head[0]);
            g_assert_cmphex(again.head[1], ==, it[k].head[1]);
            g_string_append_printf(out, "%.*s@%u:%u ", (int)it[k].len,
                                   it[k].text, it[k].line, it[k].col);
        }
        if (n == max) {
            continue;
        }
        g_assert_true(json_pull_next_item(&j, &tok, &s, &slen,
                                          &error_abort));
        if (tok == JSON_PULL_ARRAY_END) {
            break;
        }
        g_assert_cmpint(tok, ==, JSON_PULL_STRING);
        g_string_append_printf(out, "%.*s=@%u:%u ", (int)slen, s, j.tok_line,
                               j.tok_col);
    }
    g_assert_true(json_pull_next(&j, &tok, &error_abort));
    g_assert_cmpint(tok, ==, JSON_PULL_EOF);
    json_pull_destroy(&j);
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static void test_items(void)
{
    static const char text[] =
        "[\"fpu\", \"a-name-longer-than-sixteen-bytes\",  \"esc\\u0041pe\",\n"
        "  \"x\"\n"
        ", \"\xc3\xbcn\xc3\xaf\", \"\", \"sixteen-bytes-xx\",\t\"last\"]";
    static const char want[] =
        "fpu@1:2 a-name-longer-than-sixteen-bytes@1:9 escApe=@1:46 x@2:3 "
        "\xc3\xbcn\xc3\xaf=@3:3 @3:12 sixteen-bytes-xx@3:16 last@3:36 ";
    size_t max;

    for (max = 1; max <= 64; max *= 4) {
        g_autofree char *got = items(text, max);

        g_assert_cmpstr(got, ==, want);
    }
}

/* The items of the array @text read by json_pull_next() only. */
static char *items_one_by_one(const char *text)
{
    g_autoptr(GString) out = g_string_new(NULL);
    JsonPullToken tok;
    JsonPull j;

    json_pull_init(&j, "t.json", text, strlen(text));
    g_assert_true(json_pull_next(&j, &tok, &error_abort));
    for (;;) {
        g_assert_true(json_pull_next(&j, &tok, &error_abort));
        if (tok == JSON_PULL_ARRAY_END) {
            break;
        }
        g_string_append_printf(out, "%s@%u:%u ", j.str->str, j.tok_line,
                               j.tok_col);
    }
    json_pull_destroy(&j);
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/*
 * Long arrays, as profiles have them, with now and then what the fast
 * paths leave to the others: other blanks, a line break, an escape, a
 * name of 15, 16 or more bytes, a byte above 0x7f.  Every item is where
 * json_pull_next() finds it.
 */
static void test_items_long(void)
{
    static const char *const names[] = {
        "fpu", "x", "sse4.2", "fifteen-bytes-x", "sixteen-bytes-xx",
        "a-name-of-more-than-thirty-two-bytes", "esc\\u0041pe",
        "\xc3\xbc", "", NULL
    };
    static const char *const seps[] = {
        ", ", ", ", ", ", ", ", ",", " , ", ",\n  ", ",\t", NULL
    };
    g_autoptr(GRand) rnd = g_rand_new_with_seed(7);
    unsigned round;

    for (round = 0; round < 200; round++) {
        g_autoptr(GString) text = g_string_new("[");
        unsigned k, n = g_rand_int_range(rnd, 1, 120);
        g_autofree char *want = NULL;
        size_t max;

        for (k = 0; k < n; k++) {
            /* mostly short plain names and ", " */
            unsigned a = g_rand_int_range(rnd, 0, 40);
            unsigned b = g_rand_int_range(rnd, 0, 30);

            if (k) {
                g_string_append(text, seps[b < 8 ? b : 0]);
            }
            g_string_append_printf(text, "\"%s%s\"",
                                   names[a < 9 ? a : a % 3],
                                   a >= 9 ? "" : "");
        }
        g_string_append(text, "]");
        want = items_one_by_one(text->str);
        for (max = 1; max <= 64; max *= 8) {
            g_autofree char *got = items(text->str, max);
            g_autofree char *plain = g_strdup(got);
            char *eq;

            /* which path read an item is not the point here */
            while ((eq = strstr(plain, "=@"))) {
                memmove(eq, eq + 1, strlen(eq));
            }
            g_assert_cmpstr(plain, ==, want);
        }
    }
}

/* Errors inside a run of items keep their line and column. */
static void test_items_bad(void)
{
    static const char *const bad[] = {
        "[\"a\", \"b\",\n \"c\" \"d\"]", "t.json:2:6: unexpected '\"',"
        " expected ',' or ']'",
        "[\"a\",\n\n   \"b\\u0000\"]", "t.json:3:6: NUL character in a string",
        "[\"a\", \"b\", ]", "t.json:1:12: unexpected ']', expected a value",
        "[\"a\", \"b\tc\"]", "t.json:1:9: control character in a string",
        "[\"a\", \"bc", "t.json:1:10: unterminated string",
        NULL
    };
    size_t i;

    for (i = 0; bad[i]; i += 2) {
        JsonPull j;
        JsonPullToken tok;
        JsonPullItem it[8];
        const char *s;
        size_t len;
        Error *err = NULL;

        json_pull_init(&j, "t.json", bad[i], strlen(bad[i]));
        g_assert_true(json_pull_next(&j, &tok, &error_abort));
        while (json_pull_plain_items(&j, it, G_N_ELEMENTS(it)) ||
               (json_pull_next_item(&j, &tok, &s, &len, &err) &&
                tok != JSON_PULL_ARRAY_END)) {
            /* on to the error */
        }
        g_assert_nonnull(err);
        g_assert_cmpstr(error_get_pretty(err), ==, bad[i + 1]);
        error_free(err);
        json_pull_destroy(&j);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/featmask/json-pull/good", test_good);
    g_test_add_func("/featmask/json-pull/bad", test_bad);
    g_test_add_func("/featmask/json-pull/deep", test_deep);
    g_test_add_func("/featmask/json-pull/skip", test_skip);
    g_test_add_func("/featmask/json-pull/many-members", test_many_members);
    g_test_add_func("/featmask/json-pull/items", test_items);
    g_test_add_func("/featmask/json-pull/items-bad", test_items_bad);
    g_test_add_func("/featmask/json-pull/items-long", test_items_long);
    return g_test_run();
}
