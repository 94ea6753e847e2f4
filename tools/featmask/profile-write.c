/*
 * featmask host profiles: writing the JSON document
 *
 * They are written with json-glib.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <json-glib/json-glib.h>
#include "profile.h"

/*
 * Every string goes out as valid UTF-8: json-glib would write the bytes
 * of an invalid one as they are, and the reader refuses them.  Raw data
 * can hold any byte (a CPU's brand string, names a QEMU answered).
 */
static void add_text(JsonBuilder *b, const char *value)
{
    g_autofree char *valid = g_utf8_make_valid(value, -1);
    char *c;

    /* ... and without control characters, which a reader refuses. */
    for (c = valid; *c; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f) {
            *c = '?';
        }
    }
    json_builder_add_string_value(b, valid);
}

static void add_features(JsonBuilder *b, const FeatmaskSet *set)
{
    g_autofree const char **names = featmask_set_to_names(set);
    const char **n;

    json_builder_set_member_name(b, "features");
    json_builder_begin_array(b);
    for (n = names; *n; n++) {
        add_text(b, *n);
    }
    json_builder_end_array(b);
}

static void add_string(JsonBuilder *b, const char *name, const char *value)
{
    if (value) {
        json_builder_set_member_name(b, name);
        add_text(b, value);
    }
}

static void add_string_list(JsonBuilder *b, const char *name,
                            char *const *list)
{
    if (list) {
        json_builder_set_member_name(b, name);
        json_builder_begin_array(b);
        for (; *list; list++) {
            add_text(b, *list);
        }
        json_builder_end_array(b);
    }
}

static void add_qemu(JsonBuilder *b, const FeatmaskProfile *p)
{
    guint i;

    json_builder_set_member_name(b, "qemu");
    json_builder_begin_object(b);
    add_string(b, "kind", p->qemu_kind);
    add_string(b, "version", p->qemu_version);
    add_string(b, "binary", p->qemu_binary);
    add_string(b, "accelerator", p->qemu_accel);
    add_string_list(b, "args", p->qemu_args);
    add_string_list(b, "cpu-models", p->qemu_cpu_models);
    if (p->qemu_switches) {
        json_builder_set_member_name(b, "switches");
        json_builder_begin_object(b);
        for (i = 0; i < p->qemu_switches->len; i++) {
            FeatmaskProfileSwitches *sw = p->qemu_switches->pdata[i];

            add_string_list(b, sw->type, sw->names);
        }
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
}

JsonNode *featmask_profile_to_node(const FeatmaskProfile *p)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    guint i;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "featmask-profile");
    json_builder_add_int_value(b, FEATMASK_PROFILE_VERSION);
    add_string(b, "host", p->host);
    if (p->qemu_kind || p->qemu_version || p->qemu_binary ||
        p->qemu_accel) {
        add_qemu(b, p);
    }
    if (p->cpu) {
        json_builder_set_member_name(b, "cpu");
        json_builder_begin_object(b);
        add_string(b, "arch", p->cpu->arch);
        add_string(b, "vendor", p->cpu->vendor);
        add_string(b, "model", p->cpu->model);
        add_string(b, "source", p->cpu->source);
        add_string(b, "view", p->cpu->view);
        add_features(b, p->cpu->features);
        if (p->cpu->unknown_words && p->cpu->unknown_words[0]) {
            char **w;

            json_builder_set_member_name(b, "unknown-words");
            json_builder_begin_array(b);
            for (w = p->cpu->unknown_words; *w; w++) {
                add_text(b, *w);
            }
            json_builder_end_array(b);
        }
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
