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
#include "qapi/error.h"
#include "cli.h"

#define STDIN_NAME "<stdin>"

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

/*
 * The bytes that matter inside a document, in a string and outside:
 * profiles are megabytes, the others are skipped a run at a time.
 */
static const bool stop_in_string[256] = {
    ['"'] = true, ['\\'] = true, ['\n'] = true,
};
static const bool stop_in_document[256] = {
    ['"'] = true, ['{'] = true, ['['] = true, ['}'] = true, [']'] = true,
    ['\n'] = true,
};

static bool splitter_feed(DocSplitter *s, FeatmaskProfileLoader *l,
                          Error **errp)
{
    const char *b = s->buf->str;
    size_t len = s->buf->len;

    for (; s->scan < len && !s->garbage; s->scan++) {
        char c;

        if (s->depth && !s->escape) {
            const bool *stop = s->in_string ? stop_in_string
                                            : stop_in_document;
            size_t i = s->scan;

            while (i < len && !stop[(unsigned char)b[i]]) {
                i++;
            }
            s->scan = i;
            if (i == len) {
                break;
            }
        }
        c = b[s->scan];
        if (c == '\n') {
            s->line++;
            s->line_begin = s->scan + 1;
            s->line_clean = true;
        }
        if (!s->depth) {
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                continue;
            }
            /*
             * Start at the beginning of the line when the document is
             * alone on it, so that columns in messages are right (after
             * another document on its line, they count from its start).
             */
            s->doc = s->line_clean ? s->line_begin : s->scan;
            s->doc_line = s->line;
            if (c != '{' && c != '[') {
                s->garbage = true;
                break;
            }
            s->depth = 1;
            continue;
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
            s->ndocs++;
            if (!featmask_profile_loader_add_text(l, STDIN_NAME, b + s->doc,
                                                  s->scan + 1 - s->doc,
                                                  s->doc_line, errp)) {
                return false;
            }
            s->line_clean = false;
        }
    }
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

static bool load_stdin(FeatmaskProfileLoader *l, Error **errp)
{
    DocSplitter s = { .buf = g_string_sized_new(1 << 16), .line = 1,
                      .line_clean = true };
    char block[1 << 16];
    size_t n;
    bool ok = true;

    while (ok && (n = fread(block, 1, sizeof(block), stdin)) > 0) {
        g_string_append_len(s.buf, block, n);
        ok = splitter_feed(&s, l, errp);
    }
    if (ok && ferror(stdin)) {
        error_setg(errp, "%s: %s", STDIN_NAME, g_strerror(errno));
        ok = false;
    }
    if (ok && (s.depth || s.garbage)) {
        /* A cut or broken document: the reader names what is wrong. */
        ok = featmask_profile_loader_add_text(l, STDIN_NAME,
                                              s.buf->str + s.doc,
                                              s.buf->len - s.doc,
                                              s.doc_line, errp);
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

static bool load_dir(FeatmaskProfileLoader *l, const char *dir, Error **errp)
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

        if (!featmask_profile_loader_add_file(l, path, errp)) {
            return false;
        }
    }
    return true;
}

/* @LIST: a path a line; blank lines and lines starting with # are skipped */
static bool load_list(FeatmaskProfileLoader *l, const char *list,
                      Error **errp)
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
        if (!featmask_profile_loader_add_file(l, line, errp)) {
            error_prepend(errp, "%s:%u: ", list, lineno);
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
    int i, dashes = 0;

    for (i = 0; i < nargs; i++) {
        dashes += !strcmp(args[i], "-");
    }
    if (dashes > 1) {
        error_setg(errp, "'-' is given %d times: standard input is read once",
                   dashes);
        return false;
    }
    for (i = 0; i < nargs; i++) {
        const char *a = args[i];
        bool ok;

        if (!strcmp(a, "-")) {
            ok = load_stdin(l, errp);
        } else if (a[0] == '@') {
            if (!a[1]) {
                error_setg(errp, "'@' needs a file name: @LIST reads one"
                           " profile path a line from LIST");
                return false;
            }
            ok = load_list(l, a + 1, errp);
        } else if (g_file_test(a, G_FILE_TEST_IS_DIR)) {
            ok = load_dir(l, a, errp);
        } else {
            ok = featmask_profile_loader_add_file(l, a, errp);
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}
