/*
 * featmask: reading raw CPUID dumps of other machines
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "cpuid-dump.h"

/*
 * libcpuid's test files end the dump with a line of 80 dashes (the
 * expected decoding follows).
 */
static bool is_end_mark(const char *line)
{
    return strlen(line) == 80 && strspn(line, "-") == 80;
}

const char *cpuid_dump_format_name(CpuidDumpFormat fmt)
{
    switch (fmt) {
    case CPUID_DUMP_LIBCPUID:
        return "libcpuid";
    case CPUID_DUMP_AIDA64:
        return "aida64";
    case CPUID_DUMP_CPUID_TOOL:
        return "cpuid-tool";
    default:
        return "unknown";
    }
}

/* Parse exactly @ndigits hex digits (or up to 8 if 0) at *p; advance. */
static bool parse_hex32(const char **p, int ndigits, uint32_t *out)
{
    const char *s = *p;
    uint32_t v = 0;
    int n = 0;

    while (g_ascii_isxdigit(*s) && n < 8) {
        v = (v << 4) | g_ascii_xdigit_value(*s);
        s++;
        n++;
    }
    if (n == 0 || (ndigits && n != ndigits) || g_ascii_isxdigit(*s)) {
        return false;
    }
    *out = v;
    *p = s;
    return true;
}

static bool skip_literal(const char **p, const char *lit)
{
    size_t n = strlen(lit);

    if (strncmp(*p, lit, n)) {
        return false;
    }
    *p += n;
    return true;
}

static void skip_space(const char **p)
{
    while (**p == ' ' || **p == '\t') {
        (*p)++;
    }
}

static bool at_end(const char *p)
{
    skip_space(&p);
    return *p == 0 || *p == '\r';
}

static CpuidDumpFormat detect_line(const char *line)
{
    const char *p = line;

    skip_space(&p);
    if (g_str_has_prefix(p, "version=") ||
        g_str_has_prefix(p, "basic_cpuid[") ||
        g_str_has_prefix(p, "ext_cpuid[") ||
        g_str_has_prefix(p, "_________________ Logical CPU #") ||
        g_str_has_prefix(p, "arm_")) {
        return CPUID_DUMP_LIBCPUID;
    }
    if (g_str_has_prefix(p, "------[") || g_str_has_prefix(p, "CPUID ") ||
        g_str_has_prefix(p, "CPU#")) {
        return CPUID_DUMP_AIDA64;
    }
    if (!strcmp(p, "CPU:") || (g_str_has_prefix(p, "CPU ") &&
                                g_str_has_suffix(p, ":")) ||
        g_str_has_prefix(p, "0x")) {
        return CPUID_DUMP_CPUID_TOOL;
    }
    return CPUID_DUMP_UNKNOWN;
}

CpuidDumpFormat cpuid_dump_detect(const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", 64);
    size_t i;

    for (i = 0; lines[i]; i++) {
        g_strchomp(lines[i]);
        if (lines[i][0]) {
            return detect_line(lines[i]);
        }
    }
    return CPUID_DUMP_UNKNOWN;
}

typedef struct DumpParser {
    const char *file;
    X86CpuidData *d;
    int line;
    bool done;          /* the first logical CPU is complete */
    bool in_cpu;        /* inside a logical CPU section */
    /* AIDA64 without subleaf tags: lines seen per leaf */
    GHashTable *seen;
    uint32_t max_basic_index;   /* libcpuid: the last basic_cpuid[N] */
} DumpParser;

/* A logical CPU section begins: the first one is read, the next ends it. */
static void start_cpu(DumpParser *ps)
{
    if (ps->in_cpu) {
        ps->done = true;
    }
    ps->in_cpu = true;
}

#define PARSE_ERROR(ps, errp, fmt, ...) \
    error_setg(errp, "%s:%d: " fmt, (ps)->file, (ps)->line, ## __VA_ARGS__)

/* Record a leaf, up to CPUID_DUMP_MAX_LEAVES different ones. */
static bool store_leaf(DumpParser *ps, uint32_t leaf, uint32_t sub,
                       const uint32_t *r, Error **errp)
{
    if (ps->d->leaves->len == CPUID_DUMP_MAX_LEAVES &&
        !x86_cpuid_data_get(ps->d, leaf, sub)) {
        PARSE_ERROR(ps, errp, "more than %d CPUID leaves in one dump",
                    CPUID_DUMP_MAX_LEAVES);
        return false;
    }
    x86_cpuid_data_set(ps->d, leaf, sub, r[0], r[1], r[2], r[3]);
    return true;
}

/*
 * libcpuid: name[index]=eax ebx ecx edx, in hex, 8 digits each.
 */
typedef struct LibcpuidArray {
    const char *name;
    uint32_t leaf;      /* the leaf of index 0 */
    bool subleaves;     /* index is the subleaf of @leaf, else leaf offset */
} LibcpuidArray;

/* libcpuid's arrays are far smaller; anything bigger is garbage. */
#define LIBCPUID_MAX_INDEX 0xffff

static const LibcpuidArray libcpuid_arrays[] = {
    { "basic_cpuid", 0x0, false },
    { "ext_cpuid", 0x80000000, false },
    { "intel_fn4", 0x4, true },
    { "intel_fn11", 0xb, true },
    { "intel_fn12h", 0x12, true },
    { "intel_fn14h", 0x14, true },
    { "amd_fn8000001dh", 0x8000001d, true },
    { "amd_fn80000026h", 0x80000026, true },
};

static bool parse_libcpuid_line(DumpParser *ps, const char *line,
                                Error **errp)
{
    const char *p = line, *num;
    uint64_t idx;
    uint32_t r[4];
    size_t i;
    int k;

    if (g_str_has_prefix(p, "version=")) {
        return true;
    }
    if (g_str_has_prefix(p, "_________________ Logical CPU #")) {
        start_cpu(ps);
        return true;
    }
    if (g_str_has_prefix(p, "arm_")) {
        PARSE_ERROR(ps, errp, "this is a dump of an ARM CPU (%s), not x86",
                    line);
        return false;
    }
    for (i = 0; i < G_N_ELEMENTS(libcpuid_arrays); i++) {
        size_t n = strlen(libcpuid_arrays[i].name);

        if (!strncmp(p, libcpuid_arrays[i].name, n) && p[n] == '[') {
            break;
        }
    }
    if (i == G_N_ELEMENTS(libcpuid_arrays)) {
        PARSE_ERROR(ps, errp, "not a line of libcpuid's raw format: '%s'",
                    line);
        return false;
    }
    p += strlen(libcpuid_arrays[i].name) + 1;
    if (!g_ascii_isdigit(*p)) {
        goto garbled;
    }
    /* Range-check the 64-bit value: 4294967296 must not become 0. */
    num = p;
    errno = 0;
    idx = g_ascii_strtoull(num, (char **)&p, 10);
    if (errno || idx > LIBCPUID_MAX_INDEX) {
        PARSE_ERROR(ps, errp, "index %.*s of '%s' is out of range (at most"
                    " %d)", (int)(p - num), num, libcpuid_arrays[i].name,
                    LIBCPUID_MAX_INDEX);
        return false;
    }
    if (!skip_literal(&p, "]=")) {
        goto garbled;
    }
    for (k = 0; k < 4; k++) {
        if (k) {
            if (*p != ' ') {
                goto garbled;
            }
            skip_space(&p);
        }
        if (!parse_hex32(&p, 8, &r[k])) {
            goto garbled;
        }
    }
    if (!at_end(p)) {
        goto garbled;
    }
    if (!libcpuid_arrays[i].subleaves && libcpuid_arrays[i].leaf == 0) {
        ps->max_basic_index = MAX(ps->max_basic_index, idx);
    }
    if (libcpuid_arrays[i].subleaves) {
        return store_leaf(ps, libcpuid_arrays[i].leaf, idx, r, errp);
    }
    return store_leaf(ps, libcpuid_arrays[i].leaf + idx, 0, r, errp);

garbled:
    PARSE_ERROR(ps, errp, "expected '%s[N]=' and four 8-digit hex registers,"
                " got '%s'", libcpuid_arrays[i].name, line);
    return false;
}

/*
 * AIDA64: "CPUID 0000000D: 00000207-00000340-00000380-00000000 [SL 00]",
 * then optional comments in brackets.  Section headers "------[ ... ]",
 * "CPU#000 AffMask: ..." and "CPUID Manufacturer: ..." lines carry no
 * registers.
 */
static bool parse_aida64_line(DumpParser *ps, const char *line, Error **errp)
{
    const char *p = line;
    uint32_t leaf, sub = 0, r[4];
    bool tagged = false;
    int k;

    if (g_str_has_prefix(p, "------[")) {
        if (strstr(p, "Logical CPU #")) {
            start_cpu(ps);
        }
        return true;
    }
    if (g_str_has_prefix(p, "CPU#")) {
        start_cpu(ps);
        return true;
    }
    if (!skip_literal(&p, "CPUID ")) {
        PARSE_ERROR(ps, errp, "not a line of an AIDA64 CPUID dump: '%s'",
                    line);
        return false;
    }
    if (strspn(p, "0123456789abcdefABCDEF") != 8 || p[8] != ':') {
        /* "CPUID Manufacturer: ..." and such: text, no registers. */
        return true;
    }
    parse_hex32(&p, 8, &leaf);
    p++;
    skip_space(&p);
    for (k = 0; k < 4; k++) {
        if (k && !skip_literal(&p, "-")) {
            goto garbled;
        }
        if (!parse_hex32(&p, 8, &r[k])) {
            goto garbled;
        }
    }
    skip_space(&p);
    if (skip_literal(&p, "[SL ")) {
        /*
         * The subleaf tag is hex ("[SL 3E]" is leaf 0xD's LWP state);
         * libcpuid reads it as decimal and gets these wrong.
         */
        if (!parse_hex32(&p, 0, &sub) || !skip_literal(&p, "]")) {
            goto garbled;
        }
        tagged = true;
    }
    if (!tagged) {
        /*
         * Untagged repeated lines of a leaf are its subleaves, but AIDA64
         * skips the empty ones, so only the first is known to be
         * subleaf 0.  (Leaf 0xD lists subleaf 2 right after subleaf 0.)
         */
        gpointer key = GUINT_TO_POINTER(leaf + 1);

        if (g_hash_table_contains(ps->seen, key)) {
            return true;
        }
        g_hash_table_add(ps->seen, key);
    }
    return store_leaf(ps, leaf, sub, r, errp);

garbled:
    PARSE_ERROR(ps, errp, "expected 'CPUID LLLLLLLL: EAX-EBX-ECX-EDX' with"
                " 8-digit hex values, got '%s'", line);
    return false;
}

/*
 * cpuid -1 -r: "   0x00000007 0x00: eax=0x00000000 ebx=... ecx=... edx=...",
 * under a "CPU:" (or "CPU 0:") header.
 */
static bool parse_cpuid_tool_line(DumpParser *ps, const char *line,
                                  Error **errp)
{
    static const char *const regs[] = { "eax=0x", "ebx=0x", "ecx=0x",
                                         "edx=0x" };
    const char *p = line;
    uint32_t leaf, sub, r[4];
    int k;

    skip_space(&p);
    if (!strcmp(p, "CPU:") ||
        (g_str_has_prefix(p, "CPU ") && g_str_has_suffix(p, ":"))) {
        start_cpu(ps);
        return true;
    }
    if (!skip_literal(&p, "0x") || !parse_hex32(&p, 8, &leaf) ||
        !skip_literal(&p, " 0x") || !parse_hex32(&p, 2, &sub) ||
        !skip_literal(&p, ":")) {
        goto garbled;
    }
    for (k = 0; k < 4; k++) {
        skip_space(&p);
        if (!skip_literal(&p, regs[k]) || !parse_hex32(&p, 8, &r[k])) {
            goto garbled;
        }
    }
    if (!at_end(p)) {
        goto garbled;
    }
    return store_leaf(ps, leaf, sub, r, errp);

garbled:
    skip_space(&line);
    PARSE_ERROR(ps, errp, "expected '0xLLLLLLLL 0xSS: eax=0x... ebx=0x..."
                " ecx=0x... edx=0x...', got '%s'", line);
    return false;
}

/*
 * Is the dump complete?  Every leaf the decoder reads that the CPU
 * announces (leaf 0's and 0x80000000's EAX) must be there, up to what the
 * format can hold.
 */
static bool check_complete(DumpParser *ps, CpuidDumpFormat fmt,
                           uint32_t basic_limit, Error **errp)
{
    static const uint32_t basic[] = { 0x1, 0x6, 0x7, 0xd };
    static const uint32_t ext[] = { 0x80000001, 0x80000007, 0x80000008 };
    const X86CpuidLeaf *l0 = x86_cpuid_data_get(ps->d, 0, 0);
    const X86CpuidLeaf *e0 = x86_cpuid_data_get(ps->d, 0x80000000, 0);
    size_t i;

    if (!l0) {
        if (ps->d->leaves->len == 0) {
            PARSE_ERROR(ps, errp, "no CPUID leaves in this %s dump",
                        cpuid_dump_format_name(fmt));
        } else {
            PARSE_ERROR(ps, errp, "the dump has no leaf 0 (vendor and number"
                        " of leaves)");
        }
        return false;
    }
    for (i = 0; i < G_N_ELEMENTS(basic); i++) {
        if (basic[i] <= l0->eax && basic[i] <= basic_limit &&
            !x86_cpuid_data_get(ps->d, basic[i], 0)) {
            PARSE_ERROR(ps, errp, "the dump ends without leaf 0x%x, which"
                        " leaf 0 announces (up to 0x%x): truncated?",
                        basic[i], l0->eax);
            return false;
        }
    }
    if (!e0) {
        /* Both tools always print the extended range. */
        if (fmt != CPUID_DUMP_AIDA64) {
            PARSE_ERROR(ps, errp, "the dump ends before the extended leaves"
                        " (0x80000000): truncated?");
            return false;
        }
        return true;
    }
    for (i = 0; i < G_N_ELEMENTS(ext); i++) {
        if (ext[i] <= e0->eax && (e0->eax & 0xffff0000) == 0x80000000 &&
            (fmt != CPUID_DUMP_LIBCPUID || ext[i] < 0x80000020) &&
            !x86_cpuid_data_get(ps->d, ext[i], 0)) {
            PARSE_ERROR(ps, errp, "the dump ends without leaf 0x%x, which"
                        " leaf 0x80000000 announces (up to 0x%x): truncated?",
                        ext[i], e0->eax);
            return false;
        }
    }
    return true;
}

char **cpuid_text_lines(const char *text)
{
    GPtrArray *lines = g_ptr_array_new();
    const char *end = text + strlen(text);
    const char *p = text;

    /*
     * Not g_strsplit(): it finds each '\n' with strstr(), which ASan
     * checks against the whole rest of the text, every line.
     */
    for (;;) {
        const char *nl = memchr(p, '\n', end - p);

        if (!nl) {
            g_ptr_array_add(lines, g_strndup(p, end - p));
            break;
        }
        g_ptr_array_add(lines, g_strndup(p, nl - p));
        p = nl + 1;
    }
    g_ptr_array_add(lines, NULL);
    return (char **)g_ptr_array_free(lines, FALSE);
}

X86CpuidData *cpuid_dump_parse(const char *text, const char *filename,
                               CpuidDumpFormat *format, Error **errp)
{
    g_auto(GStrv) lines = NULL;
    g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash,
                                                  g_direct_equal);
    DumpParser ps = {
        .file = filename ? filename : "<dump>",
        .d = x86_cpuid_data_new(X86_CPUID_RAW),
        .seen = seen,
    };
    CpuidDumpFormat fmt = CPUID_DUMP_UNKNOWN;
    uint32_t basic_limit = UINT32_MAX;
    size_t i;

    if (strlen(text) > CPUID_DUMP_MAX_SIZE) {
        error_setg(errp, "%s: a CPUID dump may have at most %d MiB",
                   ps.file, CPUID_DUMP_MAX_SIZE >> 20);
        x86_cpuid_data_free(ps.d);
        return NULL;
    }
    lines = cpuid_text_lines(text);
    for (i = 0; lines[i] && !ps.done; i++) {
        char *line = lines[i];
        bool ok;

        ps.line = i + 1;
        g_strchomp(line);
        if (!line[0]) {
            continue;
        }
        if (is_end_mark(line)) {
            break;
        }
        if (fmt == CPUID_DUMP_UNKNOWN) {
            fmt = detect_line(line);
            if (fmt == CPUID_DUMP_UNKNOWN) {
                PARSE_ERROR(&ps, errp, "not a CPUID dump: '%s' is not how"
                            " libcpuid's, AIDA64's or cpuid -r's dumps"
                            " begin", line);
                goto fail;
            }
        }
        switch (fmt) {
        case CPUID_DUMP_LIBCPUID:
            ok = parse_libcpuid_line(&ps, line, errp);
            break;
        case CPUID_DUMP_AIDA64:
            ok = parse_aida64_line(&ps, line, errp);
            break;
        default:
            ok = parse_cpuid_tool_line(&ps, line, errp);
            break;
        }
        if (!ok) {
            goto fail;
        }
    }
    if (fmt == CPUID_DUMP_UNKNOWN) {
        error_setg(errp, "%s: empty CPUID dump", ps.file);
        goto fail;
    }
    /* libcpuid's format holds a fixed number of basic leaves (12 or 32). */
    if (fmt == CPUID_DUMP_LIBCPUID && ps.max_basic_index >= 11) {
        basic_limit = ps.max_basic_index;
    }
    if (!check_complete(&ps, fmt, basic_limit, errp)) {
        goto fail;
    }
    if (format) {
        *format = fmt;
    }
    return ps.d;

fail:
    x86_cpuid_data_free(ps.d);
    return NULL;
}

X86CpuidData *cpuid_dump_load(const char *filename, CpuidDumpFormat *format,
                              Error **errp)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) gerr = NULL;

    if (!g_file_get_contents(filename, &text, NULL, &gerr)) {
        error_setg(errp, "cannot read CPUID dump: %s", gerr->message);
        return NULL;
    }
    return cpuid_dump_parse(text, filename, format, errp);
}
