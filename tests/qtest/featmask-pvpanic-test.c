/*
 * QTest for features= on the pvpanic devices, a family without virtio:
 * the events the guest reads from the ISA port and from the PCI BAR,
 * errors, query-device-features, the machine types' defaults and the
 * migration guard
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <glib/gstdio.h>
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qjson.h"
#include "libqos/pci.h"
#include "libqos/pci-pc.h"
#include "hw/misc/pvpanic.h"
#include "migration/migration-qmp.h"
#include "migration/migration-util.h"

#define ISA_PORT 0x505
#define PCI_SLOT 4
/* query-device-features' list of every event */
#define ALL_EVENTS "[\"panicked\", \"crash-loaded\", \"shutdown\"]"
/* A machine type whose compat properties give pvpanic "events=1". */
#define OLD_MACHINE "pc-i440fx-5.1"

typedef struct Family {
    const char *path;
    const char *type;
} Family;

static const Family isa = { "isa", "pvpanic" };
static const Family pci = { "pci", "pvpanic-pci" };

static char *tmpdir;

/* -device options of @fam's device, id "pp", with @opts ("" for none). */
static char *device_opt(const Family *fam, const char *opts)
{
    return g_strdup_printf("-device %s,id=pp%s%s%s", fam->type,
                           fam == &pci ? ",addr=" G_STRINGIFY(PCI_SLOT) ".0"
                                       : "",
                           *opts ? "," : "", opts);
}

static QTestState *start(const char *machine, const Family *fam,
                         const char *opts, const char *extra)
{
    g_autofree char *dev = device_opt(fam, opts);

    return qtest_initf("-M %s -action panic=none %s %s", machine, dev,
                       extra);
}

/* What the guest reads from the device's register. */
static uint8_t read_events(QTestState *qts, const Family *fam)
{
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar bar;
    uint8_t val;

    if (fam == &isa) {
        return qtest_inb(qts, ISA_PORT);
    }
    bus = qpci_new_pc(qts, NULL);
    dev = qpci_device_find(bus, QPCI_DEVFN(PCI_SLOT, 0));
    g_assert_nonnull(dev);
    qpci_device_enable(dev);
    bar = qpci_iomap(dev, 0, NULL);
    qpci_memread(dev, bar, 0, &val, sizeof(val));
    qpci_iounmap(dev, bar);
    g_free(dev);
    qpci_free_pc(bus);
    return val;
}

/* A list member of a DeviceFeatures, as JSON: ["a", "b"]. */
static char *names_of(QDict *dev, const char *member)
{
    QObject *list = qdict_get(dev, member);

    g_assert_nonnull(qobject_to(QList, list));
    return g_string_free(qobject_to_json(list), false);
}

/* query-device-features' answer for "pp" (a new reference). */
static QDict *device_features(QTestState *qts)
{
    g_autoptr(QDict) rsp = qtest_qmp(qts,
                                     "{ 'execute': 'query-device-features',"
                                     "  'arguments': { 'id': 'pp' } }");
    QList *list = qdict_get_qlist(rsp, "return");
    QDict *dev;

    g_assert_nonnull(list);
    g_assert_cmpint(qlist_size(list), ==, 1);
    dev = qobject_to(QDict, qlist_peek(list));
    qobject_ref(dev);
    return dev;
}

static char *device_list(QTestState *qts, const char *member)
{
    g_autoptr(QDict) dev = device_features(qts);

    return names_of(dev, member);
}

typedef struct EventsCase {
    const char *features;
    uint8_t events;
} EventsCase;

/*
 * features= sets what the guest reads, from QEMU's default (all three
 * events) and whatever "events" says.
 */
static void test_events(gconstpointer opaque)
{
    static const EventsCase cases[] = {
        { "", PVPANIC_EVENTS },
        { "features=none:+panicked", PVPANIC_PANICKED },
        { "features=all:-shutdown", PVPANIC_PANICKED | PVPANIC_CRASH_LOADED },
        { "features=-crash-loaded", PVPANIC_PANICKED | PVPANIC_SHUTDOWN },
        { "features=none", 0 },
        /* features= wins over the property it drives */
        { "events=0,features=all", PVPANIC_EVENTS },
        { "events=1,features=+shutdown", PVPANIC_PANICKED | PVPANIC_SHUTDOWN },
    };
    const Family *fam = opaque;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        QTestState *qts = start("pc", fam, cases[i].features, "");

        g_test_message("%s %s", fam->type, cases[i].features);
        g_assert_cmphex(read_events(qts, fam), ==, cases[i].events);
        qtest_quit(qts);
    }
}

/* The guest writes an event it was offered: the host hears of it. */
static void test_event_delivered(void)
{
    QTestState *qts = start("pc", &isa, "features=none:+panicked", "");
    QDict *rsp;

    qtest_outb(qts, ISA_PORT, PVPANIC_PANICKED);
    rsp = qtest_qmp_eventwait_ref(qts, "GUEST_PANICKED");
    qobject_unref(rsp);
    qtest_quit(qts);
}

/*
 * Run QEMU with @args; it must exit with status @code.  Returns its
 * stderr, or its stdout if @out.
 */
static char *qemu_exits(const char *args, int code, bool out)
{
    g_autofree char *cmd = g_strdup_printf("timeout 30 %s -display none"
                                           " -nodefaults -S -accel qtest %s",
                                           g_getenv("QTEST_QEMU_BINARY"),
                                           args);
    g_autoptr(GError) gerr = NULL;
    char *text[2] = { NULL, NULL };
    int status;

    g_assert_true(g_spawn_command_line_sync(cmd, &text[1], &text[0],
                                            &status, &gerr));
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, code);
    g_free(text[!out]);
    return text[out];
}

/*
 * features=help shows each event's switch, a bit of "events", and its
 * state after the machine type's compat properties.
 */
static void test_help(void)
{
    g_autofree char *old = qemu_exits("-M " OLD_MACHINE " -device pvpanic,"
                                      "features=help", 0, true);
    g_autofree char *new = qemu_exits("-M pc -device pvpanic,features=help",
                                      0, true);

    g_test_message("%s", old);
    g_assert_nonnull(strstr(old, "  panicked      events bit 0 (uint8)  on\n"
                            "  crash-loaded  events bit 1 (uint8)  off\n"
                            "  shutdown      events bit 2 (uint8)  off\n"));
    g_assert_nonnull(strstr(new, "  panicked      events bit 0 (uint8)  on\n"
                            "  crash-loaded  events bit 1 (uint8)  on\n"
                            "  shutdown      events bit 2 (uint8)  on\n"));
}

/*
 * An unknown name is refused, naming the map and the nearest name; a
 * valid one is taken by device_add, also after an unplug.
 */
static void test_unknown_name(void)
{
    g_autofree char *err = qemu_exits("-M pc -device pvpanic,id=pp,"
                                      "features=all:-shutdwn", 1, false);
    QTestState *qts;
    g_autoptr(QDict) rsp = NULL;
    QDict *error;

    g_test_message("command line: %s", err);
    g_assert_nonnull(strstr(err, "device 'pp' (pvpanic): features=:"
                            " pvpanic has no feature 'shutdwn'\n"));
    g_assert_nonnull(strstr(err, "Did you mean 'shutdown'?"));

    qts = qtest_init("-M pc");
    rsp = qtest_qmp(qts, "{ 'execute': 'device_add', 'arguments': {"
                    "    'driver': 'pvpanic-pci', 'id': 'pp',"
                    "    'features': 'all,-crash-lodaed' } }");
    error = qdict_get_qdict(rsp, "error");
    g_assert_nonnull(error);
    g_assert_cmpstr(qdict_get_str(error, "desc"), ==,
                    "device 'pp' (pvpanic-pci): features=: pvpanic has no"
                    " feature 'crash-lodaed'");
    /* The same device with a valid mask can be added afterwards. */
    qtest_qmp_assert_success(qts, "{ 'execute': 'device_add',"
                             "  'arguments': { 'driver': 'pvpanic-pci',"
                             "    'id': 'pp', 'addr': '0x4',"
                             "    'features': 'all,-crash-loaded' } }");
    g_assert_cmphex(read_events(qts, &pci), ==,
                    PVPANIC_PANICKED | PVPANIC_SHUTDOWN);
    /* Unplugged (its guard goes) and plugged again with other events. */
    qpci_unplug_acpi_device_test(qts, "pp", PCI_SLOT);
    qtest_qmp_assert_success(qts, "{ 'execute': 'device_add',"
                             "  'arguments': { 'driver': 'pvpanic-pci',"
                             "    'id': 'pp', 'addr': '0x4',"
                             "    'features': 'none,+crash-loaded' } }");
    g_assert_cmphex(read_events(qts, &pci), ==, PVPANIC_CRASH_LOADED);
    qtest_quit(qts);
}

/* query-device-features lists the device with its sets. */
static void test_query(gconstpointer opaque)
{
    const Family *fam = opaque;
    QTestState *qts = start("pc", fam, "features=none:+panicked", "");
    g_autoptr(QDict) dev = device_features(qts);
    g_autoptr(QDict) dflt = NULL;
    g_autofree char *available = NULL;
    g_autofree char *requested = NULL;
    g_autofree char *enabled = NULL;
    g_autofree char *acked = NULL;

    g_assert_cmpstr(qdict_get_str(dev, "type"), ==, fam->type);
    g_assert_cmpstr(qdict_get_str(dev, "kind"), ==, "pvpanic");
    g_assert_cmpstr(qdict_get_str(dev, "mask"), ==, "none:+panicked");
    g_assert_false(qdict_haskey(dev, "backend"));
    available = names_of(dev, "available");
    requested = names_of(dev, "requested");
    enabled = names_of(dev, "enabled");
    acked = names_of(dev, "acked");
    g_assert_cmpstr(available, ==, ALL_EVENTS);
    g_assert_cmpstr(requested, ==, "[\"panicked\"]");
    g_assert_cmpstr(enabled, ==, "[\"panicked\"]");
    /* No handshake: what the guest can read is what it gets. */
    g_assert_cmpstr(acked, ==, "[\"panicked\"]");
    qtest_quit(qts);

    /* Without features=, the device is listed with QEMU's default. */
    qts = start("pc", fam, "", "");
    dflt = device_features(qts);
    g_assert_false(qdict_haskey(dflt, "mask"));
    g_assert_false(qdict_haskey(dflt, "requested"));
    g_free(enabled);
    enabled = names_of(dflt, "enabled");
    g_assert_cmpstr(enabled, ==, ALL_EVENTS);
    qtest_quit(qts);
}

/*
 * query-features-baseline finds pvpanic's map by kind and by device type,
 * beside the virtio family's: the common set of two hosts' events.
 */
static void test_baseline(void)
{
    static const char *const kinds[] = { "pvpanic", "pvpanic-pci" };
    QTestState *qts = start("pc", &isa, "", "");
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(kinds); i++) {
        g_autoptr(QDict) base = qtest_qmp_assert_success_ref(
            qts, "{ 'execute': 'query-features-baseline',"
            "  'arguments': { 'kind': %s, 'hosts': ["
            "    { 'host': 'new', 'features': ['panicked', 'crash-loaded',"
            "                                  'shutdown'] },"
            "    { 'host': 'old', 'features': ['panicked'] } ] } }",
            kinds[i]);
        g_autofree char *common = names_of(base, "common");

        g_assert_false(qdict_get_bool(base, "dynamic"));
        g_assert_cmpstr(common, ==, "[\"panicked\"]");
        g_assert_cmpstr(qdict_get_str(base, "mask"), ==, "none:+panicked");
    }
    /* The virtio family's kinds are still found. */
    qobject_unref(qtest_qmp_assert_success_ref(
        qts, "{ 'execute': 'query-features-baseline',"
        "  'arguments': { 'kind': 'virtio-rng', 'hosts': ["
        "    { 'host': 'a', 'features': ['version_1'] } ] } }"));
    qtest_quit(qts);
}

/*
 * The ISA device's default depends on the machine type (hw_compat_5_1:
 * events=1); features= starting from all or none means the same set on
 * every machine type.
 */
static void test_machine_types(void)
{
    static const EventsCase cases[] = {
        { "", 0 },      /* differs: checked below */
        { "features=all:-shutdown", PVPANIC_PANICKED | PVPANIC_CRASH_LOADED },
        { "features=none:+panicked:+shutdown",
          PVPANIC_PANICKED | PVPANIC_SHUTDOWN },
        { "features=all", PVPANIC_EVENTS },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        QTestState *old = start(OLD_MACHINE, &isa, cases[i].features, "");
        QTestState *new = start("pc", &isa, cases[i].features, "");
        uint8_t ev_old = read_events(old, &isa);
        uint8_t ev_new = read_events(new, &isa);
        g_autofree char *en_old = device_list(old, "enabled");
        g_autofree char *en_new = device_list(new, "enabled");

        g_test_message("'%s': %s 0x%x (%s), pc 0x%x (%s)", cases[i].features,
                       OLD_MACHINE, ev_old, en_old, ev_new, en_new);
        if (!*cases[i].features) {
            g_assert_cmphex(ev_old, ==, PVPANIC_PANICKED);
            g_assert_cmphex(ev_new, ==, PVPANIC_EVENTS);
            g_assert_cmpstr(en_old, ==, "[\"panicked\"]");
            g_assert_cmpstr(en_new, ==, ALL_EVENTS);
        } else {
            g_assert_cmphex(ev_old, ==, cases[i].events);
            g_assert_cmphex(ev_new, ==, cases[i].events);
            g_assert_cmpstr(en_old, ==, en_new);
        }
        qtest_quit(old);
        qtest_quit(new);
    }
}

typedef struct Migration {
    QTestState *src;
    QTestState *dst;
    char *dst_err;
} Migration;

/*
 * Migrate a QEMU with @fam's device and @src_opts to one with @dst_opts;
 * the destination's stderr goes to a file.
 */
static void migrate(Migration *m, const Family *fam, const char *src_opts,
                    const char *dst_opts)
{
    g_autofree char *uri = g_strdup_printf("unix:%s/migrate.sock", tmpdir);
    g_autofree char *redirect = NULL;

    m->dst_err = g_strdup_printf("%s/dst.err", tmpdir);
    redirect = g_strdup_printf("-incoming defer 2>%s", m->dst_err);
    m->src = start("pc", fam, src_opts, "");
    m->dst = start("pc", fam, dst_opts, redirect);
    migrate_set_capability(m->src, "return-path", true);
    migrate_set_capability(m->dst, "return-path", true);
    migrate_incoming_qmp(m->dst, uri, NULL, "{ 'exit-on-error': false }");
    migrate_qmp(m->src, m->dst, uri, NULL, "{}");
}

static void migration_end(Migration *m)
{
    qtest_quit(m->src);
    qtest_quit(m->dst);
    g_unlink(m->dst_err);
    g_free(m->dst_err);
}

/* Same features= on both sides: the guest reads the same events after. */
static void test_migrate_same(gconstpointer opaque)
{
    const Family *fam = opaque;
    Migration m = { 0 };
    g_autofree char *enabled = NULL;

    migrate(&m, fam, "features=all:-shutdown", "features=all:-shutdown");
    wait_for_migration_complete(m.src);
    qtest_qmp_eventwait(m.dst, "RESUME");
    g_assert_cmphex(read_events(m.dst, fam), ==,
                    PVPANIC_PANICKED | PVPANIC_CRASH_LOADED);
    enabled = device_list(m.dst, "enabled");
    g_assert_cmpstr(enabled, ==, "[\"panicked\", \"crash-loaded\"]");
    migration_end(&m);
}

/*
 * The destination offers fewer events than the source's guest saw: the
 * guard fails the migration naming the event, and the source runs on.
 */
static void test_migrate_lacking(gconstpointer opaque)
{
    const Family *fam = opaque;
    Migration m = { 0 };
    g_autofree char *err = NULL;
    g_autofree char *want = g_strdup_printf(
        "device 'pp' (%s): features enabled on the source are not available"
        " here: shutdown\n", fam->type);
    static const char *not_failed[] = { "completed", "cancelled", NULL };
    g_autofree char *dst_status = NULL;
    g_autoptr(QDict) rsp = NULL;

    migrate(&m, fam, "features=all", "features=all:-shutdown");
    wait_for_migration_status(m.src, "failed", not_failed);
    /* The source runs on. */
    qtest_qmp_eventwait(m.src, "RESUME");
    rsp = qtest_qmp_assert_success_ref(m.src, "{ 'execute': 'query-status' }");
    g_assert_cmpstr(qdict_get_str(rsp, "status"), ==, "running");
    dst_status = migrate_query_status(m.dst);
    g_assert_cmpstr(dst_status, ==, "failed");
    g_assert_true(g_file_get_contents(m.dst_err, &err, NULL, NULL));
    g_test_message("destination: %s", err);
    g_assert_nonnull(strstr(err, want));
    g_assert_cmphex(read_events(m.src, fam), ==, PVPANIC_EVENTS);
    migration_end(&m);
}

int main(int argc, char **argv)
{
    static const Family *const families[] = { &isa, &pci };
    g_autoptr(GError) err = NULL;
    size_t i;
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("featmask-pvpanic-XXXXXX", &err);
    g_assert_no_error(err);

    for (i = 0; i < G_N_ELEMENTS(families); i++) {
        const Family *fam = families[i];
        g_autofree char *events = g_strdup_printf("/featmask-pvpanic/%s/"
                                                  "events", fam->path);
        g_autofree char *query = g_strdup_printf("/featmask-pvpanic/%s/"
                                                 "query", fam->path);
        g_autofree char *same = g_strdup_printf("/featmask-pvpanic/%s/"
                                                "migrate/same", fam->path);
        g_autofree char *lacking = g_strdup_printf("/featmask-pvpanic/%s/"
                                                   "migrate/lacking",
                                                   fam->path);

        qtest_add_data_func(events, fam, test_events);
        qtest_add_data_func(query, fam, test_query);
        qtest_add_data_func(same, fam, test_migrate_same);
        qtest_add_data_func(lacking, fam, test_migrate_lacking);
    }
    qtest_add_func("/featmask-pvpanic/isa/event-delivered",
                   test_event_delivered);
    qtest_add_func("/featmask-pvpanic/unknown-name", test_unknown_name);
    qtest_add_func("/featmask-pvpanic/isa/help", test_help);
    qtest_add_func("/featmask-pvpanic/baseline", test_baseline);
    qtest_add_func("/featmask-pvpanic/isa/machine-types", test_machine_types);

    ret = g_test_run();
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
