/*
 * featmask host profiles: reading and writing the JSON document
 *
 * Files are parsed fast first; only when a file has an error is it parsed
 * again with every value's position recorded, so that the error can name
 * the line and column.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <json-glib/json-glib.h>
#include "profile.h"
#include "maps.h"

/* The CPU map of an architecture featmask has no table for. */
#define CPU_KIND_PREFIX "cpu-"

typedef struct ProfileReader {
    const char *file;
    JsonParser *parser;
    GHashTable *locs;           /* JsonNode * -> line << 16 | column */
    FeatmaskMaps *maps;
    GHashTable *pending;        /* type -> GPtrArray of names */
} ProfileReader;

/*
 * A device or CPU whose type has no shipped map: its names wait until
 * every file is read, then all hosts' names make one dynamic map.
 */
typedef struct PendingSet {
    FeatmaskSet **dst;
    char *type;
    char **names;
} PendingSet;

static void record_loc(ProfileReader *r, JsonNode *node)
{
    guint line = json_parser_get_current_line(r->parser);
    guint col = json_parser_get_current_pos(r->parser);

    g_hash_table_insert(r->locs, node, GUINT_TO_POINTER(line << 16 |
                                                        MIN(col, 0xffff)));
}

static void on_member(JsonParser *parser, JsonObject *obj, const char *name,
                      gpointer opaque)
{
    record_loc(opaque, json_object_get_member(obj, name));
}

static void on_element(JsonParser *parser, JsonArray *array, int index,
                       gpointer opaque)
{
    record_loc(opaque, json_array_get_element(array, index));
}

static void G_GNUC_PRINTF(4, 5)
error_at(ProfileReader *r, JsonNode *node, Error **errp, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;
    guint loc = 0;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (r->locs && node) {
        loc = GPOINTER_TO_UINT(g_hash_table_lookup(r->locs, node));
    }
    if (loc) {
        error_setg(errp, "%s:%u:%u: %s", r->file, loc >> 16, loc & 0xffff,
                   msg);
    } else {
        error_setg(errp, "%s: %s", r->file, msg);
    }
}

static const char *node_kind(JsonNode *node)
{
    if (JSON_NODE_HOLDS_NULL(node)) {
        return "null";
    }
    if (JSON_NODE_HOLDS_OBJECT(node)) {
        return "an object";
    }
    if (JSON_NODE_HOLDS_ARRAY(node)) {
        return "an array";
    }
    switch (json_node_get_value_type(node)) {
    case G_TYPE_STRING:
        return "a string";
    case G_TYPE_BOOLEAN:
        return "a boolean";
    default:
        return "a number";
    }
}

/* The member @name of @obj if it is there, checked to be a string. */
static bool get_string(ProfileReader *r, JsonNode *obj, const char *where,
                       const char *name, bool required, const char **out,
                       Error **errp)
{
    JsonNode *m = json_object_get_member(json_node_get_object(obj), name);

    *out = NULL;
    if (!m) {
        if (required) {
            error_at(r, obj, errp, "%s has no member '%s'", where, name);
            return false;
        }
        return true;
    }
    if (!JSON_NODE_HOLDS_VALUE(m) ||
        json_node_get_value_type(m) != G_TYPE_STRING) {
        error_at(r, m, errp, "'%s' of %s must be a string, not %s", name,
                 where, node_kind(m));
        return false;
    }
    *out = json_node_get_string(m);
    if (required && !**out) {
        error_at(r, m, errp, "'%s' of %s must not be empty", name, where);
        return false;
    }
    return true;
}

static JsonNode *get_object(ProfileReader *r, JsonNode *obj,
                            const char *where, const char *name,
                            Error **errp)
{
    JsonNode *m = json_object_get_member(json_node_get_object(obj), name);

    if (m && !JSON_NODE_HOLDS_OBJECT(m)) {
        error_at(r, m, errp, "'%s' of %s must be an object, not %s", name,
                 where, node_kind(m));
        return NULL;
    }
    return m;
}

/*
 * Read the "features" array of @obj into *dst over the map of @type; for
 * a type without a map, keep the names for later.
 */
static bool read_features(ProfileReader *r, JsonNode *obj, const char *where,
                          const char *type, FeatmaskSet **dst,
                          GPtrArray *pending, Error **errp)
{
    JsonNode *m = json_object_get_member(json_node_get_object(obj),
                                         "features");
    FeatmaskMap *map = featmask_maps_get(r->maps, type);
    g_autoptr(FeatmaskSet) set = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    JsonArray *a;
    guint i, n;

    if (!m) {
        error_at(r, obj, errp, "%s has no member 'features'", where);
        return false;
    }
    if (!JSON_NODE_HOLDS_ARRAY(m)) {
        error_at(r, m, errp, "'features' of %s must be an array of names,"
                 " not %s", where, node_kind(m));
        return false;
    }
    a = json_node_get_array(m);
    n = json_array_get_length(a);
    if (map) {
        set = featmask_set_new(map);
    }
    for (i = 0; i < n; i++) {
        JsonNode *e = json_array_get_element(a, i);
        const char *name;
        int idx;

        if (!JSON_NODE_HOLDS_VALUE(e) ||
            json_node_get_value_type(e) != G_TYPE_STRING) {
            error_at(r, e, errp, "feature %u of %s must be a string, not %s",
                     i + 1, where, node_kind(e));
            return false;
        }
        name = json_node_get_string(e);
        if (!map) {
            g_ptr_array_add(names, g_strdup(name));
            continue;
        }
        idx = featmask_map_lookup(map, name);
        if (idx < 0) {
            Error *err = NULL;

            featmask_map_resolve(map, name, &err);
            error_at(r, e, errp, "%s: %s", where, error_get_pretty(err));
            if (error_get_hint(err)) {
                error_append_hint(errp, "%s", error_get_hint(err));
            }
            error_free(err);
            return false;
        }
        featmask_set_add(set, idx);
    }
    if (map) {
        *dst = g_steal_pointer(&set);
    } else {
        PendingSet *p = g_new0(PendingSet, 1);

        p->dst = dst;
        p->type = g_strdup(type);
        g_ptr_array_add(names, NULL);
        p->names = (char **)g_ptr_array_free(g_steal_pointer(&names), FALSE);
        g_ptr_array_add(pending, p);
    }
    return true;
}

static void pending_set_free(void *opaque)
{
    PendingSet *p = opaque;

    g_free(p->type);
    g_strfreev(p->names);
    g_free(p);
}

static FeatmaskProfileCpu *read_cpu(ProfileReader *r, JsonNode *node,
                                    GPtrArray *pending, Error **errp)
{
    g_autofree FeatmaskProfileCpu *cpu = g_new0(FeatmaskProfileCpu, 1);
    const char *arch, *vendor, *model, *source;
    g_autofree char *kind = NULL;

    if (!get_string(r, node, "'cpu'", "arch", true, &arch, errp) ||
        !get_string(r, node, "'cpu'", "vendor", false, &vendor, errp) ||
        !get_string(r, node, "'cpu'", "model", false, &model, errp) ||
        !get_string(r, node, "'cpu'", "source", false, &source, errp)) {
        return NULL;
    }
    kind = strcmp(arch, "x86_64") && strcmp(arch, "i386") ?
           g_strconcat(CPU_KIND_PREFIX, arch, NULL) : g_strdup("x86-cpu");
    /* Pending sets point at cpu->features: allocate it for good first. */
    cpu->arch = g_strdup(arch);
    cpu->vendor = g_strdup(vendor);
    cpu->model = g_strdup(model);
    cpu->source = g_strdup(source);
    if (!read_features(r, node, "'cpu'", kind, &cpu->features, pending,
                       errp)) {
        g_free(cpu->arch);
        g_free(cpu->vendor);
        g_free(cpu->model);
        g_free(cpu->source);
        return NULL;
    }
    return g_steal_pointer(&cpu);
}

static FeatmaskProfileDevice *read_device(ProfileReader *r, JsonNode *node,
                                          guint i, GPtrArray *pending,
                                          Error **errp)
{
    g_autofree char *where = g_strdup_printf("device %u", i + 1);
    const char *id, *type, *backend, *source;
    FeatmaskProfileDevice *dev;

    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        error_at(r, node, errp, "%s must be an object, not %s", where,
                 node_kind(node));
        return NULL;
    }
    if (!get_string(r, node, where, "id", true, &id, errp)) {
        return NULL;
    }
    g_free(where);
    where = g_strdup_printf("device '%s'", id);
    if (!get_string(r, node, where, "type", true, &type, errp) ||
        !get_string(r, node, where, "backend", false, &backend, errp) ||
        !get_string(r, node, where, "source", false, &source, errp)) {
        return NULL;
    }
    dev = g_new0(FeatmaskProfileDevice, 1);
    dev->id = g_strdup(id);
    dev->type = g_strdup(type);
    dev->backend = g_strdup(backend);
    dev->source = g_strdup(source);
    if (!read_features(r, node, where, type, &dev->features, pending,
                       errp)) {
        g_free(dev->id);
        g_free(dev->type);
        g_free(dev->backend);
        g_free(dev->source);
        g_free(dev);
        return NULL;
    }
    return dev;
}

static void profile_device_free(void *opaque)
{
    FeatmaskProfileDevice *dev = opaque;

    g_free(dev->id);
    g_free(dev->type);
    g_free(dev->backend);
    g_free(dev->source);
    featmask_set_free(dev->features);
    g_free(dev);
}

FeatmaskProfile *featmask_profile_new(const char *host)
{
    FeatmaskProfile *p = g_new0(FeatmaskProfile, 1);

    p->host = g_strdup(host);
    p->devices = g_ptr_array_new_with_free_func(profile_device_free);
    return p;
}

void featmask_profile_free(FeatmaskProfile *p)
{
    if (!p) {
        return;
    }
    g_free(p->host);
    g_free(p->file);
    g_free(p->qemu_kind);
    g_free(p->qemu_version);
    if (p->cpu) {
        g_free(p->cpu->arch);
        g_free(p->cpu->vendor);
        g_free(p->cpu->model);
        g_free(p->cpu->source);
        featmask_set_free(p->cpu->features);
        g_free(p->cpu);
    }
    g_ptr_array_free(p->devices, TRUE);
    g_free(p);
}

FeatmaskProfileDevice *featmask_profile_find_device(const FeatmaskProfile *p,
                                                    const char *id)
{
    guint i;

    for (i = 0; i < p->devices->len; i++) {
        FeatmaskProfileDevice *dev = p->devices->pdata[i];

        if (!strcmp(dev->id, id)) {
            return dev;
        }
    }
    return NULL;
}

static FeatmaskProfile *read_profile(ProfileReader *r, JsonNode *root,
                                     GPtrArray *pending, Error **errp)
{
    g_autoptr(FeatmaskProfile) p = NULL;
    JsonNode *ver, *cpu, *qemu, *devs;
    const char *host;

    if (!JSON_NODE_HOLDS_OBJECT(root)) {
        error_at(r, root, errp, "a profile must be a JSON object, not %s",
                 node_kind(root));
        return NULL;
    }
    ver = json_object_get_member(json_node_get_object(root),
                                 "featmask-profile");
    if (!ver) {
        error_at(r, root, errp, "not a featmask profile: no member"
                 " 'featmask-profile'");
        return NULL;
    }
    if (!JSON_NODE_HOLDS_VALUE(ver) ||
        json_node_get_value_type(ver) != G_TYPE_INT64) {
        error_at(r, ver, errp, "'featmask-profile' must be a version number,"
                 " not %s", node_kind(ver));
        return NULL;
    }
    if (json_node_get_int(ver) != FEATMASK_PROFILE_VERSION) {
        error_at(r, ver, errp, "unknown profile version %" G_GINT64_FORMAT
                 " (this featmask reads version %d)", json_node_get_int(ver),
                 FEATMASK_PROFILE_VERSION);
        return NULL;
    }
    if (!get_string(r, root, "the profile", "host", true, &host, errp)) {
        return NULL;
    }
    p = featmask_profile_new(host);
    p->file = g_strdup(r->file);

    qemu = get_object(r, root, "the profile", "qemu", errp);
    if (qemu) {
        const char *kind, *version;

        if (!get_string(r, qemu, "'qemu'", "kind", false, &kind, errp) ||
            !get_string(r, qemu, "'qemu'", "version", false, &version,
                        errp)) {
            return NULL;
        }
        if (kind && strcmp(kind, "patched") && strcmp(kind, "stock")) {
            error_at(r, qemu, errp, "'kind' of 'qemu' must be 'patched' or"
                     " 'stock', not '%s'", kind);
            return NULL;
        }
        p->qemu_kind = g_strdup(kind);
        p->qemu_version = g_strdup(version);
    } else if (json_object_has_member(json_node_get_object(root), "qemu")) {
        return NULL;
    }

    cpu = get_object(r, root, "the profile", "cpu", errp);
    if (cpu) {
        p->cpu = read_cpu(r, cpu, pending, errp);
        if (!p->cpu) {
            return NULL;
        }
    } else if (json_object_has_member(json_node_get_object(root), "cpu")) {
        return NULL;
    }

    devs = json_object_get_member(json_node_get_object(root), "devices");
    if (devs) {
        JsonArray *a;
        guint i;

        if (!JSON_NODE_HOLDS_ARRAY(devs)) {
            error_at(r, devs, errp, "'devices' must be an array, not %s",
                     node_kind(devs));
            return NULL;
        }
        a = json_node_get_array(devs);
        for (i = 0; i < json_array_get_length(a); i++) {
            JsonNode *e = json_array_get_element(a, i);
            FeatmaskProfileDevice *dev = read_device(r, e, i, pending, errp);

            if (!dev) {
                return NULL;
            }
            if (featmask_profile_find_device(p, dev->id)) {
                error_at(r, e, errp, "device '%s' is listed twice", dev->id);
                profile_device_free(dev);
                return NULL;
            }
            g_ptr_array_add(p->devices, dev);
        }
    }
    return g_steal_pointer(&p);
}

/* Read one file; with @track, record positions for error messages. */
static FeatmaskProfile *load_one(const char *file, FeatmaskMaps *maps,
                                 bool track, GPtrArray *pending,
                                 Error **errp)
{
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    g_autoptr(GError) gerr = NULL;
    ProfileReader r = {
        .file = file,
        .parser = parser,
        .maps = maps,
    };
    g_autofree char *text = NULL;
    FeatmaskProfile *p;
    gsize len;

    if (track) {
        r.locs = g_hash_table_new(g_direct_hash, g_direct_equal);
        g_signal_connect(parser, "object-member", G_CALLBACK(on_member), &r);
        g_signal_connect(parser, "array-element", G_CALLBACK(on_element),
                         &r);
    }
    /* One read beats a mapping: many small files, each read once. */
    if (!g_file_get_contents(file, &text, &len, &gerr) ||
        !json_parser_load_from_data(parser, text, len, &gerr)) {
        if (g_error_matches(gerr, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            error_setg(errp, "%s: no such file", file);
        } else if (gerr->domain == G_FILE_ERROR) {
            error_setg(errp, "%s: %s", file, gerr->message);
        } else {
            /* json-glib says "<data>:LINE:COL: Parse error: ..." */
            const char *msg = gerr->message;

            if (g_str_has_prefix(msg, "<data>")) {
                msg += strlen("<data>");
            }
            error_setg(errp, "%s%s%s", file, msg[0] == ':' ? "" : ": ", msg);
        }
    } else if (!json_parser_get_root(parser)) {
        error_setg(errp, "%s: empty file, expected a featmask profile",
                   file);
    }
    if (gerr || !json_parser_get_root(parser)) {
        if (r.locs) {
            g_hash_table_destroy(r.locs);
        }
        return NULL;
    }
    p = read_profile(&r, json_parser_get_root(parser), pending, errp);
    if (r.locs) {
        g_hash_table_destroy(r.locs);
    }
    return p;
}

/* Build the dynamic maps of the pending types and resolve their sets. */
static bool resolve_pending(FeatmaskMaps *maps, GPtrArray *pending,
                            Error **errp)
{
    g_autoptr(GHashTable) names = g_hash_table_new_full(g_str_hash,
        g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
    GHashTableIter iter;
    gpointer type, list;
    guint i;

    for (i = 0; i < pending->len; i++) {
        PendingSet *p = pending->pdata[i];
        GPtrArray *all = g_hash_table_lookup(names, p->type);
        char **n;

        if (!all) {
            all = g_ptr_array_new();
            g_hash_table_insert(names, p->type, all);
        }
        for (n = p->names; *n; n++) {
            g_ptr_array_add(all, *n);
        }
    }
    g_hash_table_iter_init(&iter, names);
    while (g_hash_table_iter_next(&iter, &type, &list)) {
        GPtrArray *all = list;

        g_ptr_array_add(all, NULL);
        if (!featmask_maps_add_dynamic(maps, type,
                                       (const char *const *)all->pdata,
                                       errp)) {
            return false;
        }
    }
    for (i = 0; i < pending->len; i++) {
        PendingSet *p = pending->pdata[i];

        *p->dst = featmask_set_from_names(featmask_maps_get(maps, p->type),
                                          (const char *const *)p->names,
                                          &error_abort);
    }
    return true;
}

GPtrArray *featmask_profiles_load(const char *const *files, size_t nfiles,
                                  FeatmaskMaps *maps, Error **errp)
{
    g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func(
        (GDestroyNotify)featmask_profile_free);
    g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func(
        pending_set_free);
    size_t i;

    for (i = 0; i < nfiles; i++) {
        Error *err = NULL;
        FeatmaskProfile *p = load_one(files[i], maps, false, pending, &err);

        if (!p) {
            /* Read it again, slowly, to say where the error is. */
            error_free(err);
            p = load_one(files[i], maps, true, pending, errp);
            g_assert(!p);
            return NULL;
        }
        g_ptr_array_add(profiles, p);
    }
    if (!resolve_pending(maps, pending, errp)) {
        return NULL;
    }
    return g_steal_pointer(&profiles);
}

static void add_features(JsonBuilder *b, const FeatmaskSet *set)
{
    g_autofree const char **names = featmask_set_to_names(set);
    const char **n;

    json_builder_set_member_name(b, "features");
    json_builder_begin_array(b);
    for (n = names; *n; n++) {
        json_builder_add_string_value(b, *n);
    }
    json_builder_end_array(b);
}

static void add_string(JsonBuilder *b, const char *name, const char *value)
{
    if (value) {
        json_builder_set_member_name(b, name);
        json_builder_add_string_value(b, value);
    }
}

JsonNode *featmask_profile_to_node(const FeatmaskProfile *p)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    guint i;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "featmask-profile");
    json_builder_add_int_value(b, FEATMASK_PROFILE_VERSION);
    add_string(b, "host", p->host);
    if (p->qemu_kind || p->qemu_version) {
        json_builder_set_member_name(b, "qemu");
        json_builder_begin_object(b);
        add_string(b, "kind", p->qemu_kind);
        add_string(b, "version", p->qemu_version);
        json_builder_end_object(b);
    }
    if (p->cpu) {
        json_builder_set_member_name(b, "cpu");
        json_builder_begin_object(b);
        add_string(b, "arch", p->cpu->arch);
        add_string(b, "vendor", p->cpu->vendor);
        add_string(b, "model", p->cpu->model);
        add_string(b, "source", p->cpu->source);
        add_features(b, p->cpu->features);
        json_builder_end_object(b);
    }
    json_builder_set_member_name(b, "devices");
    json_builder_begin_array(b);
    for (i = 0; i < p->devices->len; i++) {
        FeatmaskProfileDevice *dev = p->devices->pdata[i];

        json_builder_begin_object(b);
        add_string(b, "id", dev->id);
        add_string(b, "type", dev->type);
        add_string(b, "backend", dev->backend);
        add_string(b, "source", dev->source);
        add_features(b, dev->features);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

char *featmask_profile_to_json(const FeatmaskProfile *p)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = featmask_profile_to_node(p);
    char *text;

    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_indent(gen, 2);
    text = json_generator_to_data(gen, NULL);
    return text;
}

bool featmask_profile_save(const FeatmaskProfile *p, const char *file,
                           Error **errp)
{
    g_autofree char *json = featmask_profile_to_json(p);
    g_autofree char *text = g_strconcat(json, "\n", NULL);
    g_autoptr(GError) gerr = NULL;

    if (!strcmp(file, "-")) {
        fputs(text, stdout);
        return true;
    }
    if (!g_file_set_contents(file, text, -1, &gerr)) {
        error_setg(errp, "cannot write %s: %s", file, gerr->message);
        return false;
    }
    return true;
}
