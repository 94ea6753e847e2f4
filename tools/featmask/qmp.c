/*
 * featmask: a small QMP client
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "qmp.h"

/* A reply that does not come in this time means QEMU hangs. */
#define QMP_TIMEOUT_MS 30000

struct FeatmaskQmp {
    int fd;
    GString *buf;
};

void featmask_qmp_close(FeatmaskQmp *q)
{
    if (q) {
        if (q->fd >= 0) {
            close(q->fd);
        }
        g_string_free(q->buf, TRUE);
        g_free(q);
    }
}

JsonObject *featmask_qmp_node_object(JsonNode *n)
{
    return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

JsonArray *featmask_qmp_node_array(JsonNode *n)
{
    return n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
}

static JsonNode *qmp_member(JsonObject *o, const char *name)
{
    return o ? json_object_get_member(o, name) : NULL;
}

JsonObject *featmask_qmp_object(JsonObject *o, const char *name)
{
    return featmask_qmp_node_object(qmp_member(o, name));
}

JsonArray *featmask_qmp_array(JsonObject *o, const char *name)
{
    return featmask_qmp_node_array(qmp_member(o, name));
}

static const char *node_string(JsonNode *n)
{
    return n && JSON_NODE_HOLDS_VALUE(n) &&
           json_node_get_value_type(n) == G_TYPE_STRING ?
           json_node_get_string(n) : NULL;
}

const char *featmask_qmp_string(JsonObject *o, const char *name)
{
    return node_string(qmp_member(o, name));
}

gint64 featmask_qmp_int(JsonObject *o, const char *name, gint64 dflt)
{
    JsonNode *n = qmp_member(o, name);

    return n && JSON_NODE_HOLDS_VALUE(n) &&
           json_node_get_value_type(n) == G_TYPE_INT64 ?
           json_node_get_int(n) : dflt;
}

bool featmask_qmp_bool(JsonObject *o, const char *name, bool dflt)
{
    JsonNode *n = qmp_member(o, name);

    return n && JSON_NODE_HOLDS_VALUE(n) &&
           json_node_get_value_type(n) == G_TYPE_BOOLEAN ?
           json_node_get_boolean(n) : dflt;
}

const char *featmask_qmp_element_string(JsonArray *a, guint i)
{
    return node_string(json_array_get_element(a, i));
}

JsonObject *featmask_qmp_element_object(JsonArray *a, guint i)
{
    return featmask_qmp_node_object(json_array_get_element(a, i));
}

/* Read one message (QMP ends each with a newline) as a JSON object. */
static JsonObject *qmp_read(FeatmaskQmp *q, JsonParser *parser, Error **errp)
{
    char *nl;

    while (!(nl = memchr(q->buf->str, '\n', q->buf->len))) {
        char chunk[4096];
        GPollFD pfd = { .fd = q->fd, .events = G_IO_IN };
        ssize_t n;

        if (g_poll(&pfd, 1, QMP_TIMEOUT_MS) == 0) {
            error_setg(errp, "QEMU did not answer on QMP for %d s",
                       QMP_TIMEOUT_MS / 1000);
            return NULL;
        }
        n = read(q->fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            error_setg(errp, "QEMU closed its QMP connection");
            return NULL;
        }
        g_string_append_len(q->buf, chunk, n);
    }
    {
        g_autoptr(GError) gerr = NULL;
        size_t len = nl - q->buf->str;
        JsonNode *root;

        if (!json_parser_load_from_data(parser, q->buf->str, len, &gerr)) {
            error_setg(errp, "bad QMP message from QEMU: %s", gerr->message);
            return NULL;
        }
        g_string_erase(q->buf, 0, len + 1);
        root = json_parser_get_root(parser);
        if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
            error_setg(errp, "bad QMP message from QEMU: not an object");
            return NULL;
        }
        return json_node_get_object(root);
    }
}

static bool qmp_write(FeatmaskQmp *q, const char *text, Error **errp)
{
    size_t len = strlen(text), done = 0;

    while (done < len) {
        ssize_t n = write(q->fd, text + done, len - done);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            error_setg(errp, "cannot send to QEMU's QMP socket: %s",
                       g_strerror(errno));
            return false;
        }
        done += n;
    }
    return true;
}

FeatmaskQmp *featmask_qmp_connect(const char *path, char **greeting_version,
                                  Error **errp)
{
    g_autoptr(FeatmaskQmp) q = g_new0(FeatmaskQmp, 1);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(JsonNode) ret = NULL;
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    JsonObject *greeting, *ver;

    q->buf = g_string_new(NULL);
    q->fd = -1;
    if (strlen(path) >= sizeof(addr.sun_path)) {
        error_setg(errp, "QMP socket path too long: %s", path);
        return NULL;
    }
    strcpy(addr.sun_path, path);
    q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (q->fd < 0 ||
        connect(q->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        error_setg(errp, "cannot connect to QMP socket %s: %s", path,
                   g_strerror(errno));
        return NULL;
    }
    greeting = qmp_read(q, parser, errp);
    if (!greeting) {
        return NULL;
    }
    if (!featmask_qmp_object(greeting, "QMP")) {
        error_setg(errp, "%s does not speak QMP", path);
        return NULL;
    }
    ver = featmask_qmp_object(featmask_qmp_object(greeting, "QMP"),
                              "version");
    if (greeting_version && ver) {
        JsonObject *v = featmask_qmp_object(ver, "qemu");
        const char *pkg = featmask_qmp_string(ver, "package");

        pkg = pkg ? pkg : "";
        *greeting_version = g_strdup_printf(
            "%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT
            "%s%s%s", featmask_qmp_int(v, "major", 0),
            featmask_qmp_int(v, "minor", 0),
            featmask_qmp_int(v, "micro", 0), *pkg ? " (" : "",
            pkg, *pkg ? ")" : "");
    }
    ret = featmask_qmp_execute(q, "qmp_capabilities", NULL, NULL, errp);
    if (!ret) {
        return NULL;
    }
    return g_steal_pointer(&q);
}

JsonNode *featmask_qmp_execute(FeatmaskQmp *q, const char *cmd,
                               JsonNode *args, char **error_class,
                               Error **errp)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(JsonNode) req = json_node_new(JSON_NODE_OBJECT);
    g_autofree char *text = NULL;
    g_autofree char *line = NULL;
    JsonObject *o = json_object_new();

    json_object_set_string_member(o, "execute", cmd);
    if (args) {
        json_object_set_member(o, "arguments", args);
    }
    json_node_take_object(req, o);
    json_generator_set_root(gen, req);
    text = json_generator_to_data(gen, NULL);
    line = g_strconcat(text, "\n", NULL);
    if (!qmp_write(q, line, errp)) {
        return NULL;
    }
    for (;;) {
        JsonObject *reply = qmp_read(q, parser, errp);

        if (!reply) {
            return NULL;
        }
        if (json_object_has_member(reply, "return")) {
            return json_node_copy(json_object_get_member(reply, "return"));
        }
        if (json_object_has_member(reply, "error")) {
            JsonObject *e = featmask_qmp_object(reply, "error");
            const char *cls = featmask_qmp_string(e, "class");
            const char *desc = featmask_qmp_string(e, "desc");

            if (error_class) {
                *error_class = g_strdup(cls ? cls : "");
            }
            error_setg(errp, "QEMU refused '%s': %s", cmd,
                       desc ? desc : "no description");
            return NULL;
        }
        /* An event: not the reply we wait for. */
    }
}
