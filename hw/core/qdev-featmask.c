/*
 * qdev feature masks: the featmask-device interface, the features=
 * property, and features= applied and enforced against the backend
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qemu/help_option.h"
#include "qemu/qemu-print.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-featmask.h"
#include "trace.h"

/* A mask longer than this is refused before it is parsed. */
#define QDEV_FEATMASK_MAX_LEN 4096

/* Each family's lookup of its maps by kind, in the order they came. */
static FeatmaskMap *(*featmask_kind_lookups[8])(const char *kind);

void qdev_featmask_register_kinds(FeatmaskMap *(*lookup)(const char *kind))
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(featmask_kind_lookups); i++) {
        if (featmask_kind_lookups[i] == lookup) {
            return;
        }
        if (!featmask_kind_lookups[i]) {
            featmask_kind_lookups[i] = lookup;
            return;
        }
    }
    g_assert_not_reached();
}

FeatmaskMap *qdev_featmask_kind_map(const char *kind)
{
    FeatmaskMap *map = NULL;
    size_t i;

    for (i = 0; !map && i < ARRAY_SIZE(featmask_kind_lookups) &&
                featmask_kind_lookups[i]; i++) {
        map = featmask_kind_lookups[i](kind);
    }
    return map;
}

void qdev_featmask_backend_free(QdevFeatmaskBackend *be)
{
    if (be) {
        g_free(be->type);
        g_free(be->id);
        g_free(be->driver);
        g_free(be);
    }
}

/* A property of @oc that can switch a feature: a bool or an OnOffAuto. */
static ObjectProperty *featmask_switch_prop(ObjectClass *oc, const char *name)
{
    ObjectProperty *op = name ? object_class_property_find(oc, name) : NULL;

    if (op && (!strcmp(op->type, "bool") || !strcmp(op->type, "OnOffAuto"))) {
        return op;
    }
    return NULL;
}

/*
 * An unsigned integer property of @oc with a bit @bit: the switch of a
 * FEATMASK_SWITCH_INT_BIT feature (pvpanic's uint8 "events").
 */
static ObjectProperty *featmask_int_bit_prop(ObjectClass *oc,
                                             const char *name, int bit)
{
    static const struct {
        const char *type;
        int width;
    } uints[] = {
        { "uint8", 8 }, { "uint16", 16 }, { "uint32", 32 }, { "uint64", 64 },
    };
    ObjectProperty *op = object_class_property_find(oc, name);
    size_t i;

    for (i = 0; op && i < G_N_ELEMENTS(uints); i++) {
        if (!strcmp(op->type, uints[i].type)) {
            return bit >= 0 && bit < uints[i].width ? op : NULL;
        }
    }
    return NULL;
}

/*
 * The switch of feature @f on class @oc: the property the map names for
 * it (switch_prop), else a property named as the feature or one of its
 * aliases; NULL if the class has none.
 */
static ObjectProperty *featmask_switch(ObjectClass *oc,
                                       const FeatmaskFeature *f)
{
    ObjectProperty *op;
    size_t i;

    if (f->switch_prop && f->switch_kind == FEATMASK_SWITCH_INT_BIT) {
        return featmask_int_bit_prop(oc, f->switch_prop, f->bit);
    }
    op = featmask_switch_prop(oc, f->switch_prop);
    if (f->switch_prop) {
        return op;
    }
    op = featmask_switch_prop(oc, f->name);
    for (i = 0; !op && f->aliases && f->aliases[i]; i++) {
        op = featmask_switch_prop(oc, f->aliases[i]);
    }
    return op;
}

/*
 * Whether the switch @op of @f is on; an OnOffAuto is on unless it is
 * "off", an integer's bit when it is set.
 */
static bool featmask_switch_get(DeviceState *dev, ObjectProperty *op,
                                const FeatmaskFeature *f)
{
    g_autofree char *value = NULL;

    if (f->switch_kind == FEATMASK_SWITCH_INT_BIT) {
        return object_property_get_uint(OBJECT(dev), op->name,
                                        &error_abort) >> f->bit & 1;
    }
    if (!strcmp(op->type, "bool")) {
        return object_property_get_bool(OBJECT(dev), op->name, &error_abort);
    }
    value = object_property_get_str(OBJECT(dev), op->name, &error_abort);
    return strcmp(value, "off");
}

static bool featmask_switch_set(DeviceState *dev, ObjectProperty *op,
                                const FeatmaskFeature *f, bool on,
                                Error **errp)
{
    trace_qdev_featmask_switch(object_get_typename(OBJECT(dev)), op->name,
                               on ? "on" : "off");
    if (f->switch_kind == FEATMASK_SWITCH_INT_BIT) {
        uint64_t v = object_property_get_uint(OBJECT(dev), op->name,
                                              &error_abort);
        uint64_t bit = 1ULL << f->bit;

        return object_property_set_uint(OBJECT(dev), op->name,
                                        on ? v | bit : v & ~bit, errp);
    }
    if (!strcmp(op->type, "bool")) {
        return object_property_set_bool(OBJECT(dev), op->name, on, errp);
    }
    return object_property_set_str(OBJECT(dev), op->name, on ? "on" : "off",
                                   errp);
}

/*
 * The map of @oc: its static map with every feature whose switch the
 * class lacks marked no_property, and every feature with one not.  Built
 * once per class and kept in the class's featmask-device interface.
 */
static FeatmaskMap *featmask_class_map(ObjectClass *oc, DeviceState *dev,
                                       Error **errp)
{
    FeatmaskDeviceClass *fdc = FEATMASK_DEVICE_CLASS(oc);
    g_autoptr(FeatmaskMap) smap = NULL;
    g_autoptr(FeatmaskMap) map = NULL;
    size_t i;

    /* A subclass inherits its parent's interface class, cache included. */
    if (fdc->map && fdc->map_class == oc) {
        return fdc->map;
    }
    smap = fdc->static_map(dev);
    if (!smap) {
        error_setg(errp, "%s: featmask has no map of its kind",
                   object_class_get_name(oc));
        return NULL;
    }
    map = featmask_map_new(featmask_map_kind(smap), featmask_map_desc(smap));
    for (i = 0; i < featmask_map_size(smap); i++) {
        FeatmaskFeature f = *featmask_map_get(smap, i);

        f.no_property = !featmask_switch(oc, &f);
        if (!featmask_map_add(map, &f, errp)) {
            return NULL;
        }
    }
    if (!featmask_map_finalize(map, errp)) {
        return NULL;
    }
    fdc->map = g_steal_pointer(&map);
    fdc->map_class = oc;
    return fdc->map;
}

static QdevFeatmask *featmask_state(Object *obj)
{
    if (!object_dynamic_cast(obj, TYPE_FEATMASK_DEVICE) ||
        !object_dynamic_cast(obj, TYPE_DEVICE)) {
        return NULL;
    }
    return FEATMASK_DEVICE_GET_CLASS(obj)->state(DEVICE(obj));
}

FeatmaskMap *qdev_featmask_map(DeviceState *dev, Error **errp)
{
    FeatmaskMap *map;

    if (!object_dynamic_cast(OBJECT(dev), TYPE_FEATMASK_DEVICE)) {
        return NULL;
    }
    map = featmask_class_map(object_get_class(OBJECT(dev)), dev, errp);
    return map ? featmask_map_ref(map) : NULL;
}

typedef struct FeatmaskChild {
    Object *found;
} FeatmaskChild;

static int featmask_find_child(Object *child, void *opaque)
{
    FeatmaskChild *c = opaque;

    if (featmask_state(child)) {
        c->found = child;
        return 1;
    }
    return 0;
}

QdevFeatmask *qdev_featmask_get(Object *obj, DeviceState **holder)
{
    FeatmaskChild c = { NULL };

    if (featmask_state(obj)) {
        c.found = obj;
    } else if (object_dynamic_cast(obj, TYPE_DEVICE) &&
               object_property_find(obj, "features")) {
        /* A proxy: its features= is an alias of its child's. */
        object_child_foreach(obj, featmask_find_child, &c);
    }
    if (!c.found) {
        return NULL;
    }
    if (holder) {
        *holder = DEVICE(c.found);
    }
    return featmask_state(c.found);
}

FeatmaskSet *qdev_featmask_switchable(DeviceState *dev)
{
    g_autoptr(FeatmaskMap) map = qdev_featmask_map(dev, &error_abort);
    FeatmaskSet *set = featmask_set_new(map);
    size_t i;

    for (i = 0; i < featmask_map_size(map); i++) {
        if (!featmask_map_get(map, i)->no_property) {
            featmask_set_add(set, i);
        }
    }
    return set;
}

FeatmaskSet *qdev_featmask_switches(DeviceState *dev)
{
    ObjectClass *oc = object_get_class(OBJECT(dev));
    g_autoptr(FeatmaskMap) map = qdev_featmask_map(dev, &error_abort);
    FeatmaskSet *set = featmask_set_new(map);
    size_t i;

    for (i = 0; i < featmask_map_size(map); i++) {
        const FeatmaskFeature *f = featmask_map_get(map, i);

        if (!f->no_property &&
            featmask_switch_get(dev, featmask_switch(oc, f), f)) {
            featmask_set_add(set, i);
        }
    }
    return set;
}

/* Set the switches to @set, through their properties. */
static bool featmask_set_switches(DeviceState *dev, const FeatmaskSet *set,
                                  Error **errp)
{
    ObjectClass *oc = object_get_class(OBJECT(dev));
    const FeatmaskMap *map = featmask_set_map(set);
    size_t i;

    for (i = 0; i < featmask_map_size(map); i++) {
        const FeatmaskFeature *f = featmask_map_get(map, i);

        if (!f->no_property &&
            !featmask_switch_set(dev, featmask_switch(oc, f), f,
                                 featmask_set_has(set, i), errp)) {
            return false;
        }
    }
    return true;
}

/* "needs a, b; needs one of c, d", or "" */
static char *featmask_needs(const FeatmaskFeature *f)
{
    g_autoptr(GString) s = g_string_new(NULL);

    if (f->requires && f->requires[0]) {
        g_autofree char *all = g_strjoinv(", ", (char **)f->requires);

        g_string_append_printf(s, "needs %s", all);
    }
    if (f->requires_any && f->requires_any[0]) {
        g_autofree char *any = g_strjoinv(", ", (char **)f->requires_any);

        g_string_append_printf(s, "%sneeds one of %s", s->len ? "; " : "",
                               any);
    }
    return g_string_free(g_steal_pointer(&s), false);
}

/* The type a user gave on -device for @dev ("virtio-net-pci"). */
static const char *featmask_user_type(DeviceState *dev)
{
    return object_get_typename(OBJECT(qdev_featmask_user_device(dev)));
}

/* One line of features=help. */
typedef struct FeatmaskHelpRow {
    const char *name;
    char *sw;
    char *value;
    char *needs;
    char *lacks;
} FeatmaskHelpRow;

char *qdev_featmask_help(DeviceState *dev)
{
    ObjectClass *oc = object_get_class(OBJECT(dev));
    FeatmaskDeviceClass *fdc = FEATMASK_DEVICE_GET_CLASS(dev);
    const char *type = featmask_user_type(dev);
    g_autoptr(FeatmaskMap) map = qdev_featmask_map(dev, &error_abort);
    size_t n = featmask_map_size(map);
    g_autofree FeatmaskHelpRow *rows = g_new0(FeatmaskHelpRow, n);
    g_autoptr(GString) out = g_string_new(NULL);
    int wname = strlen("FEATURE"), wsw = strlen("SWITCH");
    size_t i;

    for (i = 0; i < n; i++) {
        const FeatmaskFeature *f = featmask_map_get(map, i);
        ObjectProperty *op = featmask_switch(oc, f);
        FeatmaskHelpRow *r = &rows[i];

        r->name = f->name;
        if (op) {
            r->sw = f->switch_kind == FEATMASK_SWITCH_INT_BIT ?
                g_strdup_printf("%s bit %d (%s)", op->name, f->bit, op->type) :
                g_strdup_printf("%s (%s)", op->name, op->type);
            r->value = strcmp(op->type, "OnOffAuto") ?
                g_strdup(featmask_switch_get(dev, op, f) ? "on" : "off") :
                object_property_get_str(OBJECT(dev), op->name, &error_abort);
        } else {
            r->sw = g_strdup(fdc->backend_features ? "backend" : "fixed");
            r->value = g_strdup("-");
        }
        r->needs = featmask_needs(f);
        r->lacks = fdc->host_lacks ? fdc->host_lacks(dev, f) : NULL;
        wname = MAX(wname, (int)strlen(r->name));
        wsw = MAX(wsw, (int)strlen(r->sw));
    }

    g_string_append_printf(out, "%s features= (%s, %s):\n", type,
                           featmask_map_kind(map), featmask_map_desc(map));
    g_string_append_printf(out, "  %-*s  %-*s  %-4s  %s\n", wname, "FEATURE",
                           wsw, "SWITCH", "NOW", "DEPENDS");
    for (i = 0; i < n; i++) {
        FeatmaskHelpRow *r = &rows[i];
        g_autofree char *line = g_strdup_printf("  %-*s  %-*s  %-4s  %s",
                                                wname, r->name, wsw, r->sw,
                                                r->value, r->needs);

        g_string_append_printf(out, "%s\n", g_strchomp(line));
        if (r->lacks) {
            g_string_append_printf(out, "  %-*s  not here: %s\n", wname, "",
                                   r->lacks);
        }
        g_free(r->sw);
        g_free(r->value);
        g_free(r->needs);
        g_free(r->lacks);
    }
    g_string_append(out, "features=all|none, then +NAME, -NAME or NAME=on|off,"
                    " items separated by ':'.\n"
                    "'all' and 'none' set the switches; a 'fixed' feature is"
                    " QEMU's choice, a\n'backend' one the backend's: naming"
                    " one requires (or refuses) it.\n");
    return g_string_free(g_steal_pointer(&out), false);
}

/*
 * features=help: on the command line, print and exit like -device
 * foo,help; QMP cannot print, so there it is an error saying where the
 * list is.
 */
static void featmask_prop_help(DeviceState *dev, const char *name,
                               Error **errp)
{
    const char *type = featmask_user_type(dev);
    g_autofree char *who = NULL;

    if (!phase_check(PHASE_MACHINE_READY)) {
        g_autofree char *text = qdev_featmask_help(dev);

        qemu_printf("%s", text);
        exit(0);
    }
    who = qdev_featmask_describe(dev);
    error_setg(errp, "%s: %s=help lists the features on the command line"
               " only: '-device %s,%s=help'", who, name, type, name);
}

/*
 * The features= property.  The setter parses the mask over the device's
 * map, so that a bad mask fails where it is set: -device, device_add,
 * -global and qom-set alike.
 */

static void featmask_prop_get(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    const Property *prop = opaque;
    QdevFeatmask *fm = object_field_prop_ptr(obj, prop);
    char *text = fm->text ? fm->text : (char *)"";

    visit_type_str(v, name, &text, errp);
}

static void featmask_prop_set(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    ERRP_GUARD();
    const Property *prop = opaque;
    QdevFeatmask *fm = object_field_prop_ptr(obj, prop);
    g_autofree char *text = NULL;
    g_autofree char *who = NULL;
    FeatmaskMap *map;
    FeatmaskMask *mask;

    if (!visit_type_str(v, name, &text, errp)) {
        return;
    }
    if (is_help_option(text)) {
        featmask_prop_help(DEVICE(obj), name, errp);
        return;
    }
    who = qdev_featmask_describe(DEVICE(obj));
    if (strlen(text) > QDEV_FEATMASK_MAX_LEN) {
        error_setg(errp, "%s: %s= is %zu characters long, more than %d",
                   who, name, strlen(text), QDEV_FEATMASK_MAX_LEN);
        return;
    }
    map = featmask_class_map(object_get_class(obj), DEVICE(obj), errp);
    if (!map) {
        return;
    }
    mask = featmask_mask_parse(map, text, errp);
    if (!mask) {
        error_prepend(errp, "%s: %s=: ", who, name);
        error_append_hint(errp, "Use '-device %s,%s=help' for the valid"
                          " names.\n", featmask_user_type(DEVICE(obj)),
                          name);
        return;
    }
    featmask_mask_free(fm->mask);
    fm->mask = mask;
    g_free(fm->text);
    fm->text = g_steal_pointer(&text);
}

static void featmask_prop_release(Object *obj, const char *name,
                                  void *opaque)
{
    const Property *prop = opaque;
    QdevFeatmask *fm = object_field_prop_ptr(obj, prop);

    g_clear_pointer(&fm->text, g_free);
    g_clear_pointer(&fm->mask, featmask_mask_free);
}

const PropertyInfo qdev_prop_featmask = {
    .type = "str",
    .description = "feature mask: all|none, +name, -name, name=on|off,"
                   " items separated by ':'; features=help lists the"
                   " names",
    .get = featmask_prop_get,
    .set = featmask_prop_set,
    .release = featmask_prop_release,
};

DeviceState *qdev_featmask_user_device(DeviceState *dev)
{
    Object *parent = OBJECT(dev)->parent;

    if (!dev->id && parent && object_dynamic_cast(parent, TYPE_DEVICE)) {
        return DEVICE(parent);
    }
    return dev;
}

char *qdev_featmask_describe(DeviceState *dev)
{
    DeviceState *user = qdev_featmask_user_device(dev);
    g_autofree char *path = NULL;

    if (!user->id) {
        path = object_get_canonical_path(OBJECT(user));
    }
    return g_strdup_printf("device '%s' (%s)",
                           user->id ? user->id : path ? path : "?",
                           object_get_typename(OBJECT(user)));
}

QdevFeatmaskBackend *qdev_featmask_backend(DeviceState *dev)
{
    FeatmaskDeviceClass *fdc = FEATMASK_DEVICE_GET_CLASS(dev);
    g_autoptr(QdevFeatmaskBackend) be = g_new0(QdevFeatmaskBackend, 1);

    if (!fdc->backend || !fdc->backend(dev, be)) {
        return NULL;
    }
    return g_steal_pointer(&be);
}

char *qdev_featmask_backend_describe(DeviceState *dev)
{
    g_autoptr(QdevFeatmaskBackend) be = qdev_featmask_backend(dev);

    if (!be) {
        return NULL;
    }
    if (be->driver) {
        return g_strdup_printf("%s '%s' (%s)", be->type, be->id, be->driver);
    }
    return g_strdup_printf("%s '%s'", be->type, be->id);
}

bool qdev_featmask_backend_lost(DeviceState *dev)
{
    FeatmaskDeviceClass *fdc = FEATMASK_DEVICE_GET_CLASS(dev);

    return fdc->backend_lost && fdc->backend_lost(dev);
}

static char *featmask_names(const FeatmaskSet *set)
{
    g_autofree const char **names = featmask_set_to_names(set);

    return g_strjoinv(", ", (char **)names);
}

static void featmask_release(QdevFeatmask *fm)
{
    g_clear_pointer(&fm->requested, featmask_set_free);
    g_clear_pointer(&fm->forbidden, featmask_set_free);
    g_clear_pointer(&fm->available, featmask_set_free);
    g_clear_pointer(&fm->map, featmask_map_unref);
    g_clear_pointer(&fm->guard_names, g_free);
    fm->dev = NULL;
}

/*
 * The requested features must have what they depend on.  Features
 * without a switch count as present unless the mask turns them off:
 * whether the device offers them is QEMU's business.
 */
static bool featmask_check_deps(DeviceState *dev, QdevFeatmask *fm,
                                const FeatmaskSet *noswitch,
                                Error **errp)
{
    g_autoptr(FeatmaskSet) have = featmask_set_copy(fm->requested);
    g_autoptr(GString) bad = g_string_new(NULL);
    g_autofree char *who = NULL;
    int i;

    featmask_set_union(have, noswitch);
    featmask_set_subtract(have, fm->forbidden);
    for (i = featmask_set_next(fm->requested, 0); i >= 0;
         i = featmask_set_next(fm->requested, i + 1)) {
        g_autofree char *lost = featmask_set_missing_deps(have, i);

        if (lost) {
            g_string_append_printf(bad, "%s%s (needs %s)",
                                   bad->len ? ", " : "",
                                   featmask_map_get(fm->map, i)->name, lost);
        }
    }
    if (!bad->len) {
        return true;
    }
    who = qdev_featmask_describe(dev);
    error_setg(errp, "%s: features='%s' leaves out what these features"
               " need: %s", who, fm->text, bad->str);
    return false;
}

/*
 * What this host lacks for the requested features, asked before the
 * device realizes so that the error names the feature and what is
 * missing, not just the device's own complaint.
 */
static bool featmask_check_host(DeviceState *dev, QdevFeatmask *fm,
                                Error **errp)
{
    FeatmaskDeviceClass *fdc = FEATMASK_DEVICE_GET_CLASS(dev);
    g_autoptr(GString) bad = g_string_new(NULL);
    g_autofree char *who = NULL;
    int i;

    if (!fdc->host_lacks) {
        return true;
    }
    for (i = featmask_set_next(fm->requested, 0); i >= 0;
         i = featmask_set_next(fm->requested, i + 1)) {
        const FeatmaskFeature *f = featmask_map_get(fm->map, i);
        g_autofree char *lacks = fdc->host_lacks(dev, f);

        if (lacks) {
            g_string_append_printf(bad, "%s%s (%s)", bad->len ? ", " : "",
                                   f->name, lacks);
        }
    }
    if (!bad->len) {
        return true;
    }
    who = qdev_featmask_describe(dev);
    error_setg(errp, "%s: features='%s' asks for what this host cannot"
               " provide: %s", who, fm->text, bad->str);
    return false;
}

/* The features this host lacks, per the family's host_lacks hook. */
static void featmask_drop_lacking(DeviceState *dev, FeatmaskSet *set)
{
    FeatmaskDeviceClass *fdc = FEATMASK_DEVICE_GET_CLASS(dev);
    const FeatmaskMap *map = featmask_set_map(set);
    size_t i;

    for (i = 0; fdc->host_lacks && i < featmask_map_size(map); i++) {
        g_autofree char *lacks = fdc->host_lacks(dev,
                                                 featmask_map_get(map, i));

        if (lacks) {
            featmask_set_del(set, i);
        }
    }
}

bool qdev_featmask_apply(DeviceState *dev, Error **errp)
{
    QdevFeatmask *fm = featmask_state(OBJECT(dev));
    g_autoptr(FeatmaskSet) dflt = NULL;
    g_autoptr(FeatmaskSet) req = NULL;
    g_autoptr(FeatmaskSet) sw = NULL;
    g_autoptr(FeatmaskSet) noswitch = NULL;
    g_autoptr(FeatmaskSet) named = NULL;
    g_autofree char *text = NULL;

    if (!fm || !fm->mask) {
        return true;
    }
    featmask_release(fm);
    fm->map = qdev_featmask_map(dev, errp);
    if (!fm->map) {
        return false;
    }

    sw = qdev_featmask_switchable(dev);
    noswitch = featmask_set_new_full(fm->map);
    featmask_set_subtract(noswitch, sw);

    /*
     * "all" and "none" are about the switches; a feature without one is
     * requested (or refused) only by name.
     */
    dflt = qdev_featmask_switches(dev);
    req = featmask_mask_apply(fm->mask, dflt);
    featmask_set_intersect(req, sw);
    named = featmask_set_copy(featmask_mask_on(fm->mask));
    featmask_set_intersect(named, noswitch);
    fm->requested = featmask_set_copy(req);
    featmask_set_union(fm->requested, named);
    fm->forbidden = featmask_set_copy(featmask_mask_off(fm->mask));
    featmask_set_intersect(fm->forbidden, noswitch);

    if (!featmask_check_deps(dev, fm, noswitch, errp) ||
        !featmask_check_host(dev, fm, errp) ||
        !featmask_set_switches(dev, req, errp)) {
        featmask_release(fm);
        return false;
    }
    text = featmask_set_format(fm->requested);
    trace_qdev_featmask_apply(object_get_typename(OBJECT(dev)), fm->text,
                              text);
    return true;
}

/*
 * A relative mask keeps the device's defaults, and with features= they
 * are required like the features it names: say so when the missing
 * features are defaults the mask did not name.
 */
static void featmask_hint_defaults(QdevFeatmask *fm, const FeatmaskSet *bad,
                                   Error **errp)
{
    g_autoptr(FeatmaskSet) kept = NULL;
    g_autofree char *names = NULL;

    if (featmask_mask_base(fm->mask) != FEATMASK_BASE_DEFAULT) {
        return;
    }
    kept = featmask_set_copy(bad);
    featmask_set_subtract(kept, featmask_mask_on(fm->mask));
    if (featmask_set_is_empty(kept)) {
        return;
    }
    names = featmask_names(kept);
    error_append_hint(errp, "features=%s starts from the device's defaults,"
                      " and %s %s among them: start the mask from 'none'"
                      " or turn them off with '-NAME'.\n", fm->text, names,
                      featmask_set_count(kept) > 1 ? "are" : "is");
}

bool qdev_featmask_enforce(DeviceState *dev, Error **errp)
{
    QdevFeatmask *fm = featmask_state(OBJECT(dev));
    FeatmaskDeviceClass *fdc;
    g_autoptr(FeatmaskSet) offered = NULL;
    g_autoptr(FeatmaskSet) bad = NULL;
    g_autofree char *who = NULL;
    g_autofree char *names = NULL;

    if (!fm) {
        return true;
    }
    if (!fm->map) {
        fm->map = qdev_featmask_map(dev, errp);
        if (!fm->map) {
            return false;
        }
    }
    fm->dev = dev;

    /* What the backend can provide: asked once, here. */
    fdc = FEATMASK_DEVICE_GET_CLASS(dev);
    offered = qdev_featmask_offered(dev);
    g_clear_pointer(&fm->available, featmask_set_free);
    fm->available = fdc->available ? fdc->available(dev, fm->map)
                                   : featmask_set_new(fm->map);
    featmask_drop_lacking(dev, fm->available);
    featmask_set_union(fm->available, offered);
    names = featmask_set_format(offered);
    trace_qdev_featmask_enforce(object_get_typename(OBJECT(dev)),
                                fm->text ? fm->text : "", names);
    g_clear_pointer(&names, g_free);

    if (fm->mask) {
        bad = featmask_set_copy(fm->requested);
        featmask_set_subtract(bad, offered);
        if (!featmask_set_is_empty(bad)) {
            g_autofree char *backend = qdev_featmask_backend_describe(dev);
            g_autofree char *have = featmask_names(fm->available);

            who = qdev_featmask_describe(dev);
            names = featmask_names(bad);
            error_setg(errp, "%s: %s cannot provide features requested by"
                       " features=: %s", who,
                       backend ? backend : "its backend", names);
            error_append_hint(errp, "Available here: %s\n", have);
            featmask_hint_defaults(fm, bad, errp);
            goto fail;
        }
        /*
         * A switch features= turned off whose feature is offered all the
         * same: the device takes its features from elsewhere (the
         * vhost-user-base family offers what its backend reported).
         */
        featmask_set_free(bad);
        bad = qdev_featmask_switchable(dev);
        featmask_set_subtract(bad, fm->requested);
        featmask_set_union(bad, fm->forbidden);
        featmask_set_intersect(bad, offered);
        if (!featmask_set_is_empty(bad)) {
            who = qdev_featmask_describe(dev);
            names = featmask_names(bad);
            error_setg(errp, "%s: features= turns off %s, but the device"
                       " offers it regardless: nothing in QEMU switches it"
                       " off", who, names);
            goto fail;
        }
    }
    return true;

fail:
    featmask_release(fm);
    return false;
}

void qdev_featmask_unrealize(DeviceState *dev)
{
    QdevFeatmask *fm = featmask_state(OBJECT(dev));

    if (fm) {
        featmask_release(fm);
    }
}

FeatmaskSet *qdev_featmask_offered(DeviceState *dev)
{
    QdevFeatmask *fm = featmask_state(OBJECT(dev));

    return FEATMASK_DEVICE_GET_CLASS(dev)->offered(dev, fm->map);
}

FeatmaskSet *qdev_featmask_acked(DeviceState *dev)
{
    QdevFeatmask *fm = featmask_state(OBJECT(dev));

    return FEATMASK_DEVICE_GET_CLASS(dev)->acked(dev, fm->map);
}

FeatmaskSet *qdev_featmask_available(DeviceState *dev)
{
    QdevFeatmask *fm = featmask_state(OBJECT(dev));
    FeatmaskSet *set = qdev_featmask_offered(dev);

    if (fm->available) {
        featmask_set_union(set, fm->available);
    }
    return set;
}

typedef struct FeatmaskForeach {
    QdevFeatmaskFunc fn;
    void *opaque;
} FeatmaskForeach;

static int featmask_foreach_one(Object *obj, void *opaque)
{
    FeatmaskForeach *f = opaque;
    QdevFeatmask *fm = featmask_state(obj);

    if (fm && fm->map && DEVICE(obj)->realized) {
        f->fn(DEVICE(obj), fm, f->opaque);
    }
    return 0;
}

void qdev_featmask_foreach(QdevFeatmaskFunc fn, void *opaque)
{
    FeatmaskForeach f = { fn, opaque };

    object_child_foreach_recursive(object_get_root(),
                                   featmask_foreach_one, &f);
}

static const TypeInfo featmask_device_info = {
    .name = TYPE_FEATMASK_DEVICE,
    .parent = TYPE_INTERFACE,
    .class_size = sizeof(FeatmaskDeviceClass),
};

static void featmask_device_register_types(void)
{
    type_register_static(&featmask_device_info);
}

type_init(featmask_device_register_types)
