/*
 * featmask: verify a plan by starting each host's QEMU with its lines
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "probe-qemu.h"
#include "qmp.h"
#include "verify.h"

FeatmaskVerifyLine *featmask_verify_line_new(const char *what,
                                             const char *args)
{
    FeatmaskVerifyLine *l = g_new0(FeatmaskVerifyLine, 1);

    l->what = g_strdup(what);
    l->args = g_strdup(args);
    return l;
}

void featmask_verify_line_free(FeatmaskVerifyLine *l)
{
    if (l) {
        g_free(l->what);
        g_free(l->args);
        g_free(l->refusal);
        g_free(l);
    }
}

/* "-device" and "TYPE,id=ID,opts" of a line. */
static bool split_line(const FeatmaskVerifyLine *l, char **opt, char **value)
{
    const char *sp = strchr(l->args, ' ');

    if (!sp) {
        return false;
    }
    *opt = g_strndup(l->args, sp - l->args);
    *value = g_strdup(sp + 1);
    return true;
}

/* The id= of a -device value, or NULL. */
static char *device_id(const char *value)
{
    g_auto(GStrv) items = g_strsplit(value, ",", -1);
    char **i;

    for (i = items; *i; i++) {
        if (g_str_has_prefix(*i, "id=")) {
            return g_strdup(*i + 3);
        }
    }
    return NULL;
}

char **featmask_verify_args(char *const *own, GPtrArray *lines)
{
    GPtrArray *argv = g_ptr_array_new();
    g_autofree bool *used = g_new0(bool, lines->len);
    guint i, k;

    for (k = 0; own && own[k]; k++) {
        g_autofree char *id = NULL;
        bool replaced = false;

        if (!own[k + 1] || (strcmp(own[k], "-cpu") &&
                            strcmp(own[k], "-device"))) {
            g_ptr_array_add(argv, g_strdup(own[k]));
            continue;
        }
        id = strcmp(own[k], "-cpu") ? device_id(own[k + 1]) : NULL;
        for (i = 0; i < lines->len && !replaced; i++) {
            FeatmaskVerifyLine *l = lines->pdata[i];
            g_autofree char *opt = NULL;
            g_autofree char *value = NULL;

            if (used[i] || !split_line(l, &opt, &value) ||
                strcmp(opt, own[k])) {
                continue;
            }
            if (!strcmp(opt, "-cpu")) {
                g_ptr_array_add(argv, g_strdup("-cpu"));
                g_ptr_array_add(argv, g_steal_pointer(&value));
            } else if (id && !g_strcmp0(l->what, id)) {
                /* The host's device, with the line's options after it. */
                const char *rest = strchr(value, ',');

                rest = rest ? strchr(rest + 1, ',') : NULL;
                g_ptr_array_add(argv, g_strdup("-device"));
                g_ptr_array_add(argv, g_strconcat(own[k + 1], rest ? rest : "",
                                                  NULL));
            } else {
                continue;
            }
            used[i] = replaced = true;
        }
        if (!replaced) {
            g_ptr_array_add(argv, g_strdup(own[k]));
            g_ptr_array_add(argv, g_strdup(own[k + 1]));
        }
        k++;
    }
    for (i = 0; i < lines->len; i++) {
        g_autofree char *opt = NULL;
        g_autofree char *value = NULL;

        if (!used[i] && split_line(lines->pdata[i], &opt, &value)) {
            g_ptr_array_add(argv, g_steal_pointer(&opt));
            g_ptr_array_add(argv, g_steal_pointer(&value));
        }
    }
    g_ptr_array_add(argv, NULL);
    return (char **)g_ptr_array_free(argv, FALSE);
}

/* QEMU's warnings that it cannot give the CPU features asked for. */
static char *feature_warnings(const char *output)
{
    g_auto(GStrv) lines = g_strsplit(output, "\n", -1);
    g_autoptr(GPtrArray) found = g_ptr_array_new();
    char **l;

    for (l = lines; *l; l++) {
        if (strstr(*l, "doesn't support requested feature")) {
            g_ptr_array_add(found, *l);
        }
    }
    if (!found->len) {
        return NULL;
    }
    g_ptr_array_add(found, NULL);
    return g_strjoinv("; ", (char **)found->pdata);
}

/*
 * The CPU QEMU made, against the plan: each feature of @want's map that
 * this QEMU has a property for, read from its first CPU (qom-get).
 */
typedef struct CpuCheck {
    const FeatmaskSet *want;
    char *diff;                 /* what differs, or NULL */
} CpuCheck;

static JsonNode *qom_get(FeatmaskQmp *q, const char *path,
                         const char *property)
{
    JsonNode *n = json_node_new(JSON_NODE_OBJECT);
    JsonObject *o = json_object_new();

    json_object_set_string_member(o, "path", path);
    json_object_set_string_member(o, "property", property);
    json_node_take_object(n, o);
    return featmask_qmp_execute(q, "qom-get", n, NULL, NULL);
}

static void check_cpu(FeatmaskQmp *q, void *opaque)
{
    CpuCheck *c = opaque;
    const FeatmaskMap *map = featmask_set_map(c->want);
    g_autoptr(JsonNode) cpus = featmask_qmp_execute(q, "query-cpus-fast",
                                                    NULL, NULL, NULL);
    g_autoptr(FeatmaskSet) extra = featmask_set_new(map);
    g_autoptr(FeatmaskSet) lacks = featmask_set_new(map);
    const char *path;
    size_t i;

    if (!cpus || !json_array_get_length(json_node_get_array(cpus))) {
        c->diff = g_strdup("QEMU reports no CPU");
        return;
    }
    path = json_object_get_string_member(json_array_get_object_element(
        json_node_get_array(cpus), 0), "qom-path");
    for (i = 0; i < featmask_map_size(map); i++) {
        g_autoptr(JsonNode) v = qom_get(q, path,
                                        featmask_map_get(map, i)->name);
        bool on;

        if (!v || !JSON_NODE_HOLDS_VALUE(v) ||
            json_node_get_value_type(v) != G_TYPE_BOOLEAN) {
            continue;       /* a feature this QEMU has no property for */
        }
        on = json_node_get_boolean(v);
        if (on && !featmask_set_has(c->want, i)) {
            featmask_set_add(extra, i);
        } else if (!on && featmask_set_has(c->want, i)) {
            featmask_set_add(lacks, i);
        }
    }
    if (!featmask_set_is_empty(extra) || !featmask_set_is_empty(lacks)) {
        g_autofree char *e = featmask_set_format(extra);
        g_autofree char *l = featmask_set_format(lacks);

        c->diff = g_strdup_printf("QEMU took it, and its CPU is not the"
                                  " plan's: it has %s beyond the common"
                                  " set and lacks %s of it", e, l);
    }
}

/*
 * Start QEMU with @own and @lines: NULL if it came up cleanly, else
 * QEMU's message.  -1 in *how when it could not be run at all.  With
 * @cpu, the CPU QEMU made is compared with the plan's.
 */
static char *try_lines(const char *binary, char *const *own,
                       GPtrArray *lines, CpuCheck *cpu, int *how,
                       Error **errp)
{
    g_auto(GStrv) argv = featmask_verify_args(own, lines);
    g_autofree char *out = NULL;
    g_autofree char *warned = NULL;

    *how = featmask_qemu_try(binary, argv, cpu ? check_cpu : NULL, cpu,
                             &out, errp);
    if (*how < 0) {
        return NULL;
    }
    if (*how == 0) {
        /* qemu_output() says "(QEMU printed nothing)" for nothing. */
        return *out && *out != '(' ? g_strdup_printf("QEMU said: %s", out)
                                   : g_strdup("QEMU exited without a"
                                              " message");
    }
    warned = feature_warnings(out);
    return warned ? g_strdup_printf("QEMU warned: %s", warned) : NULL;
}

bool featmask_verify_host(const char *binary, char *const *own,
                          GPtrArray *lines, const FeatmaskSet *cpu,
                          Error **errp)
{
    g_autoptr(GPtrArray) none = g_ptr_array_new();
    g_autofree char *all = NULL;
    g_autofree char *base = NULL;
    CpuCheck check = { .want = cpu };
    guint i;
    int how;

    all = try_lines(binary, own, lines, cpu ? &check : NULL, &how, errp);
    if (how < 0) {
        g_free(check.diff);
        return false;
    }
    if (!all && check.diff) {
        /* QEMU took the lines, and made another CPU: the CPU line's. */
        for (i = 0; i < lines->len; i++) {
            FeatmaskVerifyLine *l = lines->pdata[i];

            if (!strcmp(l->what, "cpu")) {
                l->refusal = g_steal_pointer(&check.diff);
            }
        }
    }
    g_free(check.diff);
    if (!all) {
        return true;
    }
    base = try_lines(binary, own, none, NULL, &how, errp);
    if (how < 0) {
        return false;
    }
    if (base) {
        error_setg(errp, "QEMU (%s) does not start even with the host's own"
                   " arguments, without the plan: %s", binary, base);
        return false;
    }
    for (i = 0; i < lines->len; i++) {
        FeatmaskVerifyLine *l = lines->pdata[i];
        g_autoptr(GPtrArray) one = g_ptr_array_new();

        g_ptr_array_add(one, l);
        l->refusal = try_lines(binary, own, one, NULL, &how, errp);
        if (how < 0) {
            return false;
        }
    }
    for (i = 0; i < lines->len; i++) {
        if (((FeatmaskVerifyLine *)lines->pdata[i])->refusal) {
            return true;
        }
    }
    /* Each line alone is taken, not all of them together. */
    for (i = 0; i < lines->len; i++) {
        FeatmaskVerifyLine *l = lines->pdata[i];

        l->refusal = g_strdup_printf("with the other lines: %s", all);
    }
    return true;
}
