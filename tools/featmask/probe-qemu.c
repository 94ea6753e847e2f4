/*
 * featmask: probe a host's devices through QEMU
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>
#include "hw/virtio/virtio-featmask-devices.h"
#include "target/i386/featmask-cpu.h"
#include "probe-qemu.h"
#include "qmp.h"

/* How long QEMU may take to open its QMP socket. */
#define QEMU_START_TIMEOUT_S 20

typedef struct QemuProcess {
    GPid pid;
    bool running;
    char *dir;
    char *sock;
    char *log;
} QemuProcess;

static void qemu_process_stop(QemuProcess *qp)
{
    if (qp->running) {
        int status, i;

        /* QMP "quit" was sent when possible; give it a moment. */
        for (i = 0; i < 50 && waitpid(qp->pid, &status, WNOHANG) == 0; i++) {
            g_usleep(20000);
        }
        if (i == 50) {
            kill(qp->pid, SIGKILL);
            waitpid(qp->pid, &status, 0);
        }
        qp->running = false;
    }
    if (qp->dir) {
        unlink(qp->sock);
        unlink(qp->log);
        rmdir(qp->dir);
    }
    g_free(qp->dir);
    g_free(qp->sock);
    g_free(qp->log);
}

/* QEMU's own words, for an error: the end of what it printed. */
static char *qemu_output(QemuProcess *qp)
{
    g_autofree char *text = NULL;

    if (!g_file_get_contents(qp->log, &text, NULL, NULL) || !*text) {
        return g_strdup("(QEMU printed nothing)");
    }
    g_strstrip(text);
    return g_steal_pointer(&text);
}

static bool qemu_process_start(QemuProcess *qp, const char *binary,
                               char *const *args, Error **errp)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) gerr = NULL;
    g_autofree char *chardev = NULL;
    int logfd, i;

    qp->dir = g_dir_make_tmp("featmask-probe-XXXXXX", &gerr);
    if (!qp->dir) {
        error_setg(errp, "cannot make a temporary folder: %s", gerr->message);
        return false;
    }
    qp->sock = g_build_filename(qp->dir, "qmp.sock", NULL);
    qp->log = g_build_filename(qp->dir, "qemu.log", NULL);
    chardev = g_strdup_printf("socket,id=featmask-qmp,path=%s,server=on,"
                              "wait=off", qp->sock);

    g_ptr_array_add(argv, g_strdup(binary));
    /* Ours first: the host's own arguments may override -display. */
    g_ptr_array_add(argv, g_strdup("-S"));
    g_ptr_array_add(argv, g_strdup("-display"));
    g_ptr_array_add(argv, g_strdup("none"));
    g_ptr_array_add(argv, g_strdup("-chardev"));
    g_ptr_array_add(argv, g_steal_pointer(&chardev));
    g_ptr_array_add(argv, g_strdup("-mon"));
    g_ptr_array_add(argv, g_strdup("chardev=featmask-qmp,mode=control"));
    for (i = 0; args && args[i]; i++) {
        g_ptr_array_add(argv, g_strdup(args[i]));
    }
    g_ptr_array_add(argv, NULL);

    logfd = open(qp->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (logfd < 0) {
        error_setg(errp, "cannot create %s: %s", qp->log, g_strerror(errno));
        return false;
    }
    if (!g_spawn_async_with_fds(NULL, (char **)argv->pdata, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_SEARCH_PATH, NULL, NULL, &qp->pid,
                                -1, logfd, logfd, &gerr)) {
        close(logfd);
        error_setg(errp, "cannot run %s: %s", binary, gerr->message);
        return false;
    }
    close(logfd);
    qp->running = true;

    for (i = 0; i < QEMU_START_TIMEOUT_S * 50; i++) {
        struct stat st;
        int status;

        if (waitpid(qp->pid, &status, WNOHANG) == qp->pid) {
            g_autofree char *out = qemu_output(qp);

            qp->running = false;
            error_setg(errp, "QEMU failed to start (%s %d): %s",
                       WIFEXITED(status) ? "exit status" : "signal",
                       WIFEXITED(status) ? WEXITSTATUS(status)
                                         : WTERMSIG(status), out);
            return false;
        }
        if (stat(qp->sock, &st) == 0) {
            return true;
        }
        g_usleep(20000);
    }
    error_setg(errp, "QEMU did not open its QMP socket in %d s",
               QEMU_START_TIMEOUT_S);
    return false;
}

/*
 * x-query-virtio-status prints features as "VIRTIO_NET_F_HOST_USO: ...":
 * the part after "_F_" is the specification's name, which featmask's maps
 * know as the feature's name or an alias.
 */
static bool decode_virtio_names(JsonArray *a, const FeatmaskMap *map,
                                FeatmaskSet *set, GPtrArray *unknown)
{
    guint i;

    for (i = 0; a && i < json_array_get_length(a); i++) {
        const char *s = featmask_qmp_element_string(a, i);
        const char *f = s ? strstr(s, "_F_") : NULL;
        g_autofree char *name = NULL;
        const char *colon;
        int idx;

        /* vhost's own bits (protocol features, log) are no guest's. */
        if (!f || g_str_has_prefix(s, "VHOST_")) {
            continue;
        }
        f += 3;
        colon = strchr(f, ':');
        name = g_ascii_strdown(f, colon ? colon - f : -1);
        idx = featmask_map_lookup(map, name);
        if (idx >= 0) {
            featmask_set_add(set, idx);
        } else {
            g_ptr_array_add(unknown, colon ? g_strndup(s, colon - s)
                                           : g_strdup(s));
        }
    }
    return true;
}

static JsonNode *path_args(const char *path)
{
    JsonNode *n = json_node_new(JSON_NODE_OBJECT);
    JsonObject *o = json_object_new();

    json_object_set_string_member(o, "path", path);
    json_node_take_object(n, o);
    return n;
}

static bool probe_stock(FeatmaskQmp *q, FeatmaskMaps *maps,
                        FeatmaskProfile *p, GPtrArray *notes, Error **errp)
{
    g_autoptr(JsonNode) list = featmask_qmp_execute(
        q, "qom-list", path_args("/machine/peripheral"), NULL, errp);
    JsonArray *a;
    guint i;

    if (!list) {
        return false;
    }
    a = featmask_qmp_node_array(list);
    for (i = 0; a && i < json_array_get_length(a); i++) {
        JsonObject *child = featmask_qmp_element_object(a, i);
        const char *id = featmask_qmp_string(child, "name");
        const char *t = featmask_qmp_string(child, "type");
        g_autofree char *type = NULL;
        g_autofree char *path = NULL;
        g_autoptr(JsonNode) status = NULL;
        g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func(g_free);
        JsonObject *hf;
        FeatmaskProfileDevice *dev;
        FeatmaskMap *map;
        gint64 bits;

        if (!id || !t || !g_str_has_prefix(t, "child<") ||
            !g_str_has_suffix(t, ">") || strlen(t) < 8) {
            continue;
        }
        type = g_strndup(t + 6, strlen(t) - 7);
        map = virtio_featmask_device_kind(type) ?
              featmask_maps_get(maps, type) : NULL;
        if (!map) {
            if (notes) {
                g_ptr_array_add(notes, g_strdup_printf(
                    "device '%s' (%s): QEMU without featmask's patch-set "
                    "tells the features of virtio devices only", id, type));
            }
            continue;
        }
        path = g_strdup_printf("/machine/peripheral/%s/virtio-backend", id);
        status = featmask_qmp_execute(q, "x-query-virtio-status",
                                      path_args(path), NULL, errp);
        if (!status) {
            error_prepend(errp, "device '%s': ", id);
            return false;
        }
        hf = featmask_qmp_object(featmask_qmp_node_object(status),
                                 "host-features");
        dev = featmask_profile_add_device(p, id, type,
                                          "x-query-virtio-status", map);
        decode_virtio_names(featmask_qmp_array(hf, "transports"),
                            map, dev->features, unknown);
        decode_virtio_names(featmask_qmp_array(hf, "dev-features"),
                            map, dev->features, unknown);
        /* Bits QEMU has no name for: featmask's map may have one. */
        bits = featmask_qmp_int(hf, "unknown-dev-features", 0);
        for (int b = 0; b < 64; b++) {
            int idx = featmask_map_lookup_bit(map, b);

            /*
             * Bit 30 is VIRTIO_F_BAD_FEATURE to a legacy guest and
             * VHOST_USER_F_PROTOCOL_FEATURES to a backend: never a guest
             * feature, and QEMU 7.2 and 10.0 name it only for some kinds.
             */
            if (!(bits & (1ULL << b)) || b == 30) {
                continue;
            }
            if (idx >= 0) {
                featmask_set_add(dev->features, idx);
            } else {
                g_ptr_array_add(unknown, g_strdup_printf("bit %d", b));
            }
        }
        if (unknown->len && notes) {
            g_autofree char *u = NULL;

            g_ptr_array_add(unknown, NULL);
            u = g_strjoinv(", ", (char **)unknown->pdata);
            g_ptr_array_add(notes, g_strdup_printf(
                "device '%s': left out what is not a guest feature of %s: %s",
                id, featmask_map_kind(map), u));
        }
    }
    if (notes) {
        g_ptr_array_add(notes, g_strdup(
            "QEMU without featmask's patch-set: devices without an id are "
            "not probed, and the features are what QEMU offers the guest"));
    }
    return true;
}

static bool probe_patched(JsonNode *list, FeatmaskMaps *maps,
                          FeatmaskProfile *p, GPtrArray *notes, Error **errp)
{
    JsonArray *a = featmask_qmp_node_array(list);
    guint i, j;

    for (i = 0; a && i < json_array_get_length(a); i++) {
        JsonObject *d = featmask_qmp_element_object(a, i);
        const char *id = featmask_qmp_string(d, "id");
        const char *type = featmask_qmp_string(d, "type");
        /*
         * "enabled", not "available": what this host's configuration of
         * the device offers, so that a plan keeps each property the
         * configuration leaves off (packed, mq, iommu_platform) off, as
         * the stock path does.  Probing with features=all asks for all.
         */
        JsonArray *avail = featmask_qmp_array(d, "enabled");
        FeatmaskMap *map = type ? featmask_maps_get(maps, type) : NULL;
        FeatmaskProfileDevice *dev;

        if (!type) {
            error_setg(errp, "QEMU reports a device without a type");
            return false;
        }
        if (!id) {
            if (notes) {
                g_ptr_array_add(notes, g_strdup_printf(
                    "a %s without an id is not in the profile", type));
            }
            continue;
        }
        if (!map) {
            if (notes) {
                g_ptr_array_add(notes, g_strdup_printf(
                    "device '%s': featmask has no map for %s", id, type));
            }
            continue;
        }
        dev = featmask_profile_add_device(p, id, type,
                                          "query-device-features", map);
        for (j = 0; avail && j < json_array_get_length(avail); j++) {
            const char *name = featmask_qmp_element_string(avail, j);
            int idx = name ? featmask_map_lookup(map, name) : -1;

            if (idx < 0) {
                error_setg(errp, "device '%s': QEMU reports feature '%s',"
                           " which featmask's %s map lacks", id,
                           name ? name : "(not a string)",
                           featmask_map_kind(map));
                return false;
            }
            featmask_set_add(dev->features, idx);
        }
    }
    return true;
}

static JsonNode *object_args(const char *member, const char *value)
{
    JsonNode *n = json_node_new(JSON_NODE_OBJECT);
    JsonObject *o = json_object_new();

    json_object_set_string_member(o, member, value);
    json_node_take_object(n, o);
    return n;
}

/*
 * The boolean properties of @typename (device-list-properties or
 * qom-list-properties) that are features of @map, by featmask's canonical
 * name, and only where QEMU spells the property so: a plan writes that
 * name, and this QEMU must take it.  A feature switched by another
 * property (FeatmaskFeature.switch_prop) is a switch where QEMU has that
 * property as a bool or OnOffAuto, or as an unsigned integer for
 * FEATMASK_SWITCH_INT_BIT.
 */
static char **qemu_switches(FeatmaskQmp *q, const char *cmd,
                            const char *typename, const FeatmaskMap *map,
                            Error **errp)
{
    g_autoptr(JsonNode) props = featmask_qmp_execute(
        q, cmd, object_args("typename", typename), NULL, errp);
    g_autoptr(FeatmaskSet) set = NULL;
    g_autofree const char **names = NULL;
    JsonArray *a;
    guint i;

    if (!props) {
        error_prepend(errp, "%s of %s: ", cmd, typename);
        return NULL;
    }
    set = featmask_set_new(map);
    a = featmask_qmp_node_array(props);
    for (i = 0; a && i < json_array_get_length(a); i++) {
        JsonObject *o = featmask_qmp_element_object(a, i);
        const char *name = featmask_qmp_string(o, "name");
        const char *type = featmask_qmp_string(o, "type");
        int idx = name ? featmask_map_lookup(map, name) : -1;
        size_t f;

        if (idx >= 0 && !g_strcmp0(type, "bool") &&
            !strcmp(featmask_map_get(map, idx)->name, name)) {
            featmask_set_add(set, idx);
        }
        /*
         * Features switched by another property: a bool or OnOffAuto, or
         * an unsigned integer one bit of which is the switch (pvpanic).
         */
        for (f = 0; f < featmask_map_size(map); f++) {
            const FeatmaskFeature *feat = featmask_map_get(map, f);
            bool int_bit = feat->switch_kind == FEATMASK_SWITCH_INT_BIT;

            if (feat->switch_prop && !g_strcmp0(feat->switch_prop, name) &&
                (int_bit ? type && g_str_has_prefix(type, "uint")
                         : !g_strcmp0(type, "bool") ||
                           !g_strcmp0(type, "OnOffAuto"))) {
                featmask_set_add(set, f);
            }
        }
    }
    names = featmask_set_to_names(set);
    return g_strdupv((char **)names);
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of query-cpu-definitions: the -cpu models QEMU knows. */
static char **qemu_cpu_models(FeatmaskQmp *q, Error **errp)
{
    g_autoptr(JsonNode) defs = featmask_qmp_execute(
        q, "query-cpu-definitions", NULL, NULL, errp);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    JsonArray *a;
    guint i;

    if (!defs) {
        return NULL;
    }
    a = featmask_qmp_node_array(defs);
    for (i = 0; a && i < json_array_get_length(a); i++) {
        const char *name = featmask_qmp_string(
            featmask_qmp_element_object(a, i), "name");

        if (name) {
            g_ptr_array_add(names, g_strdup(name));
        }
    }
    g_ptr_array_sort(names, compare_names);
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&names), FALSE);
}

/*
 * The CPU as this QEMU gives it to a migratable guest: the full
 * expansion of "host" under KVM, of "max" under TCG.  Only features QEMU
 * names are there (it gives a migratable guest no other bit).
 */
static bool probe_cpu(FeatmaskQmp *q, FeatmaskProfile *p, GPtrArray *notes,
                      Error **errp)
{
    g_autoptr(FeatmaskMap) map = x86_featmask_map();
    g_autoptr(JsonNode) kvm = featmask_qmp_execute(q, "query-kvm", NULL,
                                                   NULL, errp);
    g_autoptr(JsonNode) exp = NULL;
    g_autoptr(FeatmaskSet) dropped = NULL;
    g_autofree char *cpu_type = NULL;
    g_auto(GStrv) sw = NULL;
    JsonNode *args = json_node_new(JSON_NODE_OBJECT);
    JsonObject *o = json_object_new(), *model = json_object_new(), *props;
    FeatmaskProfileCpu *cpu;
    const char *name;
    GList *members, *l;

    if (!kvm) {
        json_node_unref(args);
        json_object_unref(o);
        json_object_unref(model);
        return false;
    }
    g_free(p->qemu_accel);
    p->qemu_accel = g_strdup(featmask_qmp_bool(
        featmask_qmp_node_object(kvm), "enabled", false) ? "kvm" : "tcg");
    name = !strcmp(p->qemu_accel, "kvm") ? "host" : "max";

    json_object_set_string_member(model, "name", name);
    json_object_set_string_member(o, "type", "full");
    json_object_set_object_member(o, "model", model);
    json_node_take_object(args, o);
    exp = featmask_qmp_execute(q, "query-cpu-model-expansion", args, NULL,
                               errp);
    if (!exp) {
        error_prepend(errp, "query-cpu-model-expansion of '%s': ", name);
        return false;
    }
    props = featmask_qmp_object(
        featmask_qmp_object(featmask_qmp_node_object(exp), "model"),
        "props");
    if (!props) {
        error_setg(errp, "query-cpu-model-expansion of '%s' gave no"
                   " properties", name);
        return false;
    }
    cpu = g_new0(FeatmaskProfileCpu, 1);
    cpu->arch = g_strdup("x86_64");
    cpu->vendor = g_strdup(featmask_qmp_string(props, "vendor"));
    cpu->model = g_strdup(featmask_qmp_string(props, "model-id"));
    cpu->source = g_strdup("qemu");
    cpu->features = featmask_set_new(map);
    members = json_object_get_members(props);
    for (l = members; l; l = l->next) {
        JsonNode *v = json_object_get_member(props, l->data);
        int idx = featmask_map_lookup(map, l->data);

        if (idx >= 0 && JSON_NODE_HOLDS_VALUE(v) &&
            json_node_get_value_type(v) == G_TYPE_BOOLEAN &&
            json_node_get_boolean(v)) {
            featmask_set_add(cpu->features, idx);
        }
    }
    g_list_free(members);
    dropped = featmask_set_new(map);
    featmask_set_close(cpu->features, dropped);
    if (!featmask_set_is_empty(dropped) && notes) {
        g_autofree char *list = featmask_set_format(dropped);

        g_ptr_array_add(notes, g_strdup_printf(
            "QEMU's '%s' CPU has %s without what they depend on: left out",
            name, list));
    }
    featmask_profile_cpu_free(p->cpu);
    p->cpu = cpu;

    cpu_type = g_strdup_printf("%s-x86_64-cpu", name);
    sw = qemu_switches(q, "qom-list-properties", cpu_type, map, errp);
    if (!sw) {
        return false;
    }
    featmask_profile_set_switches(p, X86_FEATMASK_KIND,
                                  (const char *const *)sw);
    g_strfreev(p->qemu_cpu_models);
    p->qemu_cpu_models = qemu_cpu_models(q, errp);
    return p->qemu_cpu_models != NULL;
}

/* The switches of each device type of the profile. */
static bool probe_device_switches(FeatmaskQmp *q, FeatmaskProfile *p,
                                  Error **errp)
{
    guint i;

    for (i = 0; i < p->devices->len; i++) {
        FeatmaskProfileDevice *dev = p->devices->pdata[i];
        g_auto(GStrv) sw = NULL;

        if (featmask_profile_switches(p, dev->type)) {
            continue;
        }
        sw = qemu_switches(q, "device-list-properties", dev->type,
                           featmask_set_map(dev->features), errp);
        if (!sw) {
            return false;
        }
        featmask_profile_set_switches(p, dev->type, (const char *const *)sw);
    }
    return true;
}

bool featmask_probe_qemu_qmp(FeatmaskQmp *q, FeatmaskMaps *maps,
                             FeatmaskProfile *p, GPtrArray *notes,
                             Error **errp)
{
    g_autoptr(JsonNode) devs = NULL;
    g_autofree char *error_class = NULL;
    Error *err = NULL;
    g_autoptr(GHashTable) ids = g_hash_table_new(g_str_hash, g_str_equal);
    guint i;

    devs = featmask_qmp_execute(q, "query-device-features", NULL,
                                &error_class, &err);
    g_free(p->qemu_kind);
    p->qemu_kind = g_strdup(devs ? "patched" : "stock");
    if (!devs && g_strcmp0(error_class, "CommandNotFound")) {
        error_propagate(errp, err);
        return false;
    }
    error_free(err);
    if (devs ? !probe_patched(devs, maps, p, notes, errp)
             : !probe_stock(q, maps, p, notes, errp)) {
        return false;
    }
    /* The profile could not be read back (QEMU's ids are unique). */
    for (i = 0; i < p->devices->len; i++) {
        FeatmaskProfileDevice *dev = p->devices->pdata[i];

        if (!g_hash_table_add(ids, dev->id)) {
            error_setg(errp, "QEMU reports device '%s' twice", dev->id);
            return false;
        }
    }
    return probe_cpu(q, p, notes, errp) && probe_device_switches(q, p, errp);
}

/* Did QEMU exit (wait a little: it may be on its way out)? */
static bool qemu_process_exited(QemuProcess *qp, int *status)
{
    int i;

    for (i = 0; qp->running && i < 25; i++) {
        if (waitpid(qp->pid, status, WNOHANG) == qp->pid) {
            qp->running = false;
            return true;
        }
        g_usleep(20000);
    }
    return false;
}

/*
 * Connect to QEMU's QMP socket.  The socket file appears when QEMU binds
 * it, a moment before it listens: a refused connection is tried again
 * while QEMU runs.  NULL (and @errp) if QEMU exited or never answered.
 */
static FeatmaskQmp *qemu_connect(QemuProcess *qp, char **version,
                                 Error **errp)
{
    int i;

    for (i = 0;; i++) {
        Error *err = NULL;
        FeatmaskQmp *q = featmask_qmp_connect(qp->sock, version, &err);
        siginfo_t info = { 0 };

        if (q) {
            return q;
        }
        /* Exited?  (WNOWAIT: the caller reaps it and tells the status.) */
        if (i == QEMU_START_TIMEOUT_S * 50 ||
            (waitid(P_PID, qp->pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0
             && info.si_pid == qp->pid)) {
            error_propagate(errp, err);
            return NULL;
        }
        error_free(err);
        g_usleep(20000);
    }
}

bool featmask_probe_qemu(const char *binary, char *const *args,
                         FeatmaskMaps *maps, FeatmaskProfile *p,
                         GPtrArray *notes, Error **errp)
{
    QemuProcess qp = { 0 };
    g_autoptr(FeatmaskQmp) q = NULL;
    g_autoptr(JsonNode) devs = NULL;
    g_autofree char *version = NULL;
    Error *err = NULL;
    bool ok = false;
    int status;

    if (!qemu_process_start(&qp, binary, args, errp)) {
        qemu_process_stop(&qp);
        return false;
    }
    g_free(p->qemu_binary);
    p->qemu_binary = strchr(binary, '/') ? g_canonicalize_filename(binary,
                                                                   NULL)
                                         : g_find_program_in_path(binary);
    g_strfreev(p->qemu_args);
    p->qemu_args = g_strdupv((char **)args);
    q = qemu_connect(&qp, &version, &err);
    if (q) {
        g_free(p->qemu_version);
        p->qemu_version = g_steal_pointer(&version);
        ok = featmask_probe_qemu_qmp(q, maps, p, notes, &err);
        devs = featmask_qmp_execute(q, "quit", NULL, NULL, NULL);
    }
    if (!ok) {
        g_autofree char *out = NULL;

        /*
         * QEMU opens its QMP socket before it creates the devices: a bad
         * device argument shows as a closed connection, then an exit.
         */
        if (qemu_process_exited(&qp, &status)) {
            out = qemu_output(&qp);
            error_free(err);
            error_setg(errp, "QEMU failed to start (%s %d): %s",
                       WIFEXITED(status) ? "exit status" : "signal",
                       WIFEXITED(status) ? WEXITSTATUS(status)
                                         : WTERMSIG(status), out);
        } else {
            out = qemu_output(&qp);
            error_propagate(errp, err);
            error_append_hint(errp, "QEMU said: %s\n", out);
        }
    }
    qemu_process_stop(&qp);
    return ok;
}

int featmask_qemu_try(const char *binary, char *const *args,
                      FeatmaskQemuCheck *check, void *opaque,
                      char **output, Error **errp)
{
    QemuProcess qp = { 0 };
    g_autoptr(FeatmaskQmp) q = NULL;
    g_autoptr(JsonNode) status = NULL;
    g_autoptr(JsonNode) quit = NULL;
    Error *err = NULL;
    int ret = 0, st;

    if (!qemu_process_start(&qp, binary, args, &err)) {
        /* It exited: QEMU refused its arguments. */
        if (!qp.running && qp.pid) {
            error_free(err);
            *output = qemu_output(&qp);
        } else {
            error_propagate(errp, err);
            *output = g_strdup("");
            ret = -1;
        }
        qemu_process_stop(&qp);
        return ret;
    }
    /*
     * QEMU opens its QMP socket before it creates the devices, and
     * answers only once the machine is made: an answer means it came up.
     */
    q = qemu_connect(&qp, NULL, &err);
    status = q ? featmask_qmp_execute(q, "query-status", NULL, NULL, &err)
               : NULL;
    if (status) {
        ret = 1;
        if (check) {
            check(q, opaque);
        }
        quit = featmask_qmp_execute(q, "quit", NULL, NULL, NULL);
    } else if (!qp.running || qemu_process_exited(&qp, &st)) {
        /* It exited: it refused the arguments. */
        g_clear_pointer(&err, error_free);
    } else {
        /* It runs and does not answer: no verdict on the arguments. */
        error_prepend(&err, "QEMU started but did not answer on QMP: ");
        error_propagate(errp, err);
        err = NULL;
        ret = -1;
    }
    error_free(err);
    *output = qemu_output(&qp);
    qemu_process_stop(&qp);
    return ret;
}
