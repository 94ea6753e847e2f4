/*
 * featmask plan: per host, the QEMU arguments of the common feature set
 *
 * The CPU comes as QEMU's migration documentation writes it: "-cpu host"
 * (KVM) or "-cpu max" (TCG) with what this host has beyond the common
 * set switched off, or a named model with what the common set adds to it
 * and lacks of it.  Devices come in two forms: "features=" of featmask's
 * QEMU patch-set (the same explicit list on every host, enforced by
 * QEMU), and the per-property switches that unpatched QEMU takes
 * ("csum=off"), which differ from host to host.
 *
 * The plan is built as data first (Plan), then checked against what each
 * host's QEMU can switch, then rendered (text, JSON) or verified by
 * starting each host's QEMU (verify.c).
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "target/i386/featmask-cpu.h"
#include "cli.h"
#include "verify.h"

static gboolean opt_json;
static char *opt_cpu_form;
static char *opt_qemu_kind;
static gboolean opt_verify;
static char **opt_qemu;
static char *opt_format;
static char *opt_host;
static char *opt_output;

static const GOptionEntry plan_options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, "print JSON", NULL },
    { "cpu-form", 0, 0, G_OPTION_ARG_STRING, &opt_cpu_form,
      "host: -cpu host,x=off under KVM, -cpu max,x=off under TCG "
      "(default); model: -cpu Model-vN,+x,-y", "FORM" },
    { "qemu-kind", 0, 0, G_OPTION_ARG_STRING, &opt_qemu_kind,
      "patched: features=; stock: per-property switches; both "
      "(default: what each profile says, else both)", "KIND" },
    { "verify", 0, 0, G_OPTION_ARG_NONE, &opt_verify,
      "start each host's QEMU paused with its lines and report the lines "
      "it refuses", NULL },
    { "qemu", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_qemu,
      "with --verify: run HOST's QEMU from BINARY (default: the profile's "
      "qemu binary)", "HOST=BINARY" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &opt_format,
      "text (default), json, libvirt (domain XML) or selector (Kubernetes)",
      "FORMAT" },
    { "host", 0, 0, G_OPTION_ARG_STRING, &opt_host,
      "only this host's part of the plan", "HOST" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
      "write the plan to FILE, nothing to standard output", "FILE" },
    { NULL }
};

enum { FORM_PATCHED = 1, FORM_STOCK = 2 };

/**
 * PlanDevice: one device's lines on one host
 * @item: the device's negotiation
 * @off: what this host turns off
 * @fixed: names of @off no switch of this host's QEMU turns off
 * @patched: the features= line, or NULL when not this host's form
 * @stock: the per-property line, or NULL when not this host's form
 */
typedef struct PlanDevice {
    const FeatmaskPoolItem *item;
    const FeatmaskSet *off;
    GPtrArray *fixed;
    char *patched;
    char *stock;
} PlanDevice;

/**
 * PlanHost: one host's lines
 * @name: its name
 * @p: its profile, for its QEMU (in a pool read as a stream, a profile
 *     of the qemu_* fields only, which hosts of one QEMU share)
 * @cpu: the -cpu line, or NULL without CPUs
 * @cpu_off: what this host's CPU turns off
 * @forms: FORM_PATCHED and/or FORM_STOCK
 * @devices: PlanDevice *
 */
typedef struct PlanHost {
    const char *name;
    const FeatmaskProfile *p;
    char *cpu;
    const FeatmaskSet *cpu_off;
    int forms;
    GPtrArray *devices;
} PlanHost;

/**
 * PlanQemu: the QEMU of each host of a pool read as a stream
 * @by_key: what a QEMU is (its qemu_* fields as text) -> index + 1
 * @qemus: FeatmaskProfile *, the qemu_* fields of each different QEMU
 * @of_host: uint32_t, the index in @qemus of each host's
 */
typedef struct PlanQemu {
    GHashTable *by_key;
    GPtrArray *qemus;
    GArray *of_host;
} PlanQemu;

/**
 * Plan: built and rendered host by host, so that a pool of any size
 * needs the memory of one host's lines
 * @pool: the negotiated pool
 * @qemu: the hosts' QEMUs, or NULL when @pool has its profiles
 * @cpu: the CPU features every host's line gives the guest, or NULL
 * @model: with --cpu-form model, every host's -cpu line
 * @features: per device of the pool, its features= value (char *)
 * @problems: what a host must turn off and its QEMU cannot (char *)
 * @cpu_off, @device_off: what each host turns off (FeatmaskTurnOff)
 * @cannot: what each QEMU cannot switch (see cannot_switch())
 */
typedef struct Plan {
    const FeatmaskPool *pool;
    const PlanQemu *qemu;
    const FeatmaskSet *cpu;
    char *model;
    GPtrArray *features;
    GPtrArray *problems;
    FeatmaskTurnOff *cpu_off;
    GPtrArray *device_off;
    GHashTable *cannot;
} Plan;

static void plan_device_free(void *opaque)
{
    PlanDevice *d = opaque;

    g_ptr_array_free(d->fixed, TRUE);
    g_free(d->patched);
    g_free(d->stock);
    g_free(d);
}

static void plan_host_free(PlanHost *h)
{
    if (h) {
        g_free(h->cpu);
        g_ptr_array_free(h->devices, TRUE);
        g_free(h);
    }
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PlanHost, plan_host_free)

static void plan_free(Plan *plan)
{
    g_free(plan->model);
    g_ptr_array_free(plan->features, TRUE);
    g_ptr_array_free(plan->problems, TRUE);
    featmask_turn_off_free(plan->cpu_off);
    g_ptr_array_free(plan->device_off, TRUE);
    g_hash_table_destroy(plan->cannot);
    g_free(plan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Plan, plan_free)

static void plan_qemu_free(PlanQemu *q)
{
    g_hash_table_destroy(q->by_key);
    g_ptr_array_free(q->qemus, TRUE);
    g_array_free(q->of_host, TRUE);
    g_free(q);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PlanQemu, plan_qemu_free)

/*
 * The key of a QEMU: each string with its length before it, a list with
 * its count, "-" for none, so that two different QEMUs never share one
 * whatever their strings hold.
 */
static void key_add_string(GString *key, const char *s)
{
    if (!s) {
        g_string_append_c(key, '-');
        return;
    }
    g_string_append_printf(key, "%zu:", strlen(s));
    g_string_append(key, s);
}

static void key_add_strv(GString *key, char **v)
{
    if (!v) {
        g_string_append_c(key, '-');
        return;
    }
    g_string_append_printf(key, "%u[", g_strv_length(v));
    for (; *v; v++) {
        key_add_string(key, *v);
    }
}

/*
 * CliProfileTap: keep what the plan needs of @p's QEMU, once for the
 * hosts of one QEMU, before the pool frees @p.
 */
static bool plan_qemu_tap(void *opaque, FeatmaskProfile *p, Error **errp)
{
    PlanQemu *q = opaque;
    g_autoptr(GString) key = g_string_new(NULL);
    uint32_t idx;
    guint i;

    key_add_string(key, p->qemu_kind);
    key_add_string(key, p->qemu_version);
    key_add_string(key, p->qemu_binary);
    key_add_string(key, p->qemu_accel);
    key_add_strv(key, p->qemu_args);
    key_add_strv(key, p->qemu_cpu_models);
    for (i = 0; p->qemu_switches && i < p->qemu_switches->len; i++) {
        FeatmaskProfileSwitches *sw = p->qemu_switches->pdata[i];

        key_add_string(key, sw->type);
        key_add_strv(key, sw->names);
    }
    idx = GPOINTER_TO_UINT(g_hash_table_lookup(q->by_key, key->str));
    if (!idx) {
        FeatmaskProfile *qemu = featmask_profile_new(NULL);

        /* the pool does not look at them: take them */
        qemu->qemu_kind = g_steal_pointer(&p->qemu_kind);
        qemu->qemu_version = g_steal_pointer(&p->qemu_version);
        qemu->qemu_binary = g_steal_pointer(&p->qemu_binary);
        qemu->qemu_accel = g_steal_pointer(&p->qemu_accel);
        qemu->qemu_args = g_steal_pointer(&p->qemu_args);
        qemu->qemu_cpu_models = g_steal_pointer(&p->qemu_cpu_models);
        qemu->qemu_switches = g_steal_pointer(&p->qemu_switches);
        g_ptr_array_add(q->qemus, qemu);
        idx = q->qemus->len;
        g_hash_table_insert(q->by_key, g_string_free(g_steal_pointer(&key),
                                                     FALSE),
                            GUINT_TO_POINTER(idx));
    }
    idx--;
    g_array_append_val(q->of_host, idx);
    return true;
}

/*
 * The profiles of the pool's different QEMUs, in the order of the first
 * host of each (without a PlanQemu, every host's).
 */
static const GPtrArray *plan_qemus(const Plan *plan)
{
    return plan->qemu ? plan->qemu->qemus : plan->pool->profiles;
}

/* The profile of host @h, for its QEMU. */
static const FeatmaskProfile *host_profile(const Plan *plan, size_t h)
{
    if (!plan->qemu) {
        return plan->pool->profiles->pdata[h];
    }
    return plan->qemu->qemus->pdata[g_array_index(plan->qemu->of_host,
                                                  uint32_t, h)];
}

/* "QEMU 7.2.22 of host-a", for messages. */
static char *qemu_of(const char *host, const FeatmaskProfile *p)
{
    g_autofree char *version = NULL;

    if (p->qemu_version) {
        version = g_strndup(p->qemu_version, strcspn(p->qemu_version, " "));
    }
    return g_strdup_printf("QEMU%s%s of %s", version ? " " : "",
                           version ? version : "", host);
}

/* Can @p's QEMU switch feature @idx of @map? */
static bool can_switch(const FeatmaskProfile *p, const char *type,
                       const FeatmaskMap *map, int idx)
{
    char *const *names = featmask_profile_switches(p, type);
    const FeatmaskFeature *f = featmask_map_get(map, idx);

    if (names) {
        return g_strv_contains((const char *const *)names, f->name);
    }
    /* Unknown QEMU: the map says whether QEMU has a property for it. */
    return !f->no_property || f->switch_prop;
}

static void add_problem(Plan *plan, const char *host, const char *what,
                        const char *feature, const char *why)
{
    g_ptr_array_add(plan->problems, g_strdup_printf(
        "%s: %s: cannot turn off '%s': %s", host, what, feature, why));
}

/*
 * The features of the map of item @slot (0: the CPU, 1 + d: device d) of
 * type @type that @p's QEMU cannot switch, as bits: worked out once for
 * the hosts of one QEMU.
 */
static const uint64_t *cannot_switch(Plan *plan, const FeatmaskProfile *p,
                                     guint slot, const char *type,
                                     const FeatmaskMap *map)
{
    GPtrArray *per = g_hash_table_lookup(plan->cannot, p);
    size_t i, n = featmask_map_size(map);
    uint64_t *bits;

    if (!per) {
        per = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_set_size(per, 1 + plan->pool->devices->len);
        g_hash_table_insert(plan->cannot, (gpointer)p, per);
    }
    if (per->pdata[slot]) {
        return per->pdata[slot];
    }
    bits = g_new0(uint64_t, (n + 63) / 64);
    for (i = 0; i < n; i++) {
        if (!can_switch(p, type, map, i)) {
            bits[i / 64] |= 1ULL << (i % 64);
        }
    }
    per->pdata[slot] = bits;
    return bits;
}

/* Is feature @f a bit of the integer property @prop? */
static bool is_int_bit(const FeatmaskFeature *f, const char *prop)
{
    return f->switch_kind == FEATMASK_SWITCH_INT_BIT && f->switch_prop &&
           (!prop || !strcmp(f->switch_prop, prop));
}

/*
 * Has a member of @set before @i that @cannot does not hold the integer
 * property @prop as its switch?  Its value is written once.
 */
static bool int_bit_seen(const FeatmaskSet *set, const uint64_t *cannot,
                         int i, const char *prop)
{
    const FeatmaskMap *map = featmask_set_map(set);
    int j;

    for (j = featmask_set_next(set, 0); j >= 0 && j < i;
         j = featmask_set_next(set, j + 1)) {
        if (!(cannot[j / 64] & (1ULL << (j % 64))) &&
            is_int_bit(featmask_map_get(map, j), prop)) {
            return true;
        }
    }
    return false;
}

/* The value of the integer property @prop with the bits of @keep set. */
static uint64_t int_bits(const FeatmaskSet *keep, const char *prop)
{
    const FeatmaskMap *map = featmask_set_map(keep);
    uint64_t v = 0;
    int j;

    for (j = featmask_set_next(keep, 0); j >= 0;
         j = featmask_set_next(keep, j + 1)) {
        const FeatmaskFeature *f = featmask_map_get(map, j);

        if (is_int_bit(f, prop)) {
            v |= 1ULL << f->bit;
        }
    }
    return v;
}

/*
 * "a=off,b=off" for the members of @set; those @p's QEMU cannot switch
 * go to @fixed.  The bits of an integer property (pvpanic's events) are
 * no property of their own: it is set once, to the bits of @keep (what
 * the guest gets).  Without @text, only @fixed is made (and NULL
 * returned).
 */
static char *switches(Plan *plan, const FeatmaskProfile *p, guint slot,
                      const char *type, const FeatmaskSet *set,
                      const FeatmaskSet *keep, GPtrArray *fixed, bool text)
{
    GString *parts = text ? g_string_sized_new(256) : NULL;
    const FeatmaskMap *map = featmask_set_map(set);
    const uint64_t *cannot = cannot_switch(plan, p, slot, type, map);
    const char *name, *value;
    char number[24];
    size_t at = 0, len, vlen;
    int i;

    for (i = featmask_set_next(set, 0); i >= 0;
         i = featmask_set_next(set, i + 1)) {
        const FeatmaskFeature *f = featmask_map_get(map, i);

        if (cannot[i / 64] & (1ULL << (i % 64))) {
            g_ptr_array_add(fixed, (char *)f->name);
            continue;
        }
        if (!parts) {
            continue;
        }
        /* A feature with a property of another name: that property. */
        name = f->switch_prop ? f->switch_prop : f->name;
        value = "off";
        if (is_int_bit(f, NULL)) {
            if (int_bit_seen(set, cannot, i, name)) {
                continue;
            }
            g_snprintf(number, sizeof(number), "%" PRIu64,
                       int_bits(keep, name));
            value = number;
        }
        len = strlen(name);
        vlen = strlen(value);
        /* A line per host and device: room for ",NAME=VALUE" at once. */
        if (parts->len + len + vlen + 3 > parts->allocated_len) {
            g_string_set_size(parts, 2 * (parts->len + len + vlen + 3));
            g_string_truncate(parts, at);
        }
        if (at) {
            parts->str[at++] = ',';
        }
        memcpy(parts->str + at, name, len);
        parts->str[at + len] = '=';
        memcpy(parts->str + at + len + 1, value, vlen + 1);
        at += len + 1 + vlen;
        parts->len = at;
    }
    return parts ? g_string_free(parts, FALSE) : NULL;
}

/*
 * The features= value: "none:+a:+b", the common set listed one by one,
 * separated by ':' so that it needs no escaping on QEMU's command line.
 * It names every feature the guest may have, so a QEMU whose map knows a
 * feature featmask's does not still leaves it off: the mask cannot widen
 * from one QEMU version to the next, as "all,-x" would.
 */
static char *features_value(const FeatmaskPoolItem *item)
{
    const FeatmaskSet *common = featmask_baseline_common(item->baseline);
    g_autoptr(FeatmaskSet) none = featmask_set_new(item->map);
    g_autoptr(FeatmaskMask) mask = featmask_mask_new(FEATMASK_BASE_NONE,
                                                     common, none);

    return g_strdelimit(featmask_mask_format(mask), ",", ':');
}

/* The forms of host @p: --qemu-kind, else what its profile says. */
static int qemu_forms(const FeatmaskProfile *p)
{
    const char *kind = opt_qemu_kind ? opt_qemu_kind : p->qemu_kind;

    return !g_strcmp0(kind, "patched") ? FORM_PATCHED :
           !g_strcmp0(kind, "stock") ? FORM_STOCK : FORM_PATCHED | FORM_STOCK;
}

/*
 * "-cpu host,a=off" under KVM (or unknown), "-cpu max,a=off" under TCG;
 * NULL without @text (only the problems are looked for).
 */
static char *cpu_host_arg(Plan *plan, const PlanHost *host, bool text)
{
    const FeatmaskProfile *p = host->p;
    const char *model = !g_strcmp0(p->qemu_accel, "tcg") ? "max" : "host";
    g_autoptr(GPtrArray) fixed = g_ptr_array_new();
    g_autofree char *sw = switches(plan, p, 0, X86_FEATMASK_KIND,
                                   host->cpu_off, featmask_baseline_common(
                                       plan->pool->cpu->baseline),
                                   fixed, text);
    guint i;

    for (i = 0; i < fixed->len; i++) {
        g_autofree char *q = qemu_of(host->name, p);
        g_autofree char *why = g_strdup_printf(
            "%s has no -cpu switch for it (another host lacks it)", q);

        add_problem(plan, host->name, "cpu", fixed->pdata[i], why);
    }
    /* g_strconcat(), not a printf: lines are long, and one a host */
    return sw ? g_strconcat("-cpu ", model, *sw ? "," : "", sw, NULL)
              : NULL;
}

/*
 * The one named model of the pool: among the models every host's QEMU
 * knows, removing only what every host's QEMU can switch.
 */
static char *cpu_model_arg(Plan *plan, Error **errp)
{
    const FeatmaskPool *pool = plan->pool;
    const FeatmaskSet *common = featmask_baseline_common(pool->cpu->baseline);
    g_autoptr(FeatmaskSet) removable = featmask_set_new_full(pool->cpu->map);
    g_autoptr(GPtrArray) known = NULL;
    g_autoptr(X86ModelChoice) model = NULL;
    g_autofree char *line = NULL;
    const GPtrArray *qemus = plan_qemus(plan);
    size_t h;
    guint k, n;
    size_t i;

    for (n = 0; n < qemus->len; n++) {
        const FeatmaskProfile *p = qemus->pdata[n];

        for (i = 0; i < featmask_map_size(pool->cpu->map); i++) {
            if (!can_switch(p, X86_FEATMASK_KIND, pool->cpu->map, i)) {
                featmask_set_del(removable, i);
            }
        }
        if (!p->qemu_cpu_models) {
            continue;
        }
        if (!known) {
            known = g_ptr_array_new_with_free_func(g_free);
            for (k = 0; p->qemu_cpu_models[k]; k++) {
                g_ptr_array_add(known, g_strdup(p->qemu_cpu_models[k]));
            }
            continue;
        }
        for (k = known->len; k-- > 0;) {
            if (!g_strv_contains((const char *const *)p->qemu_cpu_models,
                                 known->pdata[k])) {
                g_ptr_array_remove_index(known, k);
            }
        }
    }
    if (known) {
        g_ptr_array_add(known, NULL);
    }
    model = x86_model_choose_full(common, pool->cpu_vendor,
                                  known ? (const char *const *)known->pdata
                                        : NULL, removable, errp);
    if (!model) {
        return NULL;
    }
    /* What the model adds must be a switch of every host's QEMU too. */
    for (h = 0; h < pool->nhosts; h++) {
        const FeatmaskProfile *p = host_profile(plan, h);
        int f;

        for (f = featmask_set_next(model->extra, 0); f >= 0;
             f = featmask_set_next(model->extra, f + 1)) {
            if (!can_switch(p, X86_FEATMASK_KIND, pool->cpu->map, f)) {
                const char *host = featmask_pool_host(pool, h);
                g_autofree char *q = qemu_of(host, p);
                g_autofree char *why = g_strdup_printf(
                    "%s has no -cpu switch to add it to %s", q, model->name);

                add_problem(plan, host, "cpu",
                            featmask_map_get(pool->cpu->map, f)->name, why);
            }
        }
    }
    line = x86_model_choice_format(model);
    return g_strdup_printf("-cpu %s", line);
}

static PlanDevice *plan_device(Plan *plan, PlanHost *host, size_t h,
                               guint d, bool text)
{
    const FeatmaskPoolItem *item = plan->pool->devices->pdata[d];
    PlanDevice *dev = g_new0(PlanDevice, 1);
    g_autofree char *sw = NULL;
    guint i;

    dev->item = item;
    dev->off = featmask_turn_off_get(plan->device_off->pdata[d], h);
    dev->fixed = g_ptr_array_sized_new(featmask_set_count(dev->off));
    sw = switches(plan, host->p, 1 + d, item->type, dev->off,
                  featmask_baseline_common(item->baseline), dev->fixed,
                  text);
    if (!text) {
        /* only the problems below */
    } else if (host->forms & FORM_PATCHED) {
        dev->patched = g_strconcat("-device ", item->type, ",id=", item->id,
                                   ",features=",
                                   (char *)plan->features->pdata[d], NULL);
    }
    if (text && (host->forms & FORM_STOCK)) {
        dev->stock = g_strconcat("-device ", item->type, ",id=", item->id,
                                 *sw ? "," : "", sw, NULL);
    }
    /*
     * A host whose profile says it runs stock QEMU must switch everything
     * off with properties: what it cannot is a problem, not a note.
     */
    if (host->forms == FORM_STOCK && host->p->qemu_kind) {
        for (i = 0; i < dev->fixed->len; i++) {
            g_autofree char *q = qemu_of(host->name, host->p);
            g_autofree char *why = g_strdup_printf(
                "%s has no %s property for it, its backend offers it and"
                " another host lacks it", q, item->type);

            add_problem(plan, host->name, item->id, dev->fixed->pdata[i],
                        why);
        }
    }
    return dev;
}

/* What the hosts turn off, from the first host on. */
static void plan_rewind(Plan *plan)
{
    const FeatmaskPool *pool = plan->pool;
    guint d;

    featmask_turn_off_free(plan->cpu_off);
    plan->cpu_off = pool->cpu ? featmask_turn_off_new(pool, pool->cpu)
                              : NULL;
    g_ptr_array_set_size(plan->device_off, 0);
    for (d = 0; d < pool->devices->len; d++) {
        g_ptr_array_add(plan->device_off, featmask_turn_off_new(
                            pool, pool->devices->pdata[d]));
    }
}

/*
 * The plan of the pool, without its hosts (plan_host() makes them):
 * the lines every host shares, and what no line can do.
 */
static Plan *plan_new(const FeatmaskPool *pool, const PlanQemu *qemu,
                      bool model_form, Error **errp)
{
    g_autoptr(Plan) plan = g_new0(Plan, 1);
    guint d;

    plan->pool = pool;
    plan->qemu = qemu;
    plan->features = g_ptr_array_new_with_free_func(g_free);
    plan->problems = g_ptr_array_new_with_free_func(g_free);
    plan->device_off = g_ptr_array_new_with_free_func(
        (GDestroyNotify)featmask_turn_off_free);
    plan->cannot = g_hash_table_new_full(NULL, NULL, NULL,
                                         (GDestroyNotify)g_ptr_array_unref);
    if (pool->cpu && !strcmp(pool->cpu->type, X86_FEATMASK_KIND)) {
        plan->cpu = featmask_baseline_common(pool->cpu->baseline);
    }
    for (d = 0; d < pool->devices->len; d++) {
        g_ptr_array_add(plan->features,
                        features_value(pool->devices->pdata[d]));
    }
    if (pool->cpu && model_form) {
        if (strcmp(pool->cpu->type, X86_FEATMASK_KIND) || !pool->cpu_vendor) {
            error_setg(errp, "--cpu-form model needs x86 CPUs of one vendor");
            return NULL;
        }
        plan->model = cpu_model_arg(plan, errp);
        if (!plan->model) {
            return NULL;
        }
    }
    plan_rewind(plan);
    return g_steal_pointer(&plan);
}

/*
 * Host @h's lines, or without @text only its problems (into
 * plan->problems); hosts come in order from plan_new() or plan_rewind().
 */
static PlanHost *plan_host(Plan *plan, size_t h, bool text)
{
    const FeatmaskPool *pool = plan->pool;
    PlanHost *host = g_new0(PlanHost, 1);
    guint d;

    host->name = featmask_pool_host(pool, h);
    host->p = host_profile(plan, h);
    host->forms = qemu_forms(host->p);
    host->devices = g_ptr_array_new_with_free_func(plan_device_free);
    if (pool->cpu) {
        host->cpu_off = featmask_turn_off_get(plan->cpu_off, h);
        host->cpu = plan->model ? g_strdup(plan->model)
                                : cpu_host_arg(plan, host, text);
    }
    for (d = 0; d < pool->devices->len; d++) {
        /* (what a device cannot turn off is a problem on stock QEMU only) */
        if (text || (host->forms == FORM_STOCK && host->p->qemu_kind)) {
            g_ptr_array_add(host->devices,
                            plan_device(plan, host, h, d, text));
        }
    }
    return host;
}

/* Host @host of the JSON array, as json-glib writes an array's items. */
static void render_json_host(const Plan *plan, const PlanHost *host,
                             bool first)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;
    char *line, *next;
    guint d, i;

    json_builder_begin_object(b);
    cli_json_add_string(b, "host", host->name);
    if (host->cpu) {
        json_builder_set_member_name(b, "cpu");
        json_builder_begin_object(b);
        cli_json_add_string(b, "args", host->cpu);
        cli_json_add_names(b, "turn-off", host->cpu_off);
        json_builder_end_object(b);
    }
    json_builder_set_member_name(b, "devices");
    json_builder_begin_array(b);
    for (d = 0; d < host->devices->len; d++) {
        const PlanDevice *dev = host->devices->pdata[d];

        json_builder_begin_object(b);
        cli_json_add_string(b, "id", dev->item->id);
        cli_json_add_string(b, "type", dev->item->type);
        cli_json_add_string(b, "features", plan->features->pdata[d]);
        cli_json_add_names(b, "turn-off", dev->off);
        if (dev->patched) {
            cli_json_add_string(b, "args-patched", dev->patched);
        }
        if (dev->stock) {
            cli_json_add_string(b, "args-stock", dev->stock);
        }
        json_builder_set_member_name(b, "no-property");
        json_builder_begin_array(b);
        for (i = 0; i < dev->fixed->len; i++) {
            json_builder_add_string_value(b, dev->fixed->pdata[i]);
        }
        json_builder_end_array(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    /* as cli_print_json() prints the whole array: one level in */
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_indent(gen, 2);
    text = json_generator_to_data(gen, NULL);
    fputs(first ? "[\n" : ",\n", stdout);
    for (line = text; line; line = next) {
        next = strchr(line, '\n');
        if (next) {
            *next++ = '\0';
        }
        printf("  %s%s", line, next ? "\n" : "");
    }
}

/* "HOST: LINE[TAIL]\n", without a printf's cost: lines are long. */
static void put_line(const char *host, const char *line, const char *tail)
{
    fputs(host, stdout);
    fputs(": ", stdout);
    fputs(line, stdout);
    if (tail) {
        fputs(tail, stdout);
    }
    putchar('\n');
}

static void render_text_host(const PlanHost *host)
{
    const char *name = host->name;
    guint d;

    if (host->cpu) {
        put_line(name, host->cpu, NULL);
    }
    for (d = 0; d < host->devices->len; d++) {
        const PlanDevice *dev = host->devices->pdata[d];

        if (dev->patched) {
            put_line(name, dev->patched, NULL);
        }
        if (!dev->stock) {
            continue;
        }
        put_line(name, dev->stock, dev->patched ? "   (unpatched QEMU)" : NULL);
        if (dev->fixed->len) {
            g_autofree char *list = NULL;

            g_ptr_array_add(dev->fixed, NULL);
            list = g_strjoinv(", ", (char **)dev->fixed->pdata);
            g_ptr_array_remove_index(dev->fixed, dev->fixed->len - 1);
            printf("%s:   note: no QEMU property switches off %s;"
                   " the backend of %s must not offer it\n",
                   name, list, dev->item->id);
        }
    }
}

/* --qemu HOST=BINARY, else the profile's binary; NULL if neither. */
static const char *host_binary(const PlanHost *host)
{
    char **o;

    for (o = opt_qemu; o && *o; o++) {
        const char *eq = strchr(*o, '=');

        if (eq && (size_t)(eq - *o) == strlen(host->name) &&
            !strncmp(*o, host->name, eq - *o)) {
            return eq + 1;
        }
    }
    return host->p->qemu_binary;
}

/* The lines of @host that its QEMU must take. */
static GPtrArray *host_lines(const PlanHost *host)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(
        (GDestroyNotify)featmask_verify_line_free);
    guint d;

    if (host->cpu) {
        g_ptr_array_add(lines, featmask_verify_line_new("cpu", host->cpu));
    }
    for (d = 0; d < host->devices->len; d++) {
        const PlanDevice *dev = host->devices->pdata[d];

        /* A host of unknown kind is tried with the per-property form. */
        g_ptr_array_add(lines, featmask_verify_line_new(
            dev->item->id, dev->stock ? dev->stock : dev->patched));
    }
    return lines;
}

/*
 * Start @host's QEMU with its lines; print each line's verdict.  Returns
 * the exit status, FEATMASK_EXIT_USAGE if QEMU could not be asked.
 */
static int verify_host(const Plan *plan, const PlanHost *host)
{
    const char *binary = host_binary(host);
    g_autoptr(GPtrArray) lines = NULL;
    int status = FEATMASK_EXIT_OK;
    Error *err = NULL;
    guint i;

    if (!binary) {
        return cli_usage("plan", "--verify: no QEMU for host '%s': its"
                         " profile names none (probe --qemu records it);"
                         " give --qemu %s=BINARY", host->name, host->name);
    }
    lines = host_lines(host);
    if (!featmask_verify_host(binary, host->p->qemu_args, lines, plan->cpu,
                              &err)) {
        error_prepend(&err, "%s: ", host->name);
        cli_error(err);
        return FEATMASK_EXIT_USAGE;
    }
    for (i = 0; i < lines->len; i++) {
        const FeatmaskVerifyLine *l = lines->pdata[i];

        if (l->refusal) {
            printf("%s: refused: %s\n%s:   %s\n", host->name, l->args,
                   host->name, l->refusal);
            status = FEATMASK_EXIT_INCOMPATIBLE;
        } else {
            printf("%s: ok: %s\n", host->name, l->args);
        }
    }
    return status;
}

/*
 * Could host @h's QEMU fail to switch off a feature of @item that some
 * host turns off?  Those are the item's dropped features.
 */
static bool item_may_fail(Plan *plan, const FeatmaskProfile *p, guint slot,
                          const char *type, const FeatmaskPoolItem *item)
{
    const uint64_t *cannot = cannot_switch(plan, p, slot, type, item->map);
    size_t i;

    for (i = 0; i < featmask_baseline_ndrops(item->baseline); i++) {
        size_t f = featmask_baseline_drop(item->baseline, i)->feature;

        if (cannot[f / 64] & (1ULL << (f % 64))) {
            return true;
        }
    }
    return false;
}

/*
 * Can any line of the plan be a problem?  Only if a host's QEMU cannot
 * switch off a feature some host turns off: asked once per different
 * QEMU, so that a pool without such a QEMU is gone through once.
 */
static bool plan_may_fail(Plan *plan)
{
    const FeatmaskPool *pool = plan->pool;
    const GPtrArray *qemus = plan_qemus(plan);
    guint d, q;

    for (q = 0; q < qemus->len; q++) {
        const FeatmaskProfile *p = qemus->pdata[q];

        if (pool->cpu && !plan->model &&
            item_may_fail(plan, p, 0, X86_FEATMASK_KIND, pool->cpu)) {
            return true;
        }
        /* as plan_device() says: a problem on stock QEMU only */
        for (d = 0; qemu_forms(p) == FORM_STOCK && p->qemu_kind &&
                    d < pool->devices->len; d++) {
            const FeatmaskPoolItem *item = pool->devices->pdata[d];

            if (item_may_fail(plan, p, 1 + d, item->type, item)) {
                return true;
            }
        }
    }
    return false;
}

/*
 * Every host's lines, made twice if any can be a problem: once to find
 * what no line can do (then there is no plan), once to print them (or
 * start each host's QEMU with them).  Returns the exit status.
 */
static int plan_run(Plan *plan)
{
    size_t h, nhosts = plan->pool->nhosts;
    bool may_fail = plan_may_fail(plan);
    int status = FEATMASK_EXIT_OK;
    guint i;

    for (h = 0; may_fail && h < nhosts; h++) {
        plan_host_free(plan_host(plan, h, false));
    }
    if (plan->problems->len) {
        for (i = 0; i < plan->problems->len; i++) {
            fprintf(stderr, "featmask: %s\n",
                    (char *)plan->problems->pdata[i]);
        }
        fprintf(stderr, "featmask: no plan: %u feature(s) cannot be turned"
                " off where they must\n", plan->problems->len);
        return FEATMASK_EXIT_INCOMPATIBLE;
    }
    plan_rewind(plan);
    for (h = 0; h < nhosts; h++) {
        g_autoptr(PlanHost) host = plan_host(plan, h, true);

        if (opt_verify) {
            int st = verify_host(plan, host);

            if (st == FEATMASK_EXIT_USAGE) {
                return st;
            }
            status = MAX(status, st);
        } else if (opt_json) {
            render_json_host(plan, host, h == 0);
        } else {
            render_text_host(host);
        }
    }
    if (opt_json && !opt_verify) {
        printf("\n]\n");
    }
    /* plan_may_fail() said no line could be a problem */
    g_assert(may_fail || !plan->problems->len);
    return status;
}

int cmd_plan(int argc, char **argv)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(GPtrArray) profiles = NULL;
    g_autoptr(FeatmaskPool) pool = NULL;
    g_autoptr(PlanQemu) qemu = NULL;
    g_autoptr(Plan) plan = NULL;
    Error *err = NULL;
    int status;
    char **o;
    size_t h;

    if (!cli_parse("plan", "PROFILE...", "Prints, for each host, the QEMU "
                   "arguments that launch a VM with only the\nfeatures "
                   "every host has: the CPU, and each device as features= "
                   "(QEMU with\nfeatmask's patch-set) or as per-property "
                   "switches (any QEMU), as the host's\nprofile says.  A "
                   "host that must turn off what its QEMU cannot switch off"
                   "\nmakes the plan fail (exit status 1).  With --verify, "
                   "each host's QEMU starts\npaused with its lines (and the "
                   "host's own arguments from its profile), and\nthe lines"
                   " it refuses are reported with QEMU's message (exit "
                   "status 1).", plan_options, &argc, &argv)) {
        return FEATMASK_EXIT_USAGE;
    }
    if (opt_cpu_form && strcmp(opt_cpu_form, "host") &&
        strcmp(opt_cpu_form, "model")) {
        return cli_usage("plan", "--cpu-form takes 'host' or 'model', not"
                         " '%s'", opt_cpu_form);
    }
    if (opt_qemu_kind && strcmp(opt_qemu_kind, "patched") &&
        strcmp(opt_qemu_kind, "stock") && strcmp(opt_qemu_kind, "both")) {
        return cli_usage("plan", "--qemu-kind takes 'patched', 'stock' or"
                         " 'both', not '%s'", opt_qemu_kind);
    }
    for (o = opt_qemu; o && *o; o++) {
        if (!opt_verify) {
            return cli_usage("plan", "--qemu is for --verify");
        }
        if (!strchr(*o, '=') || **o == '=' || !strchr(*o, '=')[1]) {
            return cli_usage("plan", "--qemu takes HOST=BINARY, not '%s'",
                             *o);
        }
    }
    if (!cli_plan_format_ok(opt_format, opt_host, &opt_json)) {
        return FEATMASK_EXIT_USAGE;
    }
    if (opt_verify && (opt_json || opt_format)) {
        return cli_usage("plan", "--verify prints text: no --json or"
                         " --format");
    }
    if (!cli_output_begin(opt_output)) {
        return FEATMASK_EXIT_USAGE;
    }
    if (argc < 2) {
        return cli_usage("plan", "no host profiles given");
    }
    if (cli_plan_format_other(opt_format)) {
        pool = cli_negotiate(argv + 1, argc - 1, maps, &profiles, 0,
                             &status);
        if (!pool) {
            return status;
        }
        return cli_plan_render(opt_format, pool, opt_cpu_form, opt_qemu_kind,
                               opt_host, features_value);
    }
    /*
     * Text and JSON are made host by host: the pool is read as a stream,
     * keeping of each host its name and which QEMU it runs.
     */
    qemu = g_new0(PlanQemu, 1);
    qemu->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         NULL);
    qemu->qemus = g_ptr_array_new_with_free_func(
        (GDestroyNotify)featmask_profile_free);
    qemu->of_host = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    /* No line says which hosts lack a feature: they are only counted. */
    pool = cli_negotiate_stream_tap(argv + 1, argc - 1, maps,
                                    FEATMASK_COUNT_MISSING_HOSTS,
                                    plan_qemu_tap, qemu, &status);
    if (!pool) {
        return status;
    }
    for (o = opt_qemu; o && *o; o++) {
        g_autofree char *host = g_strndup(*o, strchr(*o, '=') - *o);

        for (h = 0; h < pool->nhosts; h++) {
            if (!strcmp(featmask_pool_host(pool, h), host)) {
                break;
            }
        }
        if (h == pool->nhosts) {
            return cli_usage("plan", "--qemu %s: no profile of host '%s'",
                             *o, host);
        }
    }
    plan = plan_new(pool, qemu,
                    opt_cpu_form && !strcmp(opt_cpu_form, "model"), &err);
    if (!plan) {
        cli_error(err);
        return FEATMASK_EXIT_INCOMPATIBLE;
    }
    return plan_run(plan);
}
