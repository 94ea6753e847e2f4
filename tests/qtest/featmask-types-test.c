/*
 * features= on every virtio device type: one table, a test per type
 *
 * For each virtio device type of QEMU 10.0 (the table's base names with
 * the transport forms this binary has: -pci, -pci-transitional,
 * -pci-non-transitional on a pc machine; the bare type and -device on
 * microvm's virtio-mmio) the test checks, each time with a real QEMU:
 * - features=help on the command line prints the device's features and
 *   exits 0; through QMP it is an error that says where the list is;
 * - an unknown name is refused naming the kind and features=help;
 * - a mask that leaves out what a feature needs is refused before the
 *   device realizes, naming both;
 * - a name of the device's own kind is accepted: a device that realizes
 *   here without a backend shows it in query-device-features' requested,
 *   one that needs a host resource this machine lacks (a vhost-user
 *   backend, /dev/vhost-vsock, an evdev) fails with that resource's
 *   error, not features='s.
 * Then the switches that are not bits of the feature word (virtio-gpu's
 * edid flag, virtio-mem's and vhost-vsock's OnOffAuto), what the host
 * lacks for virtio-gpu, and a vhost-user-rng whose real backend (a
 * libvhost-user server in this process) lacks what features= asks for.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <sys/wait.h>
#include "qemu/bswap.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qbool.h"
#include "qobject/qlist.h"
#include "qobject/qstring.h"
#include "featmask-vhost-user.h"

/* Every backend any type of the table needs, given to every QEMU. */
#define BACKENDS \
    "-m 512M,maxmem=2G,slots=2 " \
    "-object memory-backend-ram,id=m0,size=128M " \
    "-netdev user,id=n0 -audiodev none,id=a0 " \
    "-object cryptodev-backend-builtin,id=cr0 " \
    "-drive if=none,id=d0,file=null-co://,format=raw "

/* The universal dependency: packed needs version_1 (virtio 1.3 6). */
#define DEP_PACKED "+packed:-version_1"

/*
 * The transport bits libvhost-user offers (and version_1), spelled out:
 * the defaults of the switches also ask for any_layout and queue_reset,
 * which a vhost-user-base device takes from its backend alone.
 */
#define VU_TRANSPORT "notify_on_empty:indirect_desc:event_idx:version_1"
#define VU_OFFERS "none:notify_on_empty:indirect_desc:event_idx"

typedef struct TypeCase {
    const char *base;       /* the type without its transport suffix */
    const char *kind;       /* featmask's kind of it */
    const char *opts;       /* -device options it needs, or "" */
    const char *mask;       /* features= with a name of its own kind */
    const char *shows;      /* a name requested then, NULL for none */
    const char *deps;       /* a mask leaving out what a feature needs */
    const char *needs;      /* "packed (needs version_1)" */
    /*
     * NULL if the device realizes here; else a part of the error it
     * fails with, for want of a host resource
     */
    const char *fails;
    /* the same on virtio-mmio, where it differs */
    const char *fails_mmio;
    /* more of the command line, for a backend of its own */
    const char *extra;
} TypeCase;

#define NEEDS_PACKED "packed (needs version_1)"
#define CHARDEV "chardev"

static const TypeCase cases[] = {
    { "virtio-net", "virtio-net", "netdev=n0", "none:mrg_rxbuf", "mrg_rxbuf",
      "+guest_tso4:-guest_csum", "guest_tso4 (needs guest_csum)" },
    { "virtio-blk", "virtio-blk", "drive=d0", "none:discard", "discard",
      DEP_PACKED, NEEDS_PACKED },
    { "vhost-user-blk", "virtio-blk", "", "+discard", NULL,
      DEP_PACKED, NEEDS_PACKED, "chardev is mandatory" },
    { "virtio-scsi", "virtio-scsi", "", "+hotplug", "hotplug",
      DEP_PACKED, NEEDS_PACKED },
    { "vhost-scsi", "virtio-scsi", "wwpn=naa.1", "+hotplug", NULL,
      DEP_PACKED, NEEDS_PACKED, "open vhost char device failed" },
    { "vhost-user-scsi", "virtio-scsi", "", "+hotplug", NULL,
      DEP_PACKED, NEEDS_PACKED, "missing chardev" },
    { "virtio-serial", "virtio-serial", "", "+emergency-write",
      "emergency-write", DEP_PACKED, NEEDS_PACKED },
    { "virtio-rng", "virtio-rng", "", "+event_idx", "event_idx",
      DEP_PACKED, NEEDS_PACKED },
    { "vhost-user-rng", "virtio-rng", "", "+event_idx", NULL,
      DEP_PACKED, NEEDS_PACKED, "missing chardev" },
    { "virtio-balloon", "virtio-balloon", "", "+deflate-on-oom",
      "deflate-on-oom", DEP_PACKED, NEEDS_PACKED },
    { "virtio-gpu", "virtio-gpu", "", "+edid:-blob", "edid",
      DEP_PACKED, NEEDS_PACKED },
    { "virtio-vga", "virtio-gpu", "", "+edid:-blob", "edid",
      DEP_PACKED, NEEDS_PACKED },
    { "virtio-gpu-gl", "virtio-gpu", "", "+edid", NULL,
      DEP_PACKED, NEEDS_PACKED, "opengl" },
    { "virtio-vga-gl", "virtio-gpu", "", "+edid", NULL,
      DEP_PACKED, NEEDS_PACKED, "opengl" },
    { "virtio-gpu-rutabaga", "virtio-gpu", "", "+edid", NULL,
      DEP_PACKED, NEEDS_PACKED, "rutabaga" },
    { "virtio-vga-rutabaga", "virtio-gpu", "", "+edid", NULL,
      DEP_PACKED, NEEDS_PACKED, "rutabaga" },
    { "vhost-user-gpu", "virtio-gpu", "", "+edid", NULL,
      DEP_PACKED, NEEDS_PACKED, "vhost_backend_init failed" },
    { "vhost-user-vga", "virtio-gpu", "", "+edid", NULL,
      DEP_PACKED, NEEDS_PACKED, "vhost_backend_init failed" },
    { "virtio-keyboard", "virtio-input", "", "+event_idx", "event_idx",
      DEP_PACKED, NEEDS_PACKED },
    { "virtio-mouse", "virtio-input", "", "+event_idx", "event_idx",
      DEP_PACKED, NEEDS_PACKED },
    { "virtio-tablet", "virtio-input", "", "+event_idx", "event_idx",
      DEP_PACKED, NEEDS_PACKED },
    { "virtio-multitouch", "virtio-input", "", "+event_idx", "event_idx",
      DEP_PACKED, NEEDS_PACKED },
    { "virtio-input-host", "virtio-input", "", "+event_idx", NULL,
      DEP_PACKED, NEEDS_PACKED, "evdev property is required" },
    { "vhost-user-input", "virtio-input", "", "+event_idx", NULL,
      DEP_PACKED, NEEDS_PACKED, "missing chardev" },
    { "virtio-crypto", "virtio-crypto", "cryptodev=cr0",
      "-revision_1:+indirect_desc", "indirect_desc",
      "+cipher_stateless_mode:-revision_1",
      "cipher_stateless_mode (needs revision_1)" },
    { "vhost-vsock", "virtio-vsock", "guest-cid=3", "+seqpacket", NULL,
      DEP_PACKED, NEEDS_PACKED, "failed to open vhost device" },
    { "vhost-user-vsock", "virtio-vsock", "", "+seqpacket", NULL,
      DEP_PACKED, NEEDS_PACKED, "missing chardev" },
    { "vhost-user-fs", "virtio-fs", "tag=t", "+notification", NULL,
      DEP_PACKED, NEEDS_PACKED, "missing chardev" },
    { "virtio-iommu", "virtio-iommu", "", "+map_unmap", "map_unmap",
      DEP_PACKED, NEEDS_PACKED, NULL, "not attached to any PCI bus" },
    { "virtio-sound", "virtio-sound", "audiodev=a0",
      "-controls:+event_idx", "event_idx", DEP_PACKED, NEEDS_PACKED },
    { "vhost-user-snd", "virtio-sound", "", "+controls", NULL,
      DEP_PACKED, NEEDS_PACKED, "missing chardev" },
    { "virtio-mem", "virtio-mem", "memdev=m0", "+unplugged-inaccessible",
      "unplugged-inaccessible", DEP_PACKED, NEEDS_PACKED },
    { "virtio-pmem", "virtio-pmem", "memdev=m0", "-shmem_region:+event_idx",
      "event_idx", DEP_PACKED, NEEDS_PACKED },
    { "virtio-9p", "virtio-9p", "fsdev=f0,mount_tag=t", "+mount_tag",
      "mount_tag", DEP_PACKED, NEEDS_PACKED, NULL, NULL,
      "-fsdev local,id=f0,path=/tmp,security_model=none" },
    { "vhost-user-i2c", "virtio-i2c", "", "+zero_length_request", NULL,
      DEP_PACKED, NEEDS_PACKED, "missing chardev" },
    { "vhost-user-scmi", "virtio-scmi", "", "+p2a_channels", NULL,
      DEP_PACKED, NEEDS_PACKED, "chardev" },
    { "vhost-user-gpio", "virtio-gpio", "", "+irq", NULL,
      DEP_PACKED, NEEDS_PACKED, "missing chardev" },
    /* Generic: the device features are the backend's; transport names. */
    { "vhost-user-device", "virtio", "", "+event_idx", NULL,
      DEP_PACKED, NEEDS_PACKED, "missing chardev" },
    { "vhost-vdpa-device", "virtio", "", "+event_idx", NULL,
      DEP_PACKED, NEEDS_PACKED, "vhostdev" },
    { "virtio-nsm", "virtio", "", "+event_idx", "event_idx",
      DEP_PACKED, NEEDS_PACKED },
};

/* The transport forms of a base name, and the machine each plugs into. */
static const struct {
    const char *suffix;
    bool pci;
} forms[] = {
    { "-pci", true },
    { "-pci-transitional", true },
    { "-pci-non-transitional", true },
    { "", true },               /* virtio-vga, vhost-user-vga */
    { "", false },              /* virtio-mem, vhost-user-blk, ... */
    { "-device", false },
};

typedef struct TypeTest {
    const TypeCase *tc;
    char *type;
    bool pci;
} TypeTest;

/* The user-creatable device types -> their bus ("PCI", "virtio-bus"). */
static GHashTable *qemu_types;

static int qemu_run(const char *args, char **out, char **err);

static void list_types(void)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;

    qemu_types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       g_free);
    g_assert_cmpint(qemu_run("-device help", &out, &err), ==, 0);
    lines = g_strsplit(out, "\n", -1);
    for (i = 0; lines[i]; i++) {
        /* name "virtio-net-pci", bus PCI, alias "virtio-net" */
        g_auto(GStrv) f = g_strsplit(lines[i], "\"", -1);

        if (g_str_has_prefix(lines[i], "name \"") && g_strv_length(f) >= 3 &&
            g_str_has_prefix(f[2], ", bus ")) {
            g_hash_table_insert(qemu_types, g_strdup(f[1]),
                                g_strndup(f[2] + strlen(", bus "),
                                          strcspn(f[2] + strlen(", bus "),
                                                  ",")));
        }
    }
    g_assert_cmpuint(g_hash_table_size(qemu_types), >, 0);
}

/* Run QEMU with @args; returns its exit status, stdout and stderr. */
static int qemu_run(const char *args, char **out, char **err)
{
    g_autofree char *cmd = g_strdup_printf("timeout 60 %s -accel qtest"
                                           " -display none -nodefaults"
                                           " -S %s",
                                           g_getenv("QTEST_QEMU_BINARY"),
                                           args);
    g_autoptr(GError) gerr = NULL;
    int status;

    g_assert_true(g_spawn_command_line_sync(cmd, out, err, &status,
                                            &gerr));
    /* An exit, not a crash, a hang or the timeout. */
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), !=, 124);
    return WEXITSTATUS(status);
}

static char *machine_args(const TypeTest *t, const char *features)
{
    const char *opts = t->tc->opts;

    return g_strdup_printf("-M %s -nodefaults %s %s -device %s,id=dev0%s%s,"
                           "features=%s", t->pci ? "pc" : "microvm",
                           BACKENDS, t->tc->extra ? t->tc->extra : "",
                           t->type, *opts ? "," : "", opts, features);
}

/* QEMU fails with @features; returns its stderr. */
static char *qemu_fails(const TypeTest *t, const char *features)
{
    g_autofree char *args = machine_args(t, features);
    g_autofree char *out = NULL;
    char *err = NULL;

    g_assert_cmpint(qemu_run(args, &out, &err), ==, 1);
    g_test_message("features=%s: %s", features, err);
    return err;
}

static void assert_has(const char *text, const char *part)
{
    if (!strstr(text, part)) {
        g_test_message("'%s' not in: %s", part, text);
        g_assert_not_reached();
    }
}

static bool names_have(QList *list, const char *name)
{
    QListEntry *e;

    QLIST_FOREACH_ENTRY(list, e) {
        if (!strcmp(qstring_get_str(qobject_to(QString, qlist_entry_obj(e))),
                    name)) {
            return true;
        }
    }
    return false;
}

/* The query-device-features entry of the device with id dev0. */
static QDict *device_features(QTestState *qts, const char *id)
{
    QDict *rsp = qtest_qmp(qts, "{ 'execute': 'query-device-features' }");
    QListEntry *e;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(rsp, "return"), e) {
        QDict *dev = qobject_to(QDict, qlist_entry_obj(e));

        if (qdict_haskey(dev, "id") &&
            !strcmp(qdict_get_str(dev, "id"), id)) {
            qobject_ref(dev);
            qobject_unref(rsp);
            return dev;
        }
    }
    g_test_message("no device '%s' in query-device-features", id);
    g_assert_not_reached();
}

/* No line of @err says more about features after @quoted. */
static void check_not_featmask(const char *err, const char *quoted)
{
    g_auto(GStrv) lines = g_strsplit(err, "\n", -1);
    size_t i;

    for (i = 0; lines[i]; i++) {
        const char *msg = strstr(lines[i], quoted);

        g_assert_null(strstr(msg ? msg + strlen(quoted) : lines[i],
                             "features"));
    }
}

/*
 * features=help through device_add: the setter runs before anything is
 * plugged, and QMP cannot print.  (virtio-mmio buses and some devices,
 * virtio-gpu-pci for one, take no hotplug: device_add refuses them before
 * it sets a property.)
 */
static void check_help_qmp(QTestState *qts, const char *type)
{
    g_autoptr(QDict) rsp = qtest_qmp(qts, "{ 'execute': 'device_add',"
                                     "  'arguments': { 'driver': %s,"
                                     "  'id': 'dev1', 'features': '?' } }",
                                     type);
    const char *desc = qdict_get_str(qdict_get_qdict(rsp, "error"), "desc");
    g_autofree char *expect = g_strdup_printf("-device %s,features=help",
                                              type);

    if (strstr(desc, "does not support hotplugging")) {
        /* Refused before any property is set: nothing to check. */
        g_test_message("%s: %s", type, desc);
        return;
    }
    assert_has(desc, "features=help lists the features on the command line"
               " only");
    assert_has(desc, expect);
}

static const char *type_fails(const TypeTest *t)
{
    return !t->pci && t->tc->fails_mmio ? t->tc->fails_mmio : t->tc->fails;
}

static void test_type(gconstpointer opaque)
{
    const TypeTest *t = opaque;
    const TypeCase *tc = t->tc;
    g_autofree char *args = machine_args(t, "help");
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *expect = NULL;
    const char *fails = type_fails(t);

    /* features=help: the list on stdout, exit 0, like -device foo,help */
    g_assert_cmpint(qemu_run(args, &out, &err), ==, 0);
    expect = g_strdup_printf("%s features= (%s, ", t->type, tc->kind);
    assert_has(out, expect);
    assert_has(out, "\n  indirect_desc ");
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    g_clear_pointer(&expect, g_free);

    /* An unknown name: the kind, and where the valid names are. */
    err = qemu_fails(t, "no_such_feature");
    expect = g_strdup_printf("%s has no feature 'no_such_feature'", tc->kind);
    assert_has(err, expect);
    g_clear_pointer(&expect, g_free);
    expect = g_strdup_printf("Use '-device %s,features=help' for the valid"
                             " names.", t->type);
    assert_has(err, expect);
    g_clear_pointer(&err, g_free);
    g_clear_pointer(&expect, g_free);

    /* What a feature needs, left out: refused before realize. */
    err = qemu_fails(t, tc->deps);
    expect = g_strdup_printf("leaves out what these features need: %s",
                             tc->needs);
    assert_has(err, expect);
    g_clear_pointer(&err, g_free);
    g_clear_pointer(&expect, g_free);

    if (fails) {
        /* A name of its kind is fine; the missing resource is not. */
        err = qemu_fails(t, tc->mask);
        /* After the option QEMU quotes, the message is not featmask's. */
        expect = g_strdup_printf("features=%s: ", tc->mask);
        assert_has(err, fails);
        check_not_featmask(err, expect);
        if (t->pci) {
            QTestState *qts = qtest_init("-M pc");

            check_help_qmp(qts, t->type);
            qtest_quit(qts);
        }
    } else {
        g_autofree char *cmd = machine_args(t, tc->mask);
        QTestState *qts = qtest_init(cmd);
        g_autoptr(QDict) dev = device_features(qts, "dev0");

        g_assert_cmpstr(qdict_get_str(dev, "kind"), ==, tc->kind);
        g_assert_cmpstr(qdict_get_str(dev, "mask"), ==, tc->mask);
        if (tc->shows) {
            g_assert_true(names_have(qdict_get_qlist(dev, "requested"),
                                     tc->shows));
            g_assert_true(names_have(qdict_get_qlist(dev, "enabled"),
                                     tc->shows));
        }
        if (t->pci) {
            check_help_qmp(qts, t->type);
        }
        qtest_quit(qts);
    }
}

/* The line of features=help output @out for @feature. */
static char *help_line(const char *out, const char *feature)
{
    g_autofree char *start = g_strdup_printf("\n  %s ", feature);
    const char *p = strstr(out, start);

    g_assert_nonnull(p);
    p++;
    return g_strndup(p, strchrnul(p, '\n') - p);
}

/*
 * features=help shows a switch's value on this device, after the machine
 * type's compat properties: virtio-balloon's page-poison is off before
 * the 5.1 machine types.
 */
static void test_help_machine_compat(void)
{
    const char *machines[] = { "pc-i440fx-5.0", "pc" };
    const char *want[] = { " off", " on" };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(machines); i++) {
        g_autofree char *args = g_strdup_printf(
            "-M %s -device virtio-balloon-pci,features=help", machines[i]);
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;
        g_autofree char *line = NULL;

        g_assert_cmpint(qemu_run(args, &out, &err), ==, 0);
        line = help_line(out, "page-poison");
        g_test_message("%s: %s", machines[i], line);
        assert_has(line, " page-poison (bool) ");
        g_assert_true(g_str_has_suffix(line, want[i]));
    }
}

/*
 * Switches that are not bits of the feature word drive their property:
 * virtio-gpu's edid (a flag of conf.flags) and virtio-mem's
 * unplugged-inaccessible (an OnOffAuto), read back with qom-get.
 */
static void check_switch(const char *device, const char *prop,
                         const char *feature, const char *mask,
                         const char *value, bool offered)
{
    g_autofree char *cmd = g_strdup_printf("-M pc " BACKENDS
                                           "-device %s,id=dev0,features=%s",
                                           device, mask);
    QTestState *qts = qtest_init(cmd);
    g_autoptr(QDict) dev = device_features(qts, "dev0");
    g_autoptr(QDict) rsp = qtest_qmp(qts, "{ 'execute': 'qom-get',"
                                     "  'arguments': {"
                                     "  'path': '/machine/peripheral/dev0',"
                                     "  'property': %s } }", prop);
    QObject *ret = qdict_get(rsp, "return");
    g_autofree char *got = qobject_type(ret) == QTYPE_QBOOL ?
        g_strdup(qbool_get_bool(qobject_to(QBool, ret)) ? "on" : "off") :
        g_strdup(qstring_get_str(qobject_to(QString, ret)));

    g_test_message("%s features=%s: %s=%s", device, mask, prop, got);
    g_assert_cmpstr(got, ==, value);
    g_assert_cmpint(names_have(qdict_get_qlist(dev, "enabled"), feature),
                    ==, offered);
    g_assert_cmpint(names_have(qdict_get_qlist(dev, "requested"), feature),
                    ==, offered);
    qtest_quit(qts);
}

static void test_switch_gpu_edid(void)
{
    check_switch("virtio-gpu-pci", "edid", "edid", "all:-blob:-edid",
                 "off", false);
    check_switch("virtio-gpu-pci", "edid", "edid", "none:edid", "on",
                 true);
}

static void test_switch_mem(void)
{
    check_switch("virtio-mem-pci,memdev=m0", "unplugged-inaccessible",
                 "unplugged-inaccessible", "-unplugged-inaccessible", "off",
                 false);
    check_switch("virtio-mem-pci,memdev=m0", "unplugged-inaccessible",
                 "unplugged-inaccessible", "+unplugged-inaccessible", "on",
                 true);
}

/*
 * vhost-vsock cannot realize without /dev/vhost-vsock, so its OnOffAuto
 * is seen in the trace of features= setting it, before realize fails.
 */
static void test_switch_vsock(void)
{
    const char *masks[] = { "+seqpacket", "-seqpacket" };
    const char *want[] = { "seqpacket=on", "seqpacket=off" };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(masks); i++) {
        g_autofree char *args = g_strdup_printf(
            "-M pc -trace qdev_featmask_switch -device vhost-vsock-pci,"
            "guest-cid=3,features=%s", masks[i]);
        g_autofree char *expect = g_strdup_printf(
            "vhost-vsock-device: features= sets %s", want[i]);
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;

        g_assert_cmpint(qemu_run(args, &out, &err), ==, 1);
        g_test_message("%s", err);
        assert_has(err, expect);
        assert_has(err, "failed to open vhost device");
    }
}

/*
 * virtio-gpu: features=all turns blob on, which needs /dev/udmabuf here
 * (or a renderer); virgl needs a -gl type.  Our error names the feature
 * and what is missing, before realize's own message.
 */
static void test_gpu_host_lacks(void)
{
    g_autofree char *expect = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    status = qemu_run("-M pc -device virtio-gpu-pci,features=all",
                      &out, &err);
    g_test_message("features=all: %s", err);
    if (access("/dev/udmabuf", R_OK | W_OK) == 0) {
        g_assert_cmpint(status, ==, 0);
    } else {
        g_assert_cmpint(status, ==, 1);
        assert_has(err, "features='all' asks for what this host cannot"
                   " provide: blob (needs /dev/udmabuf, which this host"
                   " lacks");
        g_assert_null(strstr(err, "need rutabaga or udmabuf"));
    }
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);

    g_assert_cmpint(qemu_run("-M pc -device virtio-gpu-pci,features=+virgl",
                             &out, &err), ==, 1);
    assert_has(err, "virgl (needs a 3D renderer");
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);

    /* help says the same */
    g_assert_cmpint(qemu_run("-M pc -device virtio-gpu-pci,features=help",
                             &out, &err), ==, 0);
    expect = help_line(out, "edid");
    assert_has(expect, " edid (bool) ");
    g_assert_true(g_str_has_suffix(expect, " on"));
    assert_has(out, "not here: needs a 3D renderer");
}

/*
 * vhost-user-rng with a real backend (libvhost-user in this process): it
 * offers what the backend reported, and features= asking for more fails
 * naming the chardev; turning off what it offers regardless is refused.
 */
static void test_vhost_user_rng(void)
{
    g_autofree char *dir = g_dir_make_tmp("featmask-types-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(dir, "rng.sock", NULL);
    const char *masks[] = {
        VU_OFFERS, VU_OFFERS ":packed", "none:notify_on_empty:event_idx",
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(masks); i++) {
        FeatmaskVhostUser *be = featmask_vhost_user_start(sock, 0);
        QTestState *qts = qtest_initf("-M pc -object memory-backend-memfd,"
                                      "id=mem,size=256M,share=on"
                                      " -machine memory-backend=mem -m 256M"
                                      " -chardev socket,id=c0,path=%s",
                                      sock);
        g_autoptr(QDict) rsp = qtest_qmp(qts,
            "{ 'execute': 'device_add', 'arguments': {"
            "  'driver': 'vhost-user-rng-pci', 'id': 'rng0',"
            "  'chardev': 'c0', 'features': %s } }", masks[i]);

        if (i == 0) {
            g_autoptr(QDict) dev = NULL;
            QDict *backend;

            if (qdict_haskey(rsp, "error")) {
                g_test_message("%s", qdict_get_str(qdict_get_qdict(rsp,
                                                   "error"), "desc"));
            }
            g_assert_false(qdict_haskey(rsp, "error"));
            dev = device_features(qts, "rng0");
            backend = qdict_get_qdict(dev, "backend");
            g_assert_cmpstr(qdict_get_str(backend, "type"), ==, "chardev");
            g_assert_cmpstr(qdict_get_str(backend, "id"), ==, "c0");
            g_assert_cmpstr(qdict_get_str(backend, "driver"), ==,
                            "vhost-user");
            g_assert_true(names_have(qdict_get_qlist(dev, "requested"),
                                     "event_idx"));
            g_assert_true(names_have(qdict_get_qlist(dev, "available"),
                                     "event_idx"));
            g_assert_false(names_have(qdict_get_qlist(dev, "available"),
                                      "packed"));
        } else {
            const char *desc = qdict_get_str(qdict_get_qdict(rsp, "error"),
                                             "desc");

            g_test_message("features=%s: %s", masks[i], desc);
            assert_has(desc, "device 'rng0' (vhost-user-rng-pci)");
            if (i == 1) {
                assert_has(desc, "chardev 'c0' (vhost-user) cannot provide"
                           " features requested by features=: packed");
            } else {
                assert_has(desc, "features= turns off indirect_desc, but"
                           " the device offers it regardless");
            }
        }
        qtest_quit(qts);
        featmask_vhost_user_stop(be);
    }
    rmdir(dir);
}

/*
 * Every vhost-user device type that realizes here, against a real backend
 * (libvhost-user in this process) on two "hosts": host A's backend offers
 * @feature, host B's the same without it.  A device that names no feature
 * of its own (vhost-user-input: virtio-input has none) is checked with
 * the transport's packed: host A's backend claims it (no ring is started
 * here), host B's does not, as libvhost-user itself.
 *
 * vhost-user-gpu realizes without a GPU: the backend renders, and only
 * once the guest starts the device (vhost-user-vga is the same device on
 * another proxy).  Not here: vhost-user-scmi (Kconfig: ARM only) and
 * vhost-user-device (not user-creatable in QEMU 10.0), neither in this
 * binary; vhost-user-rng has test_vhost_user_rng, vhost-user-blk
 * featmask-device-test.
 */
typedef struct VhostUserCase {
    const char *type;
    const char *opts;       /* more -device options, or "" */
    const char *feature;    /* offered on host A, lacking on host B */
    uint64_t offers;        /* the device bits host A's backend offers */
    uint64_t lacks;         /* the bits host B's backend lacks */
    const char *offered;    /* @offers as names, ':'-separated */
    uint16_t queues;
    size_t config_len;      /* 0: no config space */
    void (*config)(uint8_t *cfg);
    /* QEMU never offers @feature, whatever the backend says */
    bool qemu_never;
    /*
     * what QEMU provides on either host, whatever the backend says
     * (':'-separated, "" for nothing)
     */
    const char *qemu_adds;
    /* more of features= (what both backends offer regardless), or NULL */
    const char *with;
} VhostUserCase;

/* virtio 1.3 5.10.4: struct virtio_vsock_config, guest_cid 3 */
static void vu_config_vsock(uint8_t *cfg)
{
    stq_le_p(cfg, 3);
}

/* virtio 1.3 5.17.4: struct virtio_gpio_config, 8 lines, no names */
static void vu_config_gpio(uint8_t *cfg)
{
    stw_le_p(cfg, 8);
}

/*
 * virtio 1.3 5.14.4: struct virtio_snd_config, one jack, two streams,
 * one channel map, one control element
 */
static void vu_config_snd(uint8_t *cfg)
{
    stl_le_p(cfg, 1);
    stl_le_p(cfg + 4, 2);
    stl_le_p(cfg + 8, 1);
    stl_le_p(cfg + 12, 1);
}

#define BIT(n) (1ULL << (n))

static const VhostUserCase vu_cases[] = {
    /* virtio 1.3 5.11.3: notification queue; QEMU has none */
    { "vhost-user-fs-pci", ",tag=t", "notification", BIT(0), BIT(0),
      "notification", 2, 0, NULL, true, "any_layout" },
    /* 5.10.3: seqpacket (stream is QEMU's: never) */
    { "vhost-user-vsock-pci", "", "seqpacket", BIT(1), BIT(1),
      "seqpacket", 3, 8, vu_config_vsock, false,
      "any_layout:iommu_platform" },
    /*
     * 5.6.3: the backend masks hotplug; QEMU's properties the rest, and
     * QEMU passes on packed without asking the backend
     */
    { "vhost-user-scsi-pci", "", "hotplug", BIT(1), BIT(1), "hotplug",
      4, 0, NULL, false,
      "param_change:t10_pi:any_layout:iommu_platform:packed" },
    /* 5.17.3 */
    { "vhost-user-gpio-pci", "", "irq", BIT(0), BIT(0), "irq", 2, 8,
      vu_config_gpio, false, "" },
    /* 5.18.3 */
    { "vhost-user-i2c-pci", "", "zero_length_request", BIT(0), BIT(0),
      "zero_length_request", 1, 0, NULL, false, "" },
    /* 5.14.3: controls (the property sizes the config space) */
    { "vhost-user-snd-pci", "", "controls", BIT(0), BIT(0), "controls", 4,
      16, vu_config_snd, false, "" },
    /*
     * 5.7.3: virgl and edid are the backend's (realize turns the edid
     * flag on when the backend has it: a mask must name it)
     */
    { "vhost-user-gpu-pci", "", "virgl", BIT(0) | BIT(1), BIT(0),
      "virgl:edid", 2, 16, NULL, false, "", ":edid" },
    /*
     * 5.8.3: no device features; the transport's packed.
     * 5.8.5: a config space of zeros (virtio_input_config) answers every
     * select with nothing: realize does not read it
     */
    { "vhost-user-input-pci", "", "packed", BIT(34), BIT(34), "packed", 2,
      136, NULL, false, "" },
};

static FeatmaskVhostUser *vu_backend(const VhostUserCase *vc,
                                     const char *sock, bool host_a)
{
    g_autofree uint8_t *cfg = g_malloc0(MAX(vc->config_len, 1));
    FeatmaskVhostUserConf conf = {
        .features = host_a ? vc->offers : vc->offers & ~vc->lacks,
        .queues = vc->queues,
        .config = vc->config_len ? cfg : NULL,
        .config_len = vc->config_len,
    };

    if (vc->config) {
        vc->config(cfg);
    }
    return featmask_vhost_user_start_conf(sock, &conf);
}

#define VU_MACHINE "-M pc -object memory-backend-memfd,id=mem,size=256M," \
    "share=on -machine memory-backend=mem -m 256M"

/*
 * The device realizes with features=@mask (which asks for @feature when
 * @plus); check what it reports.
 */
static void vu_realizes(const VhostUserCase *vc, const char *sock,
                        const char *mask, bool plus, bool host_a)
{
    QTestState *qts = qtest_initf(VU_MACHINE " -chardev socket,id=c0,"
                                  "path=%s -device %s,id=dev0,chardev=c0,"
                                  "features=%s%s", sock, vc->type, mask,
                                  vc->opts);
    g_autoptr(QDict) dev = device_features(qts, "dev0");
    QDict *backend = qdict_get_qdict(dev, "backend");
    QList *avail = qdict_get_qlist(dev, "available");
    g_autofree char *names = g_strdup_printf("%s:%s:" VU_TRANSPORT,
                                             vc->offered, vc->qemu_adds);
    g_auto(GStrv) expect = g_strsplit(names, ":", -1);
    g_autoptr(GHashTable) want = g_hash_table_new(g_str_hash, g_str_equal);
    bool has = host_a && !vc->qemu_never;
    QListEntry *e;
    size_t i;

    g_assert_cmpstr(qdict_get_str(backend, "type"), ==, "chardev");
    g_assert_cmpstr(qdict_get_str(backend, "id"), ==, "c0");
    g_assert_cmpstr(qdict_get_str(backend, "driver"), ==, "vhost-user");
    /*
     * available: what the backend offered (less what QEMU never offers),
     * what QEMU adds regardless, and nothing else
     */
    for (i = 0; expect[i]; i++) {
        if (*expect[i] && (strcmp(expect[i], vc->feature) || has)) {
            g_hash_table_add(want, expect[i]);
        }
    }
    QLIST_FOREACH_ENTRY(avail, e) {
        const char *name = qstring_get_str(qobject_to(QString,
                                                      qlist_entry_obj(e)));

        if (!g_hash_table_remove(want, name)) {
            g_test_message("available, unexpected: %s", name);
            g_assert_not_reached();
        }
    }
    g_assert_cmpuint(g_hash_table_size(want), ==, 0);
    g_assert_cmpint(names_have(qdict_get_qlist(dev, "enabled"),
                               vc->feature), ==, has && plus);
    qtest_quit(qts);
}

/* The device fails to realize with features=@mask; returns stderr. */
static char *vu_fails(const VhostUserCase *vc, const char *sock,
                      const char *mask)
{
    g_autofree char *args = g_strdup_printf(VU_MACHINE " -chardev socket,"
                                            "id=c0,path=%s -device %s,"
                                            "id=dev0,chardev=c0,"
                                            "features=%s%s", sock, vc->type,
                                            mask, vc->opts);
    g_autofree char *out = NULL;
    char *err = NULL;

    g_assert_cmpint(qemu_run(args, &out, &err), ==, 1);
    g_test_message("features=%s: %s", mask, err);
    return err;
}

/*
 * A relative mask ("+FEATURE") keeps the device's default switches, and
 * with features= they are required too: where the backend lacks some
 * (libvhost-user has no any_layout or queue_reset), realize fails, and
 * the hint names those defaults, not the feature the mask asked for.
 */
static void check_relative(const VhostUserCase *vc, const char *sock)
{
    g_autofree char *mask = g_strdup_printf("+%s%s", vc->feature,
                                            vc->with ? vc->with : "");
    /* A monitor reading "quit" from a file: a device that realizes exits */
    g_autofree char *quit = g_strconcat(sock, ".qmp", NULL);
    g_autofree char *args = g_strdup_printf(VU_MACHINE " -chardev socket,"
                                            "id=c0,path=%s -device %s,"
                                            "id=dev0,chardev=c0,"
                                            "features=%s%s -chardev file,"
                                            "id=q0,path=/dev/null,"
                                            "input-path=%s -mon chardev=q0,"
                                            "mode=control", sock, vc->type,
                                            mask, vc->opts, quit);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *hint = g_strdup_printf("features=%s starts from the"
                                            " device's defaults, and ",
                                            mask);
    const char *names;
    int status;

    g_assert_true(g_file_set_contents(quit,
                                      "{ 'execute': 'qmp_capabilities' }"
                                      "{ 'execute': 'quit' }", -1, NULL));
    status = qemu_run(args, &out, &err);
    g_unlink(quit);
    if (status == 0) {
        /* Every default is there: nothing to say. */
        g_assert_cmpstr(err, ==, "");
        return;
    }
    g_assert_cmpint(status, ==, 1);
    g_test_message("features=%s: %s", mask, err);
    assert_has(err, "cannot provide features requested by features=");
    assert_has(err, hint);
    names = strstr(err, hint) + strlen(hint);
    g_assert_null(g_strstr_len(names, strcspn(names, "\n"), vc->feature));
}

static void test_vhost_user_type(gconstpointer opaque)
{
    const VhostUserCase *vc = opaque;
    g_autofree char *dir = g_dir_make_tmp("featmask-types-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(dir, "vu.sock", NULL);
    const char *with = vc->with ? vc->with : "";
    g_autofree char *plus = g_strdup_printf(VU_OFFERS "%s:%s", with,
                                            vc->feature);
    g_autofree char *minus = g_strdup_printf(VU_OFFERS "%s", with);
    g_autofree char *expect = g_strdup_printf(
        "device 'dev0' (%s): chardev 'c0' (vhost-user) cannot provide"
        " features requested by features=: %s", vc->type, vc->feature);
    FeatmaskVhostUser *be;
    g_autofree char *err = NULL;

    /* Host A: its backend offers the feature. */
    be = vu_backend(vc, sock, true);
    if (vc->qemu_never) {
        err = vu_fails(vc, sock, plus);
        assert_has(err, expect);
        g_clear_pointer(&err, g_free);
        vu_realizes(vc, sock, minus, false, true);
    } else {
        vu_realizes(vc, sock, plus, true, true);
        check_relative(vc, sock);
    }
    featmask_vhost_user_stop(be);

    /* Host B: it does not; the same mask fails naming the chardev. */
    be = vu_backend(vc, sock, false);
    err = vu_fails(vc, sock, plus);
    assert_has(err, expect);
    vu_realizes(vc, sock, minus, false, false);
    featmask_vhost_user_stop(be);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    size_t i, j;

    g_test_init(&argc, &argv, NULL);
    if (strcmp(qtest_get_arch(), "x86_64")) {
        return 0;
    }
    list_types();
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        bool any = false;

        for (j = 0; j < G_N_ELEMENTS(forms); j++) {
            g_autofree char *type = g_strconcat(cases[i].base,
                                                forms[j].suffix, NULL);
            g_autofree char *path = NULL;
            TypeTest *t;

            const char *bus = g_hash_table_lookup(qemu_types, type);

            if (!bus || !strcmp(bus, "PCI") != forms[j].pci) {
                continue;
            }
            t = g_new0(TypeTest, 1);
            t->tc = &cases[i];
            t->type = g_steal_pointer(&type);
            t->pci = forms[j].pci;
            path = g_strdup_printf("/featmask-types/%s/%s", cases[i].kind,
                                   t->type);
            qtest_add_data_func(path, t, test_type);
            any = true;
        }
        if (!any) {
            g_test_message("%s: not built into this QEMU", cases[i].base);
        }
    }
    qtest_add_func("/featmask-types/switch/gpu-edid", test_switch_gpu_edid);
    qtest_add_func("/featmask-types/switch/mem-unplugged-inaccessible",
                   test_switch_mem);
    qtest_add_func("/featmask-types/switch/vsock-seqpacket",
                   test_switch_vsock);
    qtest_add_func("/featmask-types/host/gpu", test_gpu_host_lacks);
    qtest_add_func("/featmask-types/help/machine-compat",
                   test_help_machine_compat);
    qtest_add_func("/featmask-types/vhost-user/rng", test_vhost_user_rng);
    for (i = 0; i < G_N_ELEMENTS(vu_cases); i++) {
        g_autofree char *path = NULL;

        if (!g_hash_table_lookup(qemu_types, vu_cases[i].type)) {
            g_test_message("%s: not built into this QEMU", vu_cases[i].type);
            continue;
        }
        path = g_strdup_printf("/featmask-types/vhost-user/%s",
                               vu_cases[i].type);
        qtest_add_data_func(path, &vu_cases[i], test_vhost_user_type);
    }
    return g_test_run();
}
