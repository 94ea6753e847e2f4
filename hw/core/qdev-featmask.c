/*
 * qdev feature masks: features= on devices, derived from their own bit
 * properties, enforced against the backend, guarded across migration
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qstring.h"
#include "qapi/util.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-featmask.h"
#include "migration/vmstate.h"
#include "net/net.h"
#include "qapi/qapi-types-net.h"

/* A mask longer than this is refused before it is parsed. */
#define QDEV_FEATMASK_MAX_LEN 4096

/* What a class registered: its state and ops, or a feature word. */
typedef struct QdevFeatmaskClassInfo {
    ptrdiff_t state_offset;
    const QdevFeatmaskOps *ops;
    GArray *words;              /* ptrdiff_t */
} QdevFeatmaskClassInfo;

/* The map derived from a class's bit properties. */
typedef struct QdevFeatmaskDerived {
    FeatmaskMap *map;
    const Property **switches;  /* by map index; NULL: no property */
} QdevFeatmaskDerived;

static GHashTable *featmask_classes;    /* ObjectClass -> ClassInfo */
static GHashTable *featmask_derived;    /* ObjectClass -> Derived */
static FeatmaskMap *(*featmask_kind_lookup)(const char *kind);

static QdevFeatmaskClassInfo *featmask_class_info(ObjectClass *oc,
                                                  bool create)
{
    QdevFeatmaskClassInfo *info;

    if (!featmask_classes) {
        if (!create) {
            return NULL;
        }
        featmask_classes = g_hash_table_new(NULL, NULL);
    }
    info = g_hash_table_lookup(featmask_classes, oc);
    if (!info && create) {
        info = g_new0(QdevFeatmaskClassInfo, 1);
        info->state_offset = -1;
        info->words = g_array_new(FALSE, FALSE, sizeof(ptrdiff_t));
        g_hash_table_insert(featmask_classes, oc, info);
    }
    return info;
}

void qdev_featmask_class_init(DeviceClass *dc, ptrdiff_t state_offset,
                              const QdevFeatmaskOps *ops)
{
    QdevFeatmaskClassInfo *info = featmask_class_info(OBJECT_CLASS(dc), true);

    info->state_offset = state_offset;
    info->ops = ops;
}

void qdev_featmask_class_add_word(DeviceClass *dc, ptrdiff_t offset)
{
    QdevFeatmaskClassInfo *info = featmask_class_info(OBJECT_CLASS(dc), true);

    g_array_append_val(info->words, offset);
}

void qdev_featmask_register_kinds(FeatmaskMap *(*lookup)(const char *kind))
{
    featmask_kind_lookup = lookup;
}

/* The nearest class up from @oc that registered ops. */
static QdevFeatmaskClassInfo *featmask_class_ops(ObjectClass *oc)
{
    for (; oc; oc = object_class_get_parent(oc)) {
        QdevFeatmaskClassInfo *info = featmask_class_info(oc, false);

        if (info && info->ops) {
            return info;
        }
    }
    return NULL;
}

static bool featmask_is_word(ObjectClass *oc, ptrdiff_t offset)
{
    for (; oc; oc = object_class_get_parent(oc)) {
        QdevFeatmaskClassInfo *info = featmask_class_info(oc, false);
        guint i;

        for (i = 0; info && i < info->words->len; i++) {
            if (g_array_index(info->words, ptrdiff_t, i) == offset) {
                return true;
            }
        }
    }
    return false;
}

/* The bit properties of @oc (and its parents) on its feature words. */
static GPtrArray *featmask_switch_props(ObjectClass *oc)
{
    GPtrArray *props = g_ptr_array_new();
    ObjectClass *c;

    for (c = oc; object_class_dynamic_cast(c, TYPE_DEVICE);
         c = object_class_get_parent(c)) {
        DeviceClass *dc = DEVICE_CLASS(c);
        unsigned i;

        for (i = 0; i < dc->props_count_; i++) {
            const Property *prop = &dc->props_[i];

            if ((prop->info == &qdev_prop_bit ||
                 prop->info == &qdev_prop_bit64) &&
                featmask_is_word(oc, prop->offset)) {
                g_ptr_array_add(props, (gpointer)prop);
            }
        }
    }
    return props;
}

static const Property *featmask_take_prop(GPtrArray *props,
                                          const FeatmaskFeature *f)
{
    guint i;

    for (i = 0; i < props->len; i++) {
        const Property *prop = props->pdata[i];

        if (!strcmp(prop->name, f->name) ||
            (f->bit != FEATMASK_NO_BIT && prop->bitnr == f->bit)) {
            g_ptr_array_remove_index(props, i);
            return prop;
        }
    }
    return NULL;
}

/*
 * Build the map of @dev's class: the static map's features in its order
 * (those without a property of the class lose their switch), then the bit
 * properties the static map does not know.
 */
static QdevFeatmaskDerived *featmask_derive(DeviceState *dev,
                                            const QdevFeatmaskOps *ops,
                                            Error **errp)
{
    ObjectClass *oc = object_get_class(OBJECT(dev));
    g_autoptr(GPtrArray) props = featmask_switch_props(oc);
    g_autoptr(FeatmaskMap) smap = ops->static_map ? ops->static_map(dev)
                                                  : NULL;
    g_autoptr(FeatmaskMap) map = NULL;
    g_autoptr(GPtrArray) switches = g_ptr_array_new();
    QdevFeatmaskDerived *d;
    size_t i;

    map = featmask_map_new(smap ? featmask_map_kind(smap)
                                : object_class_get_name(oc),
                           smap ? featmask_map_desc(smap)
                                : "features of the device's bit properties");
    for (i = 0; smap && i < featmask_map_size(smap); i++) {
        FeatmaskFeature f = *featmask_map_get(smap, i);
        const Property *prop = featmask_take_prop(props, &f);

        f.no_property = !prop;
        if (!featmask_map_add(map, &f, errp)) {
            return NULL;
        }
        g_ptr_array_add(switches, (gpointer)prop);
    }
    for (i = 0; i < props->len; i++) {
        const Property *prop = props->pdata[i];
        FeatmaskFeature f = {
            .name = prop->name, .bit = prop->bitnr, .desc = "",
        };
        bool ok = smap ? featmask_map_add(map, &f, errp)
                       : featmask_map_add_dynamic(map, prop->name,
                                                  prop->bitnr, errp);

        if (!ok) {
            return NULL;
        }
        g_ptr_array_add(switches, (gpointer)prop);
    }
    if (!featmask_map_finalize(map, errp)) {
        return NULL;
    }

    d = g_new0(QdevFeatmaskDerived, 1);
    d->map = g_steal_pointer(&map);
    d->switches = (const Property **)g_ptr_array_free(
        g_steal_pointer(&switches), FALSE);
    return d;
}

static QdevFeatmaskDerived *featmask_derived_get(DeviceState *dev,
                                                 Error **errp)
{
    ObjectClass *oc = object_get_class(OBJECT(dev));
    QdevFeatmaskClassInfo *info = featmask_class_ops(oc);
    QdevFeatmaskDerived *d;

    if (!info) {
        return NULL;
    }
    if (!featmask_derived) {
        featmask_derived = g_hash_table_new(NULL, NULL);
    }
    d = g_hash_table_lookup(featmask_derived, oc);
    if (!d) {
        d = featmask_derive(dev, info->ops, errp);
        if (!d) {
            return NULL;
        }
        g_hash_table_insert(featmask_derived, oc, d);
    }
    return d;
}

FeatmaskMap *qdev_featmask_map(DeviceState *dev, Error **errp)
{
    QdevFeatmaskDerived *d = featmask_derived_get(dev, errp);

    return d ? featmask_map_ref(d->map) : NULL;
}

static QdevFeatmask *featmask_state(Object *obj, const QdevFeatmaskOps **ops)
{
    QdevFeatmaskClassInfo *info;

    if (!object_dynamic_cast(obj, TYPE_DEVICE)) {
        return NULL;
    }
    info = featmask_class_ops(object_get_class(obj));
    if (!info) {
        return NULL;
    }
    if (ops) {
        *ops = info->ops;
    }
    return (QdevFeatmask *)((char *)obj + info->state_offset);
}

typedef struct FeatmaskChild {
    Object *found;
} FeatmaskChild;

static int featmask_find_child(Object *child, void *opaque)
{
    FeatmaskChild *c = opaque;

    if (featmask_state(child, NULL)) {
        c->found = child;
        return 1;
    }
    return 0;
}

QdevFeatmask *qdev_featmask_get(Object *obj, DeviceState **holder)
{
    FeatmaskChild c = { NULL };

    if (!featmask_classes) {
        return NULL;
    }
    if (featmask_state(obj, NULL)) {
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
    return featmask_state(c.found, NULL);
}

static inline void *featmask_field(DeviceState *dev, const Property *prop)
{
    return (char *)dev + prop->offset;
}

FeatmaskSet *qdev_featmask_switches(DeviceState *dev)
{
    QdevFeatmaskDerived *d = featmask_derived_get(dev, &error_abort);
    FeatmaskSet *set = featmask_set_new(d->map);
    size_t i;

    for (i = 0; i < featmask_map_size(d->map); i++) {
        const Property *prop = d->switches[i];
        bool on;

        if (!prop) {
            continue;
        }
        if (prop->info == &qdev_prop_bit64) {
            on = *(uint64_t *)featmask_field(dev, prop) & BIT_ULL(prop->bitnr);
        } else {
            on = *(uint32_t *)featmask_field(dev, prop) & BIT(prop->bitnr);
        }
        if (on) {
            featmask_set_add(set, i);
        }
    }
    return set;
}

void qdev_featmask_set_switches(DeviceState *dev, const FeatmaskSet *set)
{
    QdevFeatmaskDerived *d = featmask_derived_get(dev, &error_abort);
    size_t i;

    for (i = 0; i < featmask_map_size(d->map); i++) {
        const Property *prop = d->switches[i];
        bool on = featmask_set_has(set, i);

        if (!prop) {
            continue;
        }
        if (prop->info == &qdev_prop_bit64) {
            uint64_t *p = featmask_field(dev, prop);

            *p = on ? *p | BIT_ULL(prop->bitnr) : *p & ~BIT_ULL(prop->bitnr);
        } else {
            uint32_t *p = featmask_field(dev, prop);

            *p = on ? *p | BIT(prop->bitnr) : *p & ~BIT(prop->bitnr);
        }
    }
}

/* The features that have a bit property. */
static FeatmaskSet *featmask_switchable(const QdevFeatmaskDerived *d)
{
    FeatmaskSet *set = featmask_set_new(d->map);
    size_t i;

    for (i = 0; i < featmask_map_size(d->map); i++) {
        if (d->switches[i]) {
            featmask_set_add(set, i);
        }
    }
    return set;
}

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

char *qdev_featmask_backend(DeviceState *dev)
{
    static const char *const backend_props[] = {
        "netdev", "chardev", "drive",
    };
    const QdevFeatmaskOps *ops = NULL;
    DeviceState *devs[2] = { dev, qdev_featmask_user_device(dev) };
    size_t i, j;

    if (featmask_state(OBJECT(dev), &ops) && ops->backend) {
        return ops->backend(dev);
    }
    for (i = 0; i < G_N_ELEMENTS(devs); i++) {
        for (j = 0; j < G_N_ELEMENTS(backend_props); j++) {
            Object *obj = OBJECT(devs[i]);
            g_autofree char *name = NULL;
            NetClientState *nc;

            if (!object_property_find(obj, backend_props[j])) {
                continue;
            }
            name = object_property_get_str(obj, backend_props[j], NULL);
            if (!name || !*name) {
                continue;
            }
            nc = j == 0 ? qemu_find_netdev(name) : NULL;
            if (nc) {
                return g_strdup_printf("netdev '%s' (%s)", name,
                                       NetClientDriver_str(nc->info->type));
            }
            return g_strdup_printf("%s '%s'", backend_props[j], name);
        }
    }
    return NULL;
}

static char *featmask_names(const FeatmaskSet *set)
{
    g_autofree const char **names = featmask_set_to_names(set);

    return g_strjoinv(", ", (char **)names);
}

/* "on", "off" and their synonyms, as a QString or a QBool; -1 if neither */
static int featmask_switch_value(QObject *value)
{
    QBool *qb = qobject_to(QBool, value);
    QString *qs = qobject_to(QString, value);
    bool on;

    if (qb) {
        return qbool_get_bool(qb);
    }
    if (qs && qapi_bool_parse("value", qstring_get_str(qs), &on, NULL)) {
        return on;
    }
    return -1;
}

static int featmask_strcmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool qdev_featmask_prepare_props(DeviceState *dev, QDict *props,
                                 Error **errp)
{
    DeviceState *holder;
    QdevFeatmask *fm = qdev_featmask_get(OBJECT(dev), &holder);
    QdevFeatmaskDerived *d;
    const char *mask = qdict_get_try_str(props, "features");
    const QDictEntry *e;

    if (!fm) {
        return true;
    }
    d = featmask_derived_get(holder, errp);
    if (!d) {
        return false;
    }

    if (mask) {
        g_autoptr(GPtrArray) signed_keys = g_ptr_array_new_with_free_func(
            g_free);
        GString *s = g_string_new(mask);
        guint i;

        for (e = qdict_first(props); e; e = qdict_next(props, e)) {
            const char *key = qdict_entry_key(e);

            if (key[0] != '+' && key[0] != '-') {
                continue;
            }
            if (featmask_switch_value(qdict_entry_value(e)) != 1) {
                error_setg(errp, "'%s' is an item of features= and takes no"
                           " value", key);
                g_string_free(s, TRUE);
                return false;
            }
            g_ptr_array_add(signed_keys, g_strdup(key));
        }
        /* QDict order is not the command line's: keep the output stable. */
        g_ptr_array_sort(signed_keys, featmask_strcmp);
        for (i = 0; i < signed_keys->len; i++) {
            const char *key = signed_keys->pdata[i];

            g_string_append_printf(s, ",%s", key);
            qdict_del(props, key);
        }
        qdict_put_str(props, "features", s->str);
        g_string_free(s, TRUE);
    }

    for (e = qdict_first(props); e; e = qdict_next(props, e)) {
        const char *key = qdict_entry_key(e);
        size_t i;
        int on;

        for (i = 0; i < featmask_map_size(d->map); i++) {
            if (d->switches[i] && !strcmp(d->switches[i]->name, key)) {
                break;
            }
        }
        on = i < featmask_map_size(d->map) ?
             featmask_switch_value(qdict_entry_value(e)) : -1;
        if (on < 0) {
            /* Not a feature, or a bad value its property will report. */
            continue;
        }
        if (!fm->explicit_on) {
            fm->explicit_on = featmask_set_new(d->map);
            fm->explicit_off = featmask_set_new(d->map);
        }
        featmask_set_add(on ? fm->explicit_on : fm->explicit_off, i);
    }
    return true;
}

static void featmask_release(QdevFeatmask *fm)
{
    g_clear_pointer(&fm->explicit_on, featmask_set_free);
    g_clear_pointer(&fm->explicit_off, featmask_set_free);
    g_clear_pointer(&fm->requested, featmask_set_free);
    g_clear_pointer(&fm->forbidden, featmask_set_free);
    g_clear_pointer(&fm->available, featmask_set_free);
    g_clear_pointer(&fm->map, featmask_map_unref);
    g_clear_pointer(&fm->guard_names, g_free);
    fm->dev = NULL;
}

/* Bit properties given with features= must agree with it. */
static bool featmask_check_explicit(DeviceState *dev, QdevFeatmask *fm,
                                    const FeatmaskSet *req, Error **errp)
{
    ERRP_GUARD();
    g_autoptr(FeatmaskSet) off = NULL;
    g_autoptr(FeatmaskSet) on = NULL;
    g_autofree char *who = NULL;
    g_autofree char *names = NULL;

    if (!fm->explicit_on) {
        return true;
    }
    off = featmask_set_copy(fm->explicit_on);
    featmask_set_subtract(off, req);
    on = featmask_set_copy(fm->explicit_off);
    featmask_set_intersect(on, req);
    if (featmask_set_is_empty(off) && featmask_set_is_empty(on)) {
        return true;
    }

    who = qdev_featmask_describe(dev);
    if (!featmask_set_is_empty(off)) {
        const char *first = featmask_map_get(fm->map,
                                             featmask_set_next(off, 0))->name;

        names = featmask_names(off);
        error_setg(errp, "%s: features='%s' turns off %s, which the same"
                   " options turn on", who, fm->mask, names);
        error_append_hint(errp, "Feature names after features= need a sign"
                          " ('+%s') or a doubled comma (',,%s'): alone they"
                          " are properties of their own.\n", first, first);
    } else {
        names = featmask_names(on);
        error_setg(errp, "%s: features='%s' turns on %s, which the same"
                   " options turn off", who, fm->mask, names);
    }
    return false;
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
               " need: %s", who, fm->mask, bad->str);
    return false;
}

bool qdev_featmask_apply(DeviceState *dev, Error **errp)
{
    ERRP_GUARD();
    QdevFeatmask *fm = featmask_state(OBJECT(dev), NULL);
    QdevFeatmaskDerived *d;
    g_autoptr(FeatmaskMask) mask = NULL;
    g_autoptr(FeatmaskSet) dflt = NULL;
    g_autoptr(FeatmaskSet) req = NULL;
    g_autoptr(FeatmaskSet) sw = NULL;
    g_autoptr(FeatmaskSet) noswitch = NULL;
    g_autoptr(FeatmaskSet) named = NULL;
    g_autofree char *who = NULL;

    if (!fm || !fm->mask) {
        return true;
    }
    who = qdev_featmask_describe(dev);
    d = featmask_derived_get(dev, errp);
    if (!d) {
        return false;
    }
    if (strlen(fm->mask) > QDEV_FEATMASK_MAX_LEN) {
        error_setg(errp, "%s: features= is %zu characters long, more than"
                   " %d", who, strlen(fm->mask), QDEV_FEATMASK_MAX_LEN);
        goto fail;
    }
    mask = featmask_mask_parse(d->map, fm->mask, errp);
    if (!mask) {
        error_prepend(errp, "%s: features=: ", who);
        goto fail;
    }
    g_clear_pointer(&fm->map, featmask_map_unref);
    fm->map = featmask_map_ref(d->map);

    sw = featmask_switchable(d);
    noswitch = featmask_set_new_full(d->map);
    featmask_set_subtract(noswitch, sw);

    /*
     * "all" and "none" are about the switches; a feature without one is
     * requested (or refused) only by name.
     */
    dflt = qdev_featmask_switches(dev);
    req = featmask_mask_apply(mask, dflt);
    featmask_set_intersect(req, sw);
    named = featmask_set_copy(featmask_mask_on(mask));
    featmask_set_intersect(named, noswitch);
    g_clear_pointer(&fm->requested, featmask_set_free);
    g_clear_pointer(&fm->forbidden, featmask_set_free);
    fm->requested = featmask_set_copy(req);
    featmask_set_union(fm->requested, named);
    fm->forbidden = featmask_set_copy(featmask_mask_off(mask));
    featmask_set_intersect(fm->forbidden, noswitch);

    if (!featmask_check_explicit(dev, fm, req, errp) ||
        !featmask_check_deps(dev, fm, noswitch, errp)) {
        goto fail;
    }
    g_clear_pointer(&fm->explicit_on, featmask_set_free);
    g_clear_pointer(&fm->explicit_off, featmask_set_free);
    qdev_featmask_set_switches(dev, req);
    return true;

fail:
    featmask_release(fm);
    return false;
}

/*
 * The migration guard: with features=, the source sends the names of the
 * features its device offers, in a section of its own registered before
 * the device's, so the destination checks them before it loads the
 * device's state.  Without features= the section is not sent.
 */

#define QDEV_FEATMASK_GUARD_MAX 65536

static bool featmask_guard_needed(void *opaque)
{
    QdevFeatmask *fm = opaque;

    return fm->mask != NULL;
}

static int featmask_guard_pre_save(void *opaque)
{
    QdevFeatmask *fm = opaque;
    g_autoptr(FeatmaskSet) offered = qdev_featmask_offered(fm->dev);
    g_autofree const char **names = featmask_set_to_names(offered);
    char *list = g_strjoinv(",", (char **)names);

    g_free(fm->guard_names);
    fm->guard_len = strlen(list);
    fm->guard_names = (uint8_t *)list;
    return 0;
}

static int featmask_guard_post_save(void *opaque)
{
    QdevFeatmask *fm = opaque;

    g_clear_pointer(&fm->guard_names, g_free);
    fm->guard_len = 0;
    return 0;
}

static bool featmask_guard_len_ok(void *opaque, int version_id)
{
    QdevFeatmask *fm = opaque;

    return fm->guard_len <= QDEV_FEATMASK_GUARD_MAX;
}

static int featmask_guard_pre_load(void *opaque)
{
    QdevFeatmask *fm = opaque;

    g_clear_pointer(&fm->guard_names, g_free);
    fm->guard_len = 0;
    return 0;
}

/*
 * Feature names are made of these (QEMU's property names); a comma
 * separates them.  Anything else, a NUL included, is a corrupted section:
 * a NUL would hide the names after it from the check.
 */
static bool featmask_guard_byte_ok(uint8_t c)
{
    return g_ascii_isalnum(c) || c == '_' || c == '-' || c == '.' ||
           c == ',';
}

/*
 * The netdev of @dev (or of its proxy) when it is a vhost-user one that
 * lost its backend process: QEMU then sets its link down and keeps the
 * device without a backend, until the backend comes back (with the
 * chardev's reconnect-ms) or for good.  Such a host provides none of the
 * backend's features.
 */
static NetClientState *featmask_guard_lost_netdev(DeviceState *dev)
{
    DeviceState *devs[2] = { dev, qdev_featmask_user_device(dev) };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(devs); i++) {
        g_autofree char *name = NULL;
        NetClientState *nc;

        if (!object_property_find(OBJECT(devs[i]), "netdev")) {
            continue;
        }
        name = object_property_get_str(OBJECT(devs[i]), "netdev", NULL);
        nc = name && *name ? qemu_find_netdev(name) : NULL;
        if (nc) {
            return nc->info->type == NET_CLIENT_DRIVER_VHOST_USER &&
                   nc->link_down ? nc : NULL;
        }
    }
    return NULL;
}

/* The missing names listed in the error; the rest are counted. */
#define QDEV_FEATMASK_GUARD_SHOWN 16

static int featmask_guard_post_load(void *opaque, int version_id)
{
    QdevFeatmask *fm = opaque;
    g_autofree char *who = qdev_featmask_describe(fm->dev);
    g_autofree char *list = NULL;
    g_auto(GStrv) names = NULL;
    g_autoptr(FeatmaskSet) here = NULL;
    g_autoptr(GString) missing = g_string_new(NULL);
    NetClientState *lost;
    unsigned n_missing = 0;
    uint32_t i;

    for (i = 0; i < fm->guard_len; i++) {
        if (!featmask_guard_byte_ok(fm->guard_names[i])) {
            error_report("%s: the migration stream's featmask section is"
                         " corrupted: byte 0x%02x at offset %" PRIu32
                         " of %" PRIu32 " is not part of a feature name",
                         who, fm->guard_names[i], i, fm->guard_len);
            g_clear_pointer(&fm->guard_names, g_free);
            return -EINVAL;
        }
    }
    /* An empty list arrives as no buffer at all. */
    list = fm->guard_len ? g_strndup((char *)fm->guard_names, fm->guard_len)
                         : g_strdup("");
    g_clear_pointer(&fm->guard_names, g_free);
    names = g_strsplit(list, ",", -1);
    here = qdev_featmask_offered(fm->dev);
    for (i = 0; names[i]; i++) {
        int idx;

        if (!*names[i]) {
            continue;
        }
        idx = featmask_map_lookup(fm->map, names[i]);
        if (idx >= 0 && featmask_set_has(here, idx)) {
            continue;
        }
        if (n_missing++ < QDEV_FEATMASK_GUARD_SHOWN) {
            /* No name is this long: a corrupted section's garbage. */
            g_string_append_printf(missing, "%s%.64s%s",
                                   missing->len ? ", " : "", names[i],
                                   strlen(names[i]) > 64 ? "..." : "");
        }
    }
    lost = names[0] ? featmask_guard_lost_netdev(fm->dev) : NULL;
    if (!n_missing && lost) {
        error_report("%s: features enabled on the source are not available"
                     " here: netdev '%s' (vhost-user) lost its backend",
                     who, lost->name);
        return -EINVAL;
    }
    if (n_missing) {
        if (n_missing > QDEV_FEATMASK_GUARD_SHOWN) {
            g_string_append_printf(missing, " and %u more",
                                   n_missing - QDEV_FEATMASK_GUARD_SHOWN);
        }
        error_report("%s: features enabled on the source are not available"
                     " here: %s", who, missing->str);
        return -EINVAL;
    }
    return 0;
}

static const VMStateDescription vmstate_qdev_featmask_guard = {
    .name = "featmask",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = featmask_guard_needed,
    .pre_save = featmask_guard_pre_save,
    .post_save = featmask_guard_post_save,
    .pre_load = featmask_guard_pre_load,
    .post_load = featmask_guard_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(guard_len, QdevFeatmask),
        VMSTATE_VALIDATE("featmask names fit", featmask_guard_len_ok),
        VMSTATE_VBUFFER_ALLOC_UINT32(guard_names, QdevFeatmask, 0, NULL,
                                     guard_len),
        VMSTATE_END_OF_LIST()
    },
};

bool qdev_featmask_enforce(DeviceState *dev, Error **errp)
{
    ERRP_GUARD();
    QdevFeatmask *fm = featmask_state(OBJECT(dev), NULL);
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

    if (fm->mask) {
        offered = qdev_featmask_offered(dev);
        bad = featmask_set_copy(fm->requested);
        featmask_set_subtract(bad, offered);
        if (!featmask_set_is_empty(bad)) {
            g_autofree char *backend = qdev_featmask_backend(dev);
            g_autoptr(FeatmaskSet) avail = qdev_featmask_available(dev);
            g_autofree char *have = featmask_names(avail);

            who = qdev_featmask_describe(dev);
            names = featmask_names(bad);
            error_setg(errp, "%s: %s cannot provide features requested by"
                       " features=: %s", who,
                       backend ? backend : "its backend", names);
            error_append_hint(errp, "Available here: %s\n", have);
            goto fail;
        }
        featmask_set_free(bad);
        bad = featmask_set_copy(fm->forbidden);
        featmask_set_intersect(bad, offered);
        if (!featmask_set_is_empty(bad)) {
            who = qdev_featmask_describe(dev);
            names = featmask_names(bad);
            error_setg(errp, "%s: features= turns off %s, but the device"
                       " offers it regardless: it has no property to switch"
                       " it off", who, names);
            goto fail;
        }
    }

    if (vmstate_register_with_alias_id(VMSTATE_IF(dev),
                                       VMSTATE_INSTANCE_ID_ANY,
                                       &vmstate_qdev_featmask_guard, fm,
                                       -1, 0, errp) < 0) {
        goto fail;
    }
    fm->guard_registered = true;
    return true;

fail:
    featmask_release(fm);
    return false;
}

void qdev_featmask_unrealize(DeviceState *dev)
{
    QdevFeatmask *fm = featmask_state(OBJECT(dev), NULL);

    if (!fm) {
        return;
    }
    if (fm->guard_registered) {
        vmstate_unregister(VMSTATE_IF(dev), &vmstate_qdev_featmask_guard,
                           fm);
        fm->guard_registered = false;
    }
    featmask_release(fm);
}

FeatmaskSet *qdev_featmask_offered(DeviceState *dev)
{
    const QdevFeatmaskOps *ops;
    QdevFeatmask *fm = featmask_state(OBJECT(dev), &ops);

    return ops->offered(dev, fm->map);
}

FeatmaskSet *qdev_featmask_acked(DeviceState *dev)
{
    const QdevFeatmaskOps *ops;
    QdevFeatmask *fm = featmask_state(OBJECT(dev), &ops);

    return ops->acked(dev, fm->map);
}

FeatmaskSet *qdev_featmask_available(DeviceState *dev)
{
    QdevFeatmask *fm = featmask_state(OBJECT(dev), NULL);
    FeatmaskSet *set = qdev_featmask_offered(dev);

    /* The device may add features its backend probe did not see. */
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
    QdevFeatmask *fm = featmask_state(obj, NULL);

    if (fm && fm->map && DEVICE(obj)->realized) {
        f->fn(DEVICE(obj), fm, f->opaque);
    }
    return 0;
}

void qdev_featmask_foreach(QdevFeatmaskFunc fn, void *opaque)
{
    FeatmaskForeach f = { fn, opaque };

    if (featmask_classes) {
        object_child_foreach_recursive(object_get_root(),
                                       featmask_foreach_one, &f);
    }
}

FeatmaskMap *qdev_featmask_kind_map(const char *kind)
{
    return featmask_kind_lookup ? featmask_kind_lookup(kind) : NULL;
}
