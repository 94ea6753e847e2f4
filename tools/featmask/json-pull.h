/*
 * featmask: a pull parser for JSON
 *
 * Reading profiles is reading millions of short strings: a parser that
 * hands out tokens, without building a tree, is several times faster than
 * json-glib's, and knows the line and column of every token for errors.
 * It accepts exactly RFC 8259 JSON (UTF-8, no comments, no trailing
 * commas), and refuses an object that has a member name twice: RFC 8259
 * leaves that open, and in a profile it is always a mistake (which of the
 * two did the writer mean?).
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_JSON_PULL_H
#define FEATMASK_JSON_PULL_H

typedef enum JsonPullToken {
    JSON_PULL_EOF,
    JSON_PULL_OBJECT_START,
    JSON_PULL_OBJECT_END,
    JSON_PULL_ARRAY_START,
    JSON_PULL_ARRAY_END,
    JSON_PULL_KEY,              /* text in JsonPull.str */
    JSON_PULL_STRING,           /* text in JsonPull.str */
    JSON_PULL_NUMBER,           /* its JSON spelling in JsonPull.str */
    JSON_PULL_TRUE,
    JSON_PULL_FALSE,
    JSON_PULL_NULL,
} JsonPullToken;

/* Deeper nesting than this is refused, not recursed into. */
#define JSON_PULL_MAX_DEPTH 256
/* So are more members in one object: their names are kept (duplicates). */
#define JSON_PULL_MAX_MEMBERS 65536

typedef struct JsonPull {
    const char *file;
    const char *p;
    const char *end;
    unsigned line;
    const char *line_start;
    unsigned tok_line;          /* where the last token starts, from 1 */
    unsigned tok_col;
    GString *str;
    /*
     * The member names of each open object (by depth, json-pull.c's
     * own; unused at the depth of an array), shared by copies of the JsonPull: a copy may replay a
     * value that holds no object, nothing else.
     */
    GPtrArray *keys;
    char stack[JSON_PULL_MAX_DEPTH];
    unsigned depth;
    int state;
} JsonPull;

void json_pull_init(JsonPull *j, const char *file, const char *text,
                    size_t len);
/*
 * json_pull_reset: read another document with @j (json_pull_init() was
 * called), reusing what @j allocated
 */
void json_pull_reset(JsonPull *j, const char *file, const char *text,
                     size_t len);
void json_pull_destroy(JsonPull *j);

/**
 * json_pull_next: the next token
 *
 * A syntax error sets @errp to "FILE:LINE:COLUMN: what was expected", and
 * so does a member name used twice in one object.
 */
bool json_pull_next(JsonPull *j, JsonPullToken *tok, Error **errp);

/**
 * json_pull_next_item: the next token in an array, like json_pull_next()
 * @text: where a string's text is, for JSON_PULL_STRING
 * @len: its length
 *
 * Made for long arrays of strings: a plain ASCII string is not copied,
 * @text points into the document (not NUL-terminated) and JsonPull.str
 * is left alone; any other string is in JsonPull.str as usual.
 */
bool json_pull_next_item(JsonPull *j, JsonPullToken *tok, const char **text,
                         size_t *len, Error **errp);

/* A string of an array, as json_pull_plain_items() finds it. */
typedef struct JsonPullItem {
    const char *text;           /* in the document, not NUL-terminated */
    size_t len;
    uint64_t head[2];           /* its first 16 bytes, zero-padded */
    unsigned line, col;         /* where it starts (its '"') */
} JsonPullItem;

/**
 * json_pull_plain_items: the next items of an array, many at a time
 *
 * Reads, from where json_pull_next_item() would, the items of the array
 * being read that are plain ASCII strings (no escape, no control
 * character), up to @max; stops before anything else (the end of the
 * array, another kind of value, an escape), which json_pull_next_item()
 * then reads.  Returns the number of items read.
 */
size_t json_pull_plain_items(JsonPull *j, JsonPullItem *items, size_t max);

/**
 * json_pull_item_head: fill @item->head from @item->text and @item->len
 * @room: whether 16 bytes may be read at @item->text
 */
void json_pull_item_head(JsonPullItem *item, bool room);

/**
 * json_pull_skip: skip the rest of the value that started with @tok
 */
bool json_pull_skip(JsonPull *j, JsonPullToken tok, Error **errp);

/**
 * json_pull_error: set @errp to "FILE:LINE:COLUMN: message", at the start
 * of the last token
 */
void json_pull_error(JsonPull *j, Error **errp, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* "a string", "an object", ... for messages */
const char *json_pull_token_name(JsonPullToken tok);

#endif
