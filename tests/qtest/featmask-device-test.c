/*
 * QTest for device feature masks: features=, its enforcement against the
 * backend, its errors, and the migration guard between hosts whose
 * vhost-user backends offer different features
 *
 * Each "host" is a QEMU with its own vhost-user backend, started with the
 * features that host's switch software has: a libvhost-user server in the
 * test's own process (featmask-vhost-user.c), so the test needs nothing
 * outside QEMU's tree.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <glib/gstdio.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#ifdef CONFIG_LINUX
#include <sys/prctl.h>
#endif
#include "libqtest.h"
#include "qemu/bswap.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qstring.h"
#include "libqos/malloc-pc.h"
#include "libqos/pci-pc.h"
#include "libqos/virtio-pci.h"
#include "standard-headers/linux/virtio_config.h"
#include "standard-headers/linux/virtio_net.h"
#include "standard-headers/linux/virtio_blk.h"
#include "standard-headers/linux/virtio_ring.h"
#include "standard-headers/linux/virtio_scsi.h"
#include "featmask-vhost-user.h"

#define MEM_SIZE "128M"
#define NET_SLOT 4
#define WAIT_US (60 * G_USEC_PER_SEC)

/* What the two kinds of host can provide: one has no UFO offload. */
#define BACKEND_FULL UINT64_MAX
#define BACKEND_NO_UFO (BACKEND_FULL & ~(1ULL << VIRTIO_NET_F_GUEST_UFO | \
                                         1ULL << VIRTIO_NET_F_HOST_UFO))
#define UFO_NAMES "guest_ufo, host_ufo"
/*
 * QEMU 10.0 never offers USO with a vhost-user peer (it has no has_uso),
 * so a mask that keeps the default set must leave USO out; on the host
 * without UFO, UFO too.
 */
#define NO_USO "-host_uso:-guest_uso4:-guest_uso6"
#define FIT_NO_UFO NO_USO ":-guest_ufo:-host_ufo"

typedef struct Host {
    const char *name;
    char *sock;
    char *err;
    FeatmaskVhostUser *backend;
    QTestState *qts;
    QGuestAllocator alloc;
    QPCIBus *bus;
    QVirtioPCIDevice *dev;
    QVirtQueue *vq[2];
    /* The device's slot and queues: 0 for virtio-net's. */
    int slot;
    int nvqs;
} Host;

static char *tmpdir;

static void backend_start(Host *h, uint64_t features)
{
    h->backend = featmask_vhost_user_start(h->sock, features);
}

static void backend_stop(Host *h)
{
    g_clear_pointer(&h->backend, featmask_vhost_user_stop);
}

static void host_init(Host *h, const char *name)
{
    h->name = name;
    h->sock = g_strdup_printf("%s/%s.sock", tmpdir, name);
    h->err = g_strdup_printf("%s/%s-qemu.err", tmpdir, name);
}

/* The options of a host's QEMU, up to the device. */
static char *host_args(Host *h, bool incoming)
{
    return g_strdup_printf("-M pc,memory-backend=mem -m " MEM_SIZE " "
                           "-object memory-backend-memfd,id=mem,"
                           "size=" MEM_SIZE ",share=on "
                           "-chardev socket,id=c0,path=%s "
                           "-netdev vhost-user,id=n0,chardev=c0 %s",
                           h->sock, incoming ? "-incoming defer" : "");
}

/*
 * Start a host: its backend with @backend_features, and QEMU with a
 * virtio-net-pci whose extra options are @device ("" for none).
 */
static void host_start(Host *h, uint64_t backend_features,
                       const char *device, bool incoming)
{
    g_autofree char *base = host_args(h, incoming);
    g_autofree char *args = NULL;

    backend_start(h, backend_features);
    args = g_strdup_printf("%s -device virtio-net-pci,id=net0,netdev=n0,"
                           "addr=%d.0,romfile=,disable-legacy=on%s%s "
                           "2>%s", base, NET_SLOT, *device ? "," : "",
                           device, h->err);
    h->qts = qtest_init(args);
}

static void host_stop(Host *h)
{
    if (h->bus) {
        qpci_free_pc(h->bus);
        alloc_destroy(&h->alloc);
        h->bus = NULL;
    }
    g_clear_pointer(&h->dev, g_free);
    if (h->qts) {
        qtest_quit(h->qts);
        h->qts = NULL;
    }
    backend_stop(h);
}

static void host_free(Host *h)
{
    host_stop(h);
    g_free(h->sock);
    g_free(h->err);
}

/*
 * The guest driver: negotiate every feature the device offers, set up
 * the receive and transmit queues and start the device, which starts
 * the vhost-user backend.  Returns the acked features.
 */
static uint64_t guest_driver_start(Host *h)
{
    QPCIAddress addr = {
        .devfn = QPCI_DEVFN(h->slot ? h->slot : NET_SLOT, 0)
    };
    int nvqs = h->nvqs ? h->nvqs : ARRAY_SIZE(h->vq);
    uint64_t features;
    int i;

    pc_alloc_init(&h->alloc, h->qts, 0);
    h->bus = qpci_new_pc(h->qts, &h->alloc);
    h->dev = virtio_pci_new(h->bus, &addr);
    g_assert_nonnull(h->dev);
    qvirtio_pci_device_enable(h->dev);
    qvirtio_start_device(&h->dev->vdev);
    features = qvirtio_get_features(&h->dev->vdev) & ~QVIRTIO_F_BAD_FEATURE;
    g_assert_true(features & (1ull << VIRTIO_F_VERSION_1));
    qvirtio_set_features(&h->dev->vdev, features);
    for (i = 0; i < nvqs; i++) {
        h->vq[i] = qvirtqueue_setup(&h->dev->vdev, &h->alloc, i);
    }
    qvirtio_set_driver_ok(&h->dev->vdev);
    return features;
}

/* The answer of query-device-features for @id (a new reference). */
static QDict *device_features_of(QTestState *qts, const char *id)
{
    g_autoptr(QDict) rsp = qtest_qmp(qts,
                                     "{ 'execute': 'query-device-features',"
                                     "  'arguments': { 'id': %s } }", id);
    QList *list = qdict_get_qlist(rsp, "return");
    QDict *dev;

    g_assert_nonnull(list);
    g_assert_cmpint(qlist_size(list), ==, 1);
    dev = qobject_to(QDict, qlist_peek(list));
    qobject_ref(dev);
    return dev;
}

static QDict *device_features(QTestState *qts)
{
    return device_features_of(qts, "net0");
}

/* A list of names as "a, b, c". */
static char *names_join(QList *list)
{
    g_autoptr(GString) s = g_string_new(NULL);
    QListEntry *e;

    QLIST_FOREACH_ENTRY(list, e) {
        g_string_append_printf(s, "%s%s", s->len ? ", " : "",
                               qstring_get_str(qobject_to(QString,
                                                          qlist_entry_obj(e))));
    }
    return g_strdup(s->str);
}

static char *device_list(QTestState *qts, const char *member)
{
    g_autoptr(QDict) dev = device_features(qts);

    return names_join(qdict_get_qlist(dev, member));
}

static bool names_has(const char *list, const char *name)
{
    g_auto(GStrv) names = g_strsplit(list, ", ", -1);

    return g_strv_contains((const char *const *)names, name);
}

static QDict *migrate_status(QTestState *qts)
{
    return qtest_qmp_assert_success_ref(qts,
                                        "{ 'execute': 'query-migrate' }");
}

static char *migrate_wait(QTestState *qts)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_US;

    for (;;) {
        g_autoptr(QDict) st = migrate_status(qts);
        const char *status = qdict_get_try_str(st, "status");

        if (status && (!strcmp(status, "completed") ||
                       !strcmp(status, "failed") ||
                       !strcmp(status, "cancelled"))) {
            return g_strdup(status);
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10000);
    }
}

static void set_return_path(QTestState *qts)
{
    qtest_qmp_assert_success(qts, "{ 'execute': 'migrate-set-capabilities',"
                             "  'arguments': { 'capabilities': ["
                             "    { 'capability': 'return-path',"
                             "      'state': true } ] } }");
}

/*
 * Migrate @src to @dst over a unix socket; returns the source's final
 * status ("completed" or "failed") and the time it took in *@secs.
 */
static char *migrate(Host *src, Host *dst, double *secs)
{
    g_autofree char *uri = g_strdup_printf("unix:%s/migrate.sock", tmpdir);
    char *status;

    set_return_path(src->qts);
    set_return_path(dst->qts);
    qtest_qmp_assert_success(dst->qts, "{ 'execute': 'migrate-incoming',"
                             "  'arguments': { 'uri': %s,"
                             "                 'exit-on-error': false } }",
                             uri);
    g_test_timer_start();
    qtest_qmp_assert_success(src->qts, "{ 'execute': 'migrate',"
                             "  'arguments': { 'uri': %s } }", uri);
    status = migrate_wait(src->qts);
    if (secs) {
        *secs = g_test_timer_elapsed();
    }
    return status;
}

static const char *run_state(QTestState *qts)
{
    static char state[64];
    g_autoptr(QDict) st = qtest_qmp_assert_success_ref(
        qts, "{ 'execute': 'query-status' }");

    g_strlcpy(state, qdict_get_str(st, "status"), sizeof(state));
    return state;
}

static char *file_contents(const char *path)
{
    char *text = NULL;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return text;
}

static void wait_running(QTestState *qts)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_US;

    while (strcmp(run_state(qts), "running")) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10000);
    }
}

/*
 * Migrate a guest between two hosts launched with @mask (NULL: without
 * features=) and check that it completes with the acked features kept.
 */
static double migrate_same(uint64_t src_backend, uint64_t dst_backend,
                           const char *mask)
{
    Host a = { 0 }, b = { 0 };
    g_autofree char *device = mask ? g_strdup_printf("features=%s", mask)
                                   : g_strdup("");
    g_autofree char *acked = NULL;
    g_autofree char *acked_dst = NULL;
    g_autofree char *status = NULL;
    uint64_t bits, vhost_bits;
    double secs;

    host_init(&a, "a");
    host_init(&b, "b");
    host_start(&a, src_backend, device, false);
    host_start(&b, dst_backend, device, true);

    bits = guest_driver_start(&a);
    acked = device_list(a.qts, "acked");
    g_test_message("guest acked 0x%" PRIx64 ": %s", bits, acked);
    g_assert_true(names_has(acked, "version_1"));

    status = migrate(&a, &b, &secs);
    g_assert_cmpstr(status, ==, "completed");
    wait_running(b.qts);
    acked_dst = device_list(b.qts, "acked");
    g_assert_cmpstr(acked_dst, ==, acked);

    /* The destination's backend really got the guest's features. */
    vhost_bits = bits & (1ULL << VIRTIO_F_VERSION_1 |
                         1ULL << VIRTIO_NET_F_CSUM |
                         1ULL << VIRTIO_NET_F_MRG_RXBUF);
    g_assert_cmphex(featmask_vhost_user_acked(b.backend) & vhost_bits, ==,
                    vhost_bits);

    host_free(&a);
    host_free(&b);
    return secs;
}

/* 1. Same features on both hosts: the migration completes. */
static void test_migrate_same(void)
{
    double with = G_MAXDOUBLE, without = G_MAXDOUBLE;
    int i;

    /*
     * The default set (as the backend allows it), with and without the
     * guard, in turns; the best of three of each is the figure.
     */
    for (i = 0; i < 6; i++) {
        if (i % 2) {
            with = MIN(with, migrate_same(BACKEND_NO_UFO, BACKEND_NO_UFO,
                                          FIT_NO_UFO));
        } else {
            without = MIN(without, migrate_same(BACKEND_NO_UFO,
                                                BACKEND_NO_UFO, NULL));
        }
    }
    g_test_message("migration: %.3f s with features= (guard),"
                   " %.3f s without (best of 3)", with, without);
    /* Every switch the backend allows, packed rings included. */
    migrate_same(BACKEND_NO_UFO, BACKEND_NO_UFO,
                 "all:-rss:-hash:-guest_rsc_ext:-iommu_platform:-mq:"
                 FIT_NO_UFO);
}

/*
 * 2. The destination's backend lacks what the source enabled: the guard
 * fails the migration with the features' names, and the source keeps
 * running with the features its guest acked.
 */
static void test_migrate_lacking(void)
{
    Host a = { 0 }, b = { 0 };
    g_autofree char *acked = NULL;
    g_autofree char *acked_after = NULL;
    g_autofree char *status = NULL;
    g_autofree char *err = NULL;
    g_autoptr(QDict) dst = NULL;

    host_init(&a, "a");
    host_init(&b, "b");
    host_start(&a, BACKEND_FULL, "features=+guest_ufo:+host_ufo:" NO_USO,
               false);
    host_start(&b, BACKEND_NO_UFO, "", true);

    guest_driver_start(&a);
    acked = device_list(a.qts, "acked");
    g_assert_true(names_has(acked, "host_ufo"));

    status = migrate(&a, &b, NULL);
    g_assert_cmpstr(status, ==, "failed");

    /* The destination said why, with the guard's words. */
    dst = migrate_status(b.qts);
    g_assert_cmpstr(qdict_get_str(dst, "status"), ==, "failed");
    err = file_contents(b.err);
    g_test_message("destination: %s", err);
    g_assert_nonnull(strstr(err, "device 'net0' (virtio-net-pci): features"
                            " enabled on the source are not available"
                            " here: " UFO_NAMES "\n"));
    /* ... before virtio's own check of the device state. */
    g_assert_null(strstr(err, "unsupported"));

    /* The source runs on, its guest's features unchanged. */
    wait_running(a.qts);
    acked_after = device_list(a.qts, "acked");
    g_assert_cmpstr(acked_after, ==, acked);

    host_free(&a);
    host_free(&b);
}

static QList *device_available(Host *h)
{
    g_autoptr(QDict) dev = device_features(h->qts);
    QList *list = qdict_get_qlist(dev, "available");

    qobject_ref(list);
    return list;
}

/* Does @base drop @feature for @reason, on @hosts ("a, b")? */
static bool baseline_dropped(QDict *base, const char *feature,
                             const char *reason, const char *hosts)
{
    QListEntry *e;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(base, "dropped"), e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));
        g_autofree char *h = NULL;

        if (strcmp(qdict_get_str(d, "feature"), feature)) {
            continue;
        }
        h = names_join(qdict_get_qlist(d, "hosts"));
        return !strcmp(qdict_get_str(d, "reason"), reason) &&
               !strcmp(h, hosts);
    }
    return false;
}

/* Double the commas of a mask, for -device's option syntax. */
static char *escape_commas(const char *mask)
{
    g_auto(GStrv) items = g_strsplit(mask, ",", -1);

    return g_strjoinv(",,", items);
}

/*
 * 3. Probe both hosts with query-device-features, negotiate with
 * query-features-baseline, relaunch both with the common set: the
 * migration completes.
 */
static void test_migrate_negotiated(void)
{
    Host a = { 0 }, b = { 0 };
    g_autoptr(QDict) base = NULL;
    g_autofree char *mask = NULL;
    g_autofree char *escaped = NULL;
    g_autofree char *device = NULL;
    g_autofree char *acked = NULL;
    g_autofree char *acked_dst = NULL;
    g_autofree char *status = NULL;
    g_autofree char *common = NULL;
    QList *la, *lb;

    host_init(&a, "a");
    host_init(&b, "b");
    host_start(&a, BACKEND_FULL, "", false);
    host_start(&b, BACKEND_NO_UFO, "", false);
    la = device_available(&a);
    lb = device_available(&b);

    base = qtest_qmp_assert_success_ref(
        a.qts, "{ 'execute': 'query-features-baseline',"
        "  'arguments': { 'device': 'net0', 'hosts': ["
        "    { 'host': 'a', 'features': %p },"
        "    { 'host': 'b', 'features': %p } ] } }", la, lb);
    mask = g_strdup(qdict_get_str(base, "mask"));
    common = names_join(qdict_get_qlist(base, "common"));
    g_test_message("common: %s; mask: %s", common, mask);
    g_assert_false(names_has(common, "host_ufo"));
    g_assert_true(names_has(common, "csum"));
    g_assert_true(baseline_dropped(base, "host_ufo", "missing", "b"));
    g_assert_true(baseline_dropped(base, "guest_ufo", "missing", "b"));
    host_stop(&a);
    host_stop(&b);

    escaped = escape_commas(mask);
    device = g_strdup_printf("features=%s", escaped);
    host_start(&a, BACKEND_FULL, device, false);
    host_start(&b, BACKEND_NO_UFO, device, true);
    guest_driver_start(&a);
    acked = device_list(a.qts, "acked");
    g_assert_false(names_has(acked, "host_ufo"));

    status = migrate(&a, &b, NULL);
    g_assert_cmpstr(status, ==, "completed");
    wait_running(b.qts);
    acked_dst = device_list(b.qts, "acked");
    g_assert_cmpstr(acked_dst, ==, acked);

    host_free(&a);
    host_free(&b);
}

/* Run QEMU with @args; it must fail.  Returns its stderr. */
static char *qemu_fails(const char *args)
{
    g_autofree char *cmd = NULL;
    g_autoptr(GError) gerr = NULL;
    char *out = NULL, *err = NULL;
    int status;

    cmd = g_strdup_printf("timeout 30 %s -display none -nodefaults -S "
                          "-accel qtest %s", g_getenv("QTEST_QEMU_BINARY"),
                          args);
    g_assert_true(g_spawn_command_line_sync(cmd, &out, &err, &status,
                                            &gerr));
    g_free(out);
    /* An error exit, not a crash or the timeout. */
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    return err;
}

/*
 * Run QEMU with @device_opts for a virtio-net-pci on a host without UFO;
 * it must fail.  Returns its stderr.
 */
static char *qemu_cmdline_fails(const char *device_opts)
{
    Host h = { 0 };
    g_autofree char *base = NULL;
    g_autofree char *args = NULL;
    char *err;

    host_init(&h, "c");
    backend_start(&h, BACKEND_NO_UFO);
    base = host_args(&h, false);
    args = g_strdup_printf("%s -device virtio-net-pci,id=net0,netdev=n0,"
                           "addr=%d.0,romfile=,disable-legacy=on,%s", base,
                           NET_SLOT, device_opts);
    err = qemu_fails(args);
    host_free(&h);
    return err;
}

static char *device_add_fails(QTestState *qts, const char *features)
{
    g_autoptr(QDict) rsp = qtest_qmp(qts, "{ 'execute': 'device_add',"
                                     "  'arguments': {"
                                     "    'driver': 'virtio-net-pci',"
                                     "    'id': 'net0', 'netdev': 'n0',"
                                     "    'romfile': '',"
                                     "    'features': %s } }", features);
    QDict *error = qdict_get_qdict(rsp, "error");

    g_assert_nonnull(error);
    return g_strdup(qdict_get_str(error, "desc"));
}

/*
 * 4. features= asks for what the backend lacks: realize fails and names
 * the features and the backend, on the command line and in device_add.
 */
static void test_realize_lacking(void)
{
    Host h = { 0 };
    g_autofree char *err = qemu_cmdline_fails("features=+guest_ufo:"
                                              "+host_ufo:" NO_USO);
    g_autofree char *desc = NULL;
    g_autofree char *base = NULL;

    g_test_message("command line: %s", err);
    g_assert_nonnull(strstr(err, "device 'net0' (virtio-net-pci): netdev 'n0'"
                            " (vhost-user) cannot provide features requested"
                            " by features=: " UFO_NAMES "\n"));

    host_init(&h, "d");
    backend_start(&h, BACKEND_NO_UFO);
    base = host_args(&h, false);
    h.qts = qtest_init(base);
    desc = device_add_fails(h.qts, "+guest_ufo,+host_ufo:" NO_USO);
    g_assert_true(g_str_has_suffix(desc, "cannot provide features requested"
                                   " by features=: " UFO_NAMES));
    /* The same device without the feature can be added afterwards. */
    qtest_qmp_assert_success(h.qts, "{ 'execute': 'device_add',"
                             "  'arguments': {"
                             "    'driver': 'virtio-net-pci', 'id': 'net0',"
                             "    'netdev': 'n0', 'romfile': '',"
                             "    'features': '" FIT_NO_UFO "' } }");
    host_free(&h);
}

typedef struct BadMask {
    const char *path;
    const char *cmdline;        /* the -device options */
    const char *qmp;            /* features= in device_add, or NULL */
    const char *error;          /* part of the error message */
} BadMask;

static const BadMask bad_masks[] = {
    /* An unknown name is named, with the nearest valid names. */
    { "unknown-name", "features=all,,-hots_uso", "all,-hots_uso",
      "virtio-net has no feature 'hots_uso'" },
    /* A name both on and off in the mask. */
    { "contradiction", "features=csum,,-csum", "csum,-csum",
      "feature 'csum' is both enabled and disabled" },
    /* ':' and ',,' separate items on the command line alike. */
    { "colon", "features=all:-hots_uso", "all:-hots_uso",
      "virtio-net has no feature 'hots_uso'" },
    /* The property's setter names the device. */
    { "setter", "features=+hots_uso", "+hots_uso",
      "device 'net0' (virtio-net-pci): features=: virtio-net has no" },
    /* What features need must stay. */
    { "dependency", "features=all:-csum", "all,-csum",
      "leaves out what these features need: host_tso4 (needs csum)" },
    /* Garbage. */
    { "garbage", "features=%%%,,@@@", "%%%,@@@",
      "virtio-net has no feature '%%%'" },
    { "empty", "features=", "", "empty feature mask" },
    { "empty-item", "features=csum,,,,guest_csum", "csum,,guest_csum",
      "empty item 2" },
    { "all-twice", "features=all,,all", "all,all",
      "'all' must come first" },
    { "bad-switch", "features=csum=maybe", "csum=maybe",
      "feature 'csum' takes 'on' or 'off', not 'maybe'" },
    /* A feature without a switch QEMU offers regardless. */
    { "no-switch-off", "features=-mac:" FIT_NO_UFO, "-mac:" FIT_NO_UFO,
      "features= turns off mac, but the device offers it regardless" },
};

static void test_bad_mask(gconstpointer opaque)
{
    const BadMask *t = opaque;
    g_autofree char *err = qemu_cmdline_fails(t->cmdline);

    g_test_message("command line: %s", err);
    g_assert_nonnull(strstr(err, t->error));
    if (t->qmp) {
        Host h = { 0 };
        g_autofree char *base = NULL;
        g_autofree char *desc = NULL;

        host_init(&h, "e");
        backend_start(&h, BACKEND_NO_UFO);
        base = host_args(&h, false);
        h.qts = qtest_init(base);
        desc = device_add_fails(h.qts, t->qmp);
        g_test_message("device_add: %s", desc);
        g_assert_nonnull(strstr(desc, t->error));
        g_assert_cmpstr(run_state(h.qts), ==, "running");
        host_free(&h);
    }
}

/* 5. A very long mask is refused on the command line and in device_add. */
static void test_long_mask(void)
{
    g_autoptr(GString) mask = g_string_new("all");
    g_autoptr(GString) qmp_mask = g_string_new("all");
    g_autofree char *opt = NULL;
    g_autofree char *err = NULL;
    g_autofree char *desc = NULL;
    g_autofree char *base = NULL;
    Host h = { 0 };
    int i;

    for (i = 0; mask->len < 20000; i++) {
        g_string_append(mask, ",,-csum");
        g_string_append(qmp_mask, ",-csum");
    }
    opt = g_strdup_printf("features=%s", mask->str);
    err = qemu_cmdline_fails(opt);
    g_assert_nonnull(strstr(err, "characters long, more than"));

    host_init(&h, "f");
    backend_start(&h, BACKEND_NO_UFO);
    base = host_args(&h, false);
    h.qts = qtest_init(base);
    desc = device_add_fails(h.qts, qmp_mask->str);
    g_assert_nonnull(strstr(desc, "characters long, more than"));
    g_assert_cmpstr(run_state(h.qts), ==, "running");
    host_free(&h);
}

/* Without features= the guard adds nothing; with it, a few bytes. */
static void test_guard_size(void)
{
    gsize sizes[2];
    int i;

    for (i = 0; i < 2; i++) {
        Host a = { 0 };
        g_autofree char *path = g_strdup_printf("%s/stream", tmpdir);
        g_autofree char *uri = g_strdup_printf("file:%s", path);
        g_autofree char *status = NULL;
        g_autofree char *stream = NULL;

        host_init(&a, "g");
        host_start(&a, BACKEND_NO_UFO, i ? "features=" FIT_NO_UFO : "",
                   false);
        guest_driver_start(&a);
        qtest_qmp_assert_success(a.qts, "{ 'execute': 'migrate',"
                                 "  'arguments': { 'uri': %s } }", uri);
        status = migrate_wait(a.qts);
        g_assert_cmpstr(status, ==, "completed");
        g_assert_true(g_file_get_contents(path, &stream, &sizes[i], NULL));
        /* The guard's section names the features it carries. */
        g_assert_true(!!memmem(stream, sizes[i], "featmask", 8) == i);
        host_free(&a);
        g_unlink(path);
    }
    g_test_message("migration stream: %zu bytes without features=,"
                   " %zu with (guard: %zd bytes)", sizes[0], sizes[1],
                   (gssize)(sizes[1] - sizes[0]));
    g_assert_cmpint(sizes[1], >, sizes[0]);
    g_assert_cmpint(sizes[1] - sizes[0], <, 2048);
}

/*
 * The guard's loader against corrupted sections.  The source saves its
 * state to a file; each case rewrites the guard's section of that stream
 * and loads it on a destination started with -incoming defer: the load
 * must fail cleanly (an error, QEMU still answering) or, for a section
 * that is still well-formed, succeed.
 */

#define QEMU_VM_SECTION_FULL 0x04
#define QEMU_VM_SECTION_FOOTER 0x7e
#define GUARD_MAX 65536
#define GUARD_RANDOM_CASES 40

typedef struct GuardStream {
    guint8 *data;
    gsize len;
    gsize sec;          /* QEMU_VM_SECTION_FULL of the guard's section */
    gsize idstr;        /* the idstr's length byte */
    gsize fields;       /* guard_len */
    guint32 names_len;
    gsize footer;       /* QEMU_VM_SECTION_FOOTER */
    gsize end;          /* after the footer */
} GuardStream;

static GuardStream guard_stream;
static Host guard_dst;

enum { LOAD_FAILS, LOAD_WORKS, LOAD_EITHER };

typedef struct GuardCase {
    const char *name;
    GByteArray *stream;
    int expect;
    const char *error;      /* part of the destination's stderr */
} GuardCase;

/* Save a guest with features= to a file and find the guard's section. */
static void guard_stream_make(void)
{
    GuardStream *g = &guard_stream;
    Host a = { 0 };
    g_autofree char *path = g_strdup_printf("%s/guard-stream", tmpdir);
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    g_autofree char *status = NULL;
    const guint8 *hit;
    gsize k;

    host_init(&a, "gs");
    host_start(&a, BACKEND_NO_UFO, "features=" FIT_NO_UFO, false);
    guest_driver_start(&a);
    qtest_qmp_assert_success(a.qts, "{ 'execute': 'migrate',"
                             "  'arguments': { 'uri': %s } }", uri);
    status = migrate_wait(a.qts);
    g_assert_cmpstr(status, ==, "completed");
    host_free(&a);
    g_assert_true(g_file_get_contents(path, (char **)&g->data, &g->len,
                                      NULL));
    g_unlink(path);

    /* "<dev path>/featmask", after its length byte, after the header. */
    hit = memmem(g->data, g->len, "/featmask", 9);
    g_assert_nonnull(hit);
    for (k = 1; k < 256; k++) {
        gsize start = hit + 9 - g->data - k;

        if (start >= 6 && g->data[start - 1] == k &&
            g->data[start - 6] == QEMU_VM_SECTION_FULL) {
            g->idstr = start - 1;
            break;
        }
    }
    g_assert_cmpuint(k, <, 256);
    g->sec = g->idstr - 5;
    g->fields = g->idstr + 1 + k + 8;
    g->names_len = ldl_be_p(g->data + g->fields);
    g->footer = g->fields + 4 + g->names_len;
    g_assert_cmpuint(g->footer + 5, <=, g->len);
    g_assert_cmpint(g->data[g->footer], ==, QEMU_VM_SECTION_FOOTER);
    g_assert_cmpuint(ldl_be_p(g->data + g->footer + 1), ==,
                     ldl_be_p(g->data + g->sec + 1));
    g->end = g->footer + 5;
    g_test_message("guard section at %zu of %zu bytes: '%.*s', %u bytes of"
                   " names '%.*s'", g->sec, g->len, (int)k,
                   g->data + g->idstr + 1, g->names_len, (int)g->names_len,
                   g->data + g->fields + 4);
}

static GByteArray *stream_copy(void)
{
    GByteArray *b = g_byte_array_sized_new(guard_stream.len);

    return g_byte_array_append(b, guard_stream.data, guard_stream.len);
}

/* The stream with the guard's names replaced by @names (@len bytes). */
static GByteArray *stream_with_names(const void *names, guint32 len)
{
    GuardStream *g = &guard_stream;
    GByteArray *b = g_byte_array_sized_new(g->len + len);
    guint8 be[4];

    stl_be_p(be, len);
    g_byte_array_append(b, g->data, g->fields);
    g_byte_array_append(b, be, 4);
    g_byte_array_append(b, names, len);
    g_byte_array_append(b, g->data + g->footer, g->len - g->footer);
    return b;
}

static GByteArray *stream_with_len(guint32 len)
{
    GByteArray *b = stream_copy();

    stl_be_p(b->data + guard_stream.fields, len);
    return b;
}

static GByteArray *stream_with_byte(gsize off, guint8 v)
{
    GByteArray *b = stream_copy();

    b->data[off] = v;
    return b;
}

static GByteArray *stream_truncated(gsize len)
{
    GByteArray *b = stream_copy();

    g_byte_array_set_size(b, len);
    return b;
}

static void guard_case_free(gpointer p)
{
    GuardCase *c = p;

    g_byte_array_unref(c->stream);
    g_free((char *)c->name);
    g_free(c);
}

static void guard_case(GPtrArray *cases, char *name, GByteArray *stream,
                       int expect, const char *error)
{
    GuardCase *c = g_new0(GuardCase, 1);

    c->name = name;
    c->stream = stream;
    c->expect = expect;
    c->error = error;
    g_ptr_array_add(cases, c);
}

/*
 * Load @c on a fresh destination; returns the destination's status, and
 * in *@err its error-desc and stderr.
 */
static char *guard_load(const GuardCase *c, char **err)
{
    Host *h = &guard_dst;
    g_autofree char *path = g_strdup_printf("%s/guard-case", tmpdir);
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    g_autofree char *base = host_args(h, true);
    g_autofree char *args = NULL;
    g_autoptr(QDict) st = NULL;
    g_autofree char *stderr_text = NULL;
    gint64 deadline = g_get_monotonic_time() + WAIT_US;
    char *status = NULL;
    GString *text;

    g_assert_true(g_file_set_contents(path, (char *)c->stream->data,
                                      c->stream->len, NULL));
    args = g_strdup_printf("%s -device virtio-net-pci,id=net0,netdev=n0,"
                           "addr=%d.0,romfile=,disable-legacy=on,"
                           "features=" FIT_NO_UFO " 2>%s", base, NET_SLOT,
                           h->err);
    h->qts = qtest_init(args);
    qtest_qmp_assert_success(h->qts, "{ 'execute': 'migrate-incoming',"
                             "  'arguments': { 'uri': %s,"
                             "                 'exit-on-error': false } }",
                             uri);
    for (;;) {
        const char *s;

        qobject_unref(st);
        st = migrate_status(h->qts);
        s = qdict_get_try_str(st, "status");
        if (s && (!strcmp(s, "completed") || !strcmp(s, "failed"))) {
            status = g_strdup(s);
            break;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(5000);
    }
    /* QEMU's messages, then what query-migrate says. */
    stderr_text = file_contents(h->err);
    text = g_string_new(stderr_text);
    if (qdict_haskey(st, "error-desc")) {
        g_string_append_printf(text, "%squery-migrate: %s",
                               text->len && text->str[text->len - 1] != '\n'
                               ? "\n" : "",
                               qdict_get_str(st, "error-desc"));
    }
    /* QEMU still answers: no crash, no abort, no hang. */
    if (!strcmp(status, "failed")) {
        g_assert_cmpstr(run_state(h->qts), ==, "inmigrate");
    } else {
        wait_running(h->qts);
    }
    qtest_quit(h->qts);
    h->qts = NULL;
    g_unlink(path);
    *err = g_string_free(text, FALSE);
    return status;
}

static void guard_cases_targeted(GPtrArray *cases)
{
    GuardStream *g = &guard_stream;
    guint32 n = g->names_len;
    g_autoptr(GString) s = g_string_new(NULL);
    gsize cuts[] = {
        g->sec, g->sec + 1, g->idstr + 3, g->fields - 4, g->fields,
        g->fields + 2, g->fields + 4, g->fields + 4 + n / 2, g->footer,
        g->end - 1, g->end,
    };
    gsize i;

    guard_case(cases, g_strdup("intact"), stream_copy(), LOAD_WORKS, NULL);
    /* The length field. */
    guard_case(cases, g_strdup("len-max"), stream_with_len(UINT32_MAX),
               LOAD_FAILS, "featmask names fit");
    guard_case(cases, g_strdup("len-over-limit"),
               stream_with_len(GUARD_MAX + 1), LOAD_FAILS,
               "featmask names fit");
    guard_case(cases, g_strdup("len-limit"), stream_with_len(GUARD_MAX),
               LOAD_FAILS, NULL);
    guard_case(cases, g_strdup("len-plus-one"), stream_with_len(n + 1),
               LOAD_FAILS, "featmask section is corrupted: byte 0x7e");
    guard_case(cases, g_strdup("len-minus-one"), stream_with_len(n - 1),
               LOAD_FAILS, NULL);
    guard_case(cases, g_strdup("len-zero"), stream_with_len(0), LOAD_FAILS,
               NULL);
    guard_case(cases, g_strdup("len-double"), stream_with_len(2 * n),
               LOAD_FAILS, NULL);
    /* The names. */
    guard_case(cases, g_strdup("names-nul"),
               stream_with_byte(g->fields + 4 + 4, 0), LOAD_FAILS,
               "byte 0x00 at offset 4 of");
    guard_case(cases, g_strdup("names-high-byte"),
               stream_with_byte(g->fields + 4 + n - 1, 0xff), LOAD_FAILS,
               "is not part of a feature name");
    guard_case(cases, g_strdup("names-unknown"),
               stream_with_names("csum,nosuch", 11), LOAD_FAILS,
               "not available here: nosuch\n");
    guard_case(cases, g_strdup("names-lacking"),
               stream_with_names("csum,host_ufo,guest_ufo", 23), LOAD_FAILS,
               "not available here: host_ufo, guest_ufo\n");
    guard_case(cases, g_strdup("names-subset"),
               stream_with_names("csum,guest_csum", 15), LOAD_WORKS, NULL);
    guard_case(cases, g_strdup("names-empty-items"),
               stream_with_names(",csum,,guest-csum,", 18), LOAD_WORKS,
               NULL);
    guard_case(cases, g_strdup("names-empty"), stream_with_names("", 0),
               LOAD_WORKS, NULL);
    while (s->len < GUARD_MAX) {
        g_string_append(s, "csum,");
    }
    /* 65536 = 5 * 13107 + 1: end on a comma, not on a lone "c". */
    s->str[GUARD_MAX - 1] = ',';
    guard_case(cases, g_strdup("names-longest"),
               stream_with_names(s->str, GUARD_MAX), LOAD_WORKS, NULL);
    memset(s->str, 'x', GUARD_MAX);
    guard_case(cases, g_strdup("names-one-long"),
               stream_with_names(s->str, GUARD_MAX), LOAD_FAILS,
               "xxxxxxxx...\n");
    for (i = 1; i < GUARD_MAX; i += 2) {
        s->str[i] = ',';
    }
    guard_case(cases, g_strdup("names-many-unknown"),
               stream_with_names(s->str, GUARD_MAX), LOAD_FAILS,
               " and 32752 more\n");
    /* The section's header and footer: QEMU's own checks. */
    guard_case(cases, g_strdup("idstr-len-plus"),
               stream_with_byte(g->idstr, g->data[g->idstr] + 1),
               LOAD_FAILS, NULL);
    guard_case(cases, g_strdup("idstr-len-minus"),
               stream_with_byte(g->idstr, g->data[g->idstr] - 1),
               LOAD_FAILS, NULL);
    guard_case(cases, g_strdup("idstr-len-zero"),
               stream_with_byte(g->idstr, 0), LOAD_FAILS, NULL);
    guard_case(cases, g_strdup("idstr-len-max"),
               stream_with_byte(g->idstr, 255), LOAD_FAILS, NULL);
    guard_case(cases, g_strdup("idstr-garbage"),
               stream_with_byte(g->idstr + 2, 0xff), LOAD_FAILS,
               "Unknown savevm section");
    guard_case(cases, g_strdup("version-too-new"),
               stream_with_byte(g->fields - 1, 2), LOAD_FAILS,
               "unsupported version 2 for");
    guard_case(cases, g_strdup("version-zero"),
               stream_with_byte(g->fields - 1, 0), LOAD_FAILS, "too old");
    guard_case(cases, g_strdup("instance"),
               stream_with_byte(g->fields - 5, 1), LOAD_FAILS,
               "Unknown savevm section");
    guard_case(cases, g_strdup("footer"),
               stream_with_byte(g->footer, 0), LOAD_FAILS,
               "Missing section footer");
    for (i = 0; i < G_N_ELEMENTS(cuts); i++) {
        guard_case(cases, g_strdup_printf("truncated-at-%+zd",
                                          (gssize)(cuts[i] - g->sec)),
                   stream_truncated(cuts[i]), LOAD_FAILS, NULL);
    }
}

/* Seeded random damage to the section: bytes, the length, a cut. */
static void guard_cases_random(GPtrArray *cases, guint32 seed)
{
    GuardStream *g = &guard_stream;
    g_autoptr(GRand) rand = g_rand_new_with_seed(seed);
    int i, j;

    for (i = 0; i < GUARD_RANDOM_CASES; i++) {
        GByteArray *b = stream_copy();
        int kind = g_rand_int_range(rand, 0, 4);
        const char *what[] = { "bytes", "length", "run", "cut" };
        gsize off;

        switch (kind) {
        case 0:
            for (j = g_rand_int_range(rand, 1, 5); j > 0; j--) {
                off = g_rand_int_range(rand, g->sec, g->end);
                b->data[off] = g_rand_int_range(rand, 0, 256);
            }
            break;
        case 1:
            stl_be_p(b->data + g->fields, g_rand_boolean(rand) ?
                     g_rand_int(rand) :
                     g_rand_int_range(rand, 0, 2 * g->names_len));
            break;
        case 2:
            off = g_rand_int_range(rand, g->fields, g->end);
            for (j = g_rand_int_range(rand, 1, 64);
                 j > 0 && off < g->len; j--) {
                b->data[off++] = g_rand_int_range(rand, 0, 256);
            }
            break;
        default:
            g_byte_array_set_size(b, g_rand_int_range(rand, g->sec,
                                                      g->end + 1));
            break;
        }
        guard_case(cases, g_strdup_printf("random-%02d-%s", i, what[kind]),
                   b, LOAD_EITHER, NULL);
    }
}

/*
 * 6. A corrupted or truncated guard section fails the load cleanly; a
 * well-formed one loads.
 */
static void test_guard_corrupt(void)
{
    g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func(
        guard_case_free);
    const char *env = g_getenv("FEATMASK_GUARD_SEED");
    guint32 seed = env ? g_ascii_strtoull(env, NULL, 0) : 0x6d61736b;
    int failed = 0, worked = 0;
    guint i;

    guard_stream_make();
    guard_cases_targeted(cases);
    guard_cases_random(cases, seed);
    g_test_message("%u cases, random ones with seed 0x%x"
                   " (FEATMASK_GUARD_SEED)", cases->len, seed);

    host_init(&guard_dst, "gd");
    backend_start(&guard_dst, BACKEND_NO_UFO);
    g_test_timer_start();
    for (i = 0; i < cases->len; i++) {
        const GuardCase *c = cases->pdata[i];
        g_autofree char *err = NULL;
        g_autofree char *status = guard_load(c, &err);
        g_autofree char *first = NULL;
        g_autofree char *shown = NULL;
        bool ok = !strcmp(status, "completed");
        gsize n;

        g_strchomp(err);
        n = strlen(err);
        /* The first message is the one that says what was wrong. */
        first = g_strndup(err, strcspn(err, "\n"));
        /* A corrupted idstr is echoed raw: keep the TAP stream UTF-8. */
        shown = g_utf8_make_valid(first, -1);
        g_test_message("%-22s %-9s %s", c->name, status,
                       ok ? "" : shown);
        if (c->expect != LOAD_EITHER) {
            g_assert_cmpint(ok, ==, c->expect == LOAD_WORKS);
        }
        if (!ok) {
            /* A failure always says something, and briefly. */
            g_assert_cmpuint(n, >, 0);
            g_assert_cmpuint(n, <, 4096);
            failed++;
        } else {
            worked++;
        }
        if (c->error) {
            g_autofree char *text = g_strconcat(err, "\n", NULL);

            if (!strstr(text, c->error)) {
                g_test_message("expected '%s' in: %s", c->error, err);
                g_assert_not_reached();
            }
        }
    }
    g_test_message("%d loads failed cleanly, %d loaded, %.1f s", failed,
                   worked, g_test_timer_elapsed());
    host_free(&guard_dst);
    g_free(guard_stream.data);
}

/*
 * A proxy between a migration's source and destination that sets one byte
 * of the guard's names to NUL on the way: the corrupted section arrives
 * over a live connection, with the return path, and the source must learn
 * of the failure and run on.
 */
typedef struct GuardProxy {
    int listen_fd;
    char *dst_path;
    gsize passed;           /* bytes forwarded from the source */
    gsize target;           /* the byte to corrupt; 0 while not found */
    GByteArray *tail;       /* the last bytes forwarded, to find the idstr */
    GThread *thread;
} GuardProxy;

static int unix_socket(const char *path, bool listening)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    if (listening) {
        g_unlink(path);
        g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
        g_assert_cmpint(listen(fd, 1), ==, 0);
    } else {
        g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==,
                        0);
    }
    return fd;
}

/* Forward @len bytes of @buf from the source, corrupting the target. */
static bool proxy_forward(GuardProxy *p, int to, guint8 *buf, gsize len)
{
    gsize i, done = 0;

    for (i = 0; i < len; i++) {
        g_byte_array_append(p->tail, &buf[i], 1);
        if (p->tail->len > 256) {
            g_byte_array_remove_range(p->tail, 0, p->tail->len - 256);
        }
        if (!p->target && p->tail->len >= 9 &&
            !memcmp(p->tail->data + p->tail->len - 9, "/featmask", 9)) {
            /* instance_id, version_id, guard_len, then names[4] */
            p->target = p->passed + i + 1 + 4 + 4 + 4 + 4;
        }
        if (p->target && p->passed + i == p->target) {
            buf[i] = 0;
        }
    }
    while (done < len) {
        ssize_t n = send(to, buf + done, len - done, MSG_NOSIGNAL);

        if (n <= 0) {
            return false;
        }
        done += n;
    }
    p->passed += len;
    return true;
}

static gpointer proxy_run(gpointer opaque)
{
    GuardProxy *p = opaque;
    int src = accept(p->listen_fd, NULL, NULL);
    int dst = unix_socket(p->dst_path, false);
    bool src_open = true, dst_open = true;
    guint8 buf[65536];

    while (src_open || dst_open) {
        struct pollfd pfd[2] = {
            { .fd = src_open ? src : -1, .events = POLLIN },
            { .fd = dst_open ? dst : -1, .events = POLLIN },
        };
        ssize_t n;

        if (poll(pfd, 2, 100) < 0) {
            break;
        }
        if (pfd[0].revents) {
            n = read(src, buf, sizeof(buf));
            if (n <= 0 || !proxy_forward(p, dst, buf, n)) {
                shutdown(dst, SHUT_WR);
                src_open = false;
            }
        }
        if (pfd[1].revents) {
            n = read(dst, buf, sizeof(buf));
            if (n <= 0 || send(src, buf, n, MSG_NOSIGNAL) != n) {
                shutdown(src, SHUT_WR);
                dst_open = false;
            }
        }
    }
    close(src);
    close(dst);
    return NULL;
}

/*
 * 7. The guard's section corrupted on the way over a live connection:
 * the destination fails cleanly, the source learns it over the return
 * path and runs on with its guest's features.
 */
static void test_guard_corrupt_live(void)
{
    Host a = { 0 }, b = { 0 };
    GuardProxy p = { 0 };
    g_autofree char *proxy_path = g_strdup_printf("%s/proxy.sock", tmpdir);
    g_autofree char *proxy_uri = g_strdup_printf("unix:%s", proxy_path);
    g_autofree char *dst_uri = NULL;
    g_autofree char *status = NULL;
    g_autofree char *err = NULL;
    g_autofree char *acked = NULL;
    g_autofree char *acked_after = NULL;

    host_init(&a, "la");
    host_init(&b, "lb");
    host_start(&a, BACKEND_NO_UFO, "features=" FIT_NO_UFO, false);
    host_start(&b, BACKEND_NO_UFO, "features=" FIT_NO_UFO, true);
    guest_driver_start(&a);
    acked = device_list(a.qts, "acked");

    p.dst_path = g_strdup_printf("%s/migrate.sock", tmpdir);
    dst_uri = g_strdup_printf("unix:%s", p.dst_path);
    p.tail = g_byte_array_new();
    p.listen_fd = unix_socket(proxy_path, true);
    set_return_path(a.qts);
    set_return_path(b.qts);
    qtest_qmp_assert_success(b.qts, "{ 'execute': 'migrate-incoming',"
                             "  'arguments': { 'uri': %s,"
                             "                 'exit-on-error': false } }",
                             dst_uri);
    p.thread = g_thread_new("guard-proxy", proxy_run, &p);
    qtest_qmp_assert_success(a.qts, "{ 'execute': 'migrate',"
                             "  'arguments': { 'uri': %s } }", proxy_uri);
    status = migrate_wait(a.qts);
    g_thread_join(p.thread);
    g_test_message("%zu bytes through the proxy, byte %zu set to 0",
                   p.passed, p.target);
    g_assert_cmpuint(p.target, >, 0);
    g_assert_cmpstr(status, ==, "failed");

    err = file_contents(b.err);
    g_test_message("destination: %s", err);
    g_assert_nonnull(strstr(err, "featmask section is corrupted: byte 0x00"
                            " at offset 4 of"));
    g_assert_cmpstr(run_state(b.qts), ==, "inmigrate");

    /* The source runs on, its guest's features unchanged. */
    wait_running(a.qts);
    acked_after = device_list(a.qts, "acked");
    g_assert_cmpstr(acked_after, ==, acked);

    close(p.listen_fd);
    g_byte_array_unref(p.tail);
    g_free(p.dst_path);
    host_free(&a);
    host_free(&b);
}

/* query-device-features on a host without features=. */
static void test_query(void)
{
    Host h = { 0 };
    g_autoptr(QDict) dev = NULL;
    g_autofree char *available = NULL;
    g_autofree char *enabled = NULL;
    QDict *backend;

    host_init(&h, "q");
    host_start(&h, BACKEND_NO_UFO, "", false);
    dev = device_features(h.qts);
    g_assert_cmpstr(qdict_get_str(dev, "type"), ==, "virtio-net-pci");
    g_assert_cmpstr(qdict_get_str(dev, "kind"), ==, "virtio-net");
    backend = qdict_get_qdict(dev, "backend");
    g_assert_cmpstr(qdict_get_str(backend, "type"), ==, "netdev");
    g_assert_cmpstr(qdict_get_str(backend, "id"), ==, "n0");
    g_assert_cmpstr(qdict_get_str(backend, "driver"), ==, "vhost-user");
    g_assert_false(qdict_haskey(dev, "mask"));
    g_assert_false(qdict_haskey(dev, "requested"));
    available = names_join(qdict_get_qlist(dev, "available"));
    enabled = names_join(qdict_get_qlist(dev, "enabled"));
    g_test_message("available: %s", available);
    g_assert_false(names_has(available, "host_ufo"));
    g_assert_true(names_has(available, "csum"));
    g_assert_true(names_has(enabled, "mac"));
    host_free(&h);
}

static void remove_tmpdir(void)
{
    GDir *dir = g_dir_open(tmpdir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *path = g_build_filename(tmpdir, name, NULL);

        g_unlink(path);
    }
    if (dir) {
        g_dir_close(dir);
    }
    g_rmdir(tmpdir);
}

/*
 * Any virtio device: virtio-blk's switches are its bit properties of the
 * map's names, and a feature without a switch (ro) can still be required.
 */
static void test_virtio_blk(void)
{
    QTestState *qts;
    g_autoptr(QDict) dev = NULL;
    g_autoptr(QDict) rsp = NULL;
    g_autofree char *requested = NULL;
    g_autofree char *enabled = NULL;
    QDict *error, *backend;

    qts = qtest_init("-M pc -blockdev null-co,node-name=d0 "
                     "-blockdev null-co,node-name=d1 "
                     "-device virtio-blk-pci,id=disk0,drive=d0,"
                     "features=-discard:-write-zeroes");
    dev = device_features_of(qts, "disk0");
    g_assert_cmpstr(qdict_get_str(dev, "kind"), ==, "virtio-blk");
    g_assert_cmpstr(qdict_get_str(dev, "mask"), ==,
                    "-discard:-write-zeroes");
    backend = qdict_get_qdict(dev, "backend");
    g_assert_cmpstr(qdict_get_str(backend, "type"), ==, "drive");
    g_assert_cmpstr(qdict_get_str(backend, "id"), ==, "d0");
    g_assert_false(qdict_haskey(backend, "driver"));
    requested = names_join(qdict_get_qlist(dev, "requested"));
    enabled = names_join(qdict_get_qlist(dev, "enabled"));
    g_test_message("requested: %s; enabled: %s", requested, enabled);
    g_assert_false(names_has(enabled, "discard"));
    g_assert_false(names_has(enabled, "write-zeroes"));
    g_assert_true(names_has(enabled, "config-wce"));
    g_assert_true(names_has(requested, "config-wce"));

    rsp = qtest_qmp(qts, "{ 'execute': 'device_add', 'arguments': {"
                    "  'driver': 'virtio-blk-pci', 'id': 'disk1',"
                    "  'drive': 'd1', 'features': '+ro' } }");
    error = qdict_get_qdict(rsp, "error");
    g_assert_nonnull(error);
    g_test_message("device_add: %s", qdict_get_str(error, "desc"));
    g_assert_true(g_str_has_suffix(qdict_get_str(error, "desc"),
                                   "drive 'd1' cannot provide features"
                                   " requested by features=: ro"));
    qtest_quit(qts);
}

/*
 * vhost-user-blk: a second kind of device whose backends differ.  Host
 * "full" has a backend that offers discard, write-zeroes and two queues
 * (mq); host "lean" one without any of them, as an older daemon would.
 */
#define BLK_SLOT 5
#define BLK_BASE (1ULL << VIRTIO_BLK_F_SIZE_MAX | \
                  1ULL << VIRTIO_BLK_F_SEG_MAX | \
                  1ULL << VIRTIO_BLK_F_GEOMETRY | \
                  1ULL << VIRTIO_BLK_F_BLK_SIZE | \
                  1ULL << VIRTIO_BLK_F_TOPOLOGY | \
                  1ULL << VIRTIO_BLK_F_FLUSH | \
                  1ULL << VIRTIO_BLK_F_CONFIG_WCE)
#define BLK_FULL (BLK_BASE | 1ULL << VIRTIO_BLK_F_DISCARD | \
                  1ULL << VIRTIO_BLK_F_WRITE_ZEROES | \
                  1ULL << VIRTIO_BLK_F_MQ)
#define BLK_LEAN BLK_BASE
#define BLK_LEAN_LACKS "discard, write-zeroes"
/*
 * libvhost-user has no queue_reset, which is on by default: a mask that
 * keeps the default set must leave it out.
 */
#define NO_QUEUE_RESET "-queue_reset"
#define BLK_FIT_LEAN "-discard:-write-zeroes:" NO_QUEUE_RESET

typedef enum BlkHost { BLK_HOST_FULL, BLK_HOST_LEAN } BlkHost;

/*
 * A pool of two hosts whose vhost-user backends differ: "full" offers
 * what "lean" lacks.
 */
typedef struct VuPool {
    const char *name;       /* of the hosts: NAME-full, NAME-lean */
    const char *driver;     /* "vhost-user-blk-pci" */
    const char *id;
    int slot;
    int nvqs;               /* the queues the guest driver sets up */
    void (*backend_start)(Host *h, BlkHost kind);
    /* what the guest acks on "full", without features= */
    const char *acks;
    /* what the baseline drops as missing on "lean" */
    const char *dropped;
    /* what both provide, and its bit, which "lean"'s backend gets */
    const char *kept;
    uint64_t kept_bit;
} VuPool;

static void blk_backend_start(Host *h, BlkHost kind)
{
    h->backend = featmask_vhost_user_start_blk(
        h->sock, kind == BLK_HOST_FULL ? BLK_FULL : BLK_LEAN,
        kind == BLK_HOST_FULL ? 2 : 1);
}

static const VuPool blk_pool = {
    "blk", "vhost-user-blk-pci", "blk0", BLK_SLOT, 1, blk_backend_start,
    "discard:write-zeroes", "discard:write-zeroes:mq", "flush",
    1ULL << VIRTIO_BLK_F_FLUSH,
};

static char *blk_host_args(Host *h, bool incoming)
{
    return g_strdup_printf("-M pc,memory-backend=mem -m " MEM_SIZE " "
                           "-object memory-backend-memfd,id=mem,"
                           "size=" MEM_SIZE ",share=on "
                           "-chardev socket,id=c0,path=%s %s",
                           h->sock, incoming ? "-incoming defer" : "");
}

static char *pool_device(const VuPool *pool, const char *opts)
{
    return g_strdup_printf("%s,id=%s,chardev=c0,addr=%d.0,"
                           "disable-legacy=on%s%s", pool->driver, pool->id,
                           pool->slot, *opts ? "," : "", opts);
}

static char *blk_device(const char *opts)
{
    return pool_device(&blk_pool, opts);
}

/* A host of @pool with its device, whose extra options are @opts. */
static void pool_host_start(const VuPool *pool, Host *h, BlkHost kind,
                            const char *opts, bool incoming)
{
    g_autofree char *base = blk_host_args(h, incoming);
    g_autofree char *device = pool_device(pool, opts);
    g_autofree char *args = g_strdup_printf("%s -device %s 2>%s", base,
                                            device, h->err);

    h->slot = pool->slot;
    h->nvqs = pool->nvqs;
    pool->backend_start(h, kind);
    h->qts = qtest_init(args);
}

static void blk_host_start(Host *h, BlkHost kind, const char *opts,
                           bool incoming)
{
    pool_host_start(&blk_pool, h, kind, opts, incoming);
}

static char *pool_list(const VuPool *pool, Host *h, const char *member)
{
    g_autoptr(QDict) dev = device_features_of(h->qts, pool->id);

    return names_join(qdict_get_qlist(dev, member));
}

static char *blk_list(Host *h, const char *member)
{
    return pool_list(&blk_pool, h, member);
}

static void pool_hosts_init(const VuPool *pool, Host *a, Host *b)
{
    g_autofree char *full = g_strdup_printf("%s-full", pool->name);
    g_autofree char *lean = g_strdup_printf("%s-lean", pool->name);

    host_init(a, full);
    host_init(b, lean);
}

/*
 * Each host describes its backend: the chardev, and what it can provide
 * (mq too, for the backend that serves two queues).
 */
static void test_blk_query(void)
{
    Host a = { 0 }, b = { 0 };
    g_autoptr(QDict) dev = NULL;
    g_autofree char *full = NULL;
    g_autofree char *lean = NULL;
    g_autofree char *enabled = NULL;
    QDict *backend;

    host_init(&a, "blk-full");
    host_init(&b, "blk-lean");
    blk_host_start(&a, BLK_HOST_FULL, "", false);
    blk_host_start(&b, BLK_HOST_LEAN, "", false);
    dev = device_features_of(a.qts, "blk0");
    g_assert_cmpstr(qdict_get_str(dev, "kind"), ==, "virtio-blk");
    backend = qdict_get_qdict(dev, "backend");
    g_assert_cmpstr(qdict_get_str(backend, "type"), ==, "chardev");
    g_assert_cmpstr(qdict_get_str(backend, "id"), ==, "c0");
    g_assert_cmpstr(qdict_get_str(backend, "driver"), ==, "vhost-user");

    full = blk_list(&a, "available");
    lean = blk_list(&b, "available");
    enabled = blk_list(&a, "enabled");
    g_test_message("full: %s", full);
    g_test_message("lean: %s", lean);
    g_assert_true(names_has(full, "discard"));
    g_assert_true(names_has(full, "write-zeroes"));
    g_assert_true(names_has(full, "mq"));
    g_assert_true(names_has(full, "flush"));
    g_assert_false(names_has(full, "ro"));
    g_assert_false(names_has(lean, "discard"));
    g_assert_false(names_has(lean, "write-zeroes"));
    g_assert_false(names_has(lean, "mq"));
    g_assert_true(names_has(lean, "flush"));
    /* One queue here: mq is available, not offered. */
    g_assert_false(names_has(enabled, "mq"));
    g_assert_true(names_has(enabled, "discard"));
    host_free(&a);
    host_free(&b);
}

/*
 * Launched the same way on both hosts, without features=: the guest
 * driver on "full" acks what "lean" lacks (vhost-user-blk: discard and
 * write-zeroes), and the migration to "lean" fails at the destination
 * (virtio's own check); the source runs on with what its guest acked.
 */
static void test_pool_migrate_naive(gconstpointer opaque)
{
    const VuPool *pool = opaque;
    Host a = { 0 }, b = { 0 };
    g_auto(GStrv) acks = g_strsplit(pool->acks, ":", -1);
    g_autofree char *acked = NULL;
    g_autofree char *acked_after = NULL;
    g_autofree char *status = NULL;
    g_autofree char *err = NULL;
    size_t i;

    pool_hosts_init(pool, &a, &b);
    pool_host_start(pool, &a, BLK_HOST_FULL, "", false);
    pool_host_start(pool, &b, BLK_HOST_LEAN, "", true);
    guest_driver_start(&a);
    acked = pool_list(pool, &a, "acked");
    g_test_message("acked: %s", acked);
    for (i = 0; acks[i]; i++) {
        g_assert_true(names_has(acked, acks[i]));
    }

    status = migrate(&a, &b, NULL);
    g_assert_cmpstr(status, ==, "failed");
    err = file_contents(b.err);
    g_test_message("destination: %s", err);
    g_assert_nonnull(strstr(err, "unsupported"));

    wait_running(a.qts);
    acked_after = pool_list(pool, &a, "acked");
    g_assert_cmpstr(acked_after, ==, acked);
    host_free(&a);
    host_free(&b);
}

/*
 * Planned: each host's available set, query-features-baseline over
 * them, and both launched with its features=: the guest gets the common
 * set and the migration completes.
 */
static void test_pool_migrate_planned(gconstpointer opaque)
{
    const VuPool *pool = opaque;
    Host a = { 0 }, b = { 0 };
    g_auto(GStrv) dropped = g_strsplit(pool->dropped, ":", -1);
    g_autoptr(QDict) base = NULL;
    g_autofree char *common = NULL;
    g_autofree char *escaped = NULL;
    g_autofree char *opts = NULL;
    g_autofree char *acked = NULL;
    g_autofree char *acked_dst = NULL;
    g_autofree char *status = NULL;
    g_autoptr(QDict) da = NULL;
    g_autoptr(QDict) db = NULL;
    size_t i;

    pool_hosts_init(pool, &a, &b);
    pool_host_start(pool, &a, BLK_HOST_FULL, "", false);
    pool_host_start(pool, &b, BLK_HOST_LEAN, "", false);
    da = device_features_of(a.qts, pool->id);
    db = device_features_of(b.qts, pool->id);
    base = qtest_qmp_assert_success_ref(
        a.qts, "{ 'execute': 'query-features-baseline',"
        "  'arguments': { 'device': %s, 'hosts': ["
        "    { 'host': 'full', 'features': %p },"
        "    { 'host': 'lean', 'features': %p } ] } }", pool->id,
        qobject_ref(qdict_get_qlist(da, "available")),
        qobject_ref(qdict_get_qlist(db, "available")));
    common = names_join(qdict_get_qlist(base, "common"));
    g_test_message("common: %s; mask: %s", common,
                   qdict_get_str(base, "mask"));
    for (i = 0; dropped[i]; i++) {
        g_assert_false(names_has(common, dropped[i]));
        g_assert_true(baseline_dropped(base, dropped[i], "missing",
                                       "lean"));
    }
    g_assert_true(names_has(common, pool->kept));
    host_stop(&a);
    host_stop(&b);

    escaped = escape_commas(qdict_get_str(base, "mask"));
    opts = g_strdup_printf("features=%s", escaped);
    pool_host_start(pool, &a, BLK_HOST_FULL, opts, false);
    pool_host_start(pool, &b, BLK_HOST_LEAN, opts, true);
    guest_driver_start(&a);
    acked = pool_list(pool, &a, "acked");
    g_test_message("acked: %s", acked);
    g_assert_false(names_has(acked, dropped[0]));
    g_assert_true(names_has(acked, pool->kept));

    status = migrate(&a, &b, NULL);
    g_assert_cmpstr(status, ==, "completed");
    wait_running(b.qts);
    acked_dst = pool_list(pool, &b, "acked");
    g_assert_cmpstr(acked_dst, ==, acked);
    /* The destination's backend got the guest's features. */
    g_assert_cmphex(featmask_vhost_user_acked(b.backend) & pool->kept_bit,
                    !=, 0);
    host_free(&a);
    host_free(&b);
}

/*
 * features= asks for what the backend lacks: realize fails naming the
 * chardev, on the command line and in device_add.
 */
static void test_blk_realize_lacking(void)
{
    Host h = { 0 };
    g_autofree char *base = NULL;
    g_autofree char *device = blk_device("features=+discard:+write-zeroes:"
                                         NO_QUEUE_RESET);
    g_autofree char *args = NULL;
    g_autofree char *err = NULL;
    g_autoptr(QDict) rsp = NULL;
    const char *desc;

    host_init(&h, "blk-lean");
    blk_backend_start(&h, BLK_HOST_LEAN);
    base = blk_host_args(&h, false);
    args = g_strdup_printf("%s -device %s", base, device);
    err = qemu_fails(args);
    g_test_message("command line: %s", err);
    g_assert_nonnull(strstr(err, "device 'blk0' (vhost-user-blk-pci):"
                            " chardev 'c0' (vhost-user) cannot provide"
                            " features requested by features=: "
                            BLK_LEAN_LACKS "\n"));

    h.qts = qtest_init(base);
    rsp = qtest_qmp(h.qts, "{ 'execute': 'device_add', 'arguments': {"
                    "  'driver': 'vhost-user-blk-pci', 'id': 'blk0',"
                    "  'chardev': 'c0',"
                    "  'features': '+discard," NO_QUEUE_RESET "' } }");
    g_assert_nonnull(qdict_get_qdict(rsp, "error"));
    desc = qdict_get_str(qdict_get_qdict(rsp, "error"), "desc");
    g_test_message("device_add: %s", desc);
    /* write-zeroes is on by default: "+discard" keeps it. */
    g_assert_true(g_str_has_suffix(desc, "chardev 'c0' (vhost-user) cannot"
                                   " provide features requested by"
                                   " features=: " BLK_LEAN_LACKS));
    g_assert_cmpstr(run_state(h.qts), ==, "running");
    host_free(&h);
}

/*
 * The destination's backend went away before the migration: the guard
 * names the chardev whose backend was lost.
 */
static void test_blk_backend_lost(void)
{
    Host a = { 0 }, b = { 0 };
    g_autofree char *status = NULL;
    g_autofree char *err = NULL;

    host_init(&a, "blk-full");
    host_init(&b, "blk-lean");
    blk_host_start(&a, BLK_HOST_LEAN, "features=" BLK_FIT_LEAN, false);
    blk_host_start(&b, BLK_HOST_LEAN, "features=" BLK_FIT_LEAN, true);
    guest_driver_start(&a);
    backend_stop(&b);
    /* QEMU sees the hangup in its main loop. */
    for (;;) {
        g_autofree char *info = qtest_hmp(b.qts, "info chardev");

        if (strstr(info, "disconnected")) {
            break;
        }
        g_usleep(10000);
    }
    status = migrate(&a, &b, NULL);
    g_assert_cmpstr(status, ==, "failed");
    err = file_contents(b.err);
    g_test_message("destination: %s", err);
    g_assert_nonnull(strstr(err, "chardev 'c0' (vhost-user) lost its"
                            " backend"));
    wait_running(a.qts);
    host_free(&a);
    host_free(&b);
}

/*
 * vhost-user-scsi: the second migratable kind whose backends differ (the
 * other vhost-user types but blk are unmigratable in QEMU 10.0, and
 * vhost-user-fs needs a backend that migrates its state).  The backend
 * of host "full" offers hotplug, that of host "lean" does not; one
 * request queue, with the control and event queues.
 */
#define SCSI_SLOT 6

static void scsi_backend_start(Host *h, BlkHost kind)
{
    FeatmaskVhostUserConf conf = {
        .features = kind == BLK_HOST_FULL ?
                    1ULL << VIRTIO_SCSI_F_HOTPLUG : 0,
        .queues = 3,
    };

    h->backend = featmask_vhost_user_start_conf(h->sock, &conf);
}

static const VuPool scsi_pool = {
    "scsi", "vhost-user-scsi-pci", "scsi0", SCSI_SLOT, 3,
    scsi_backend_start, "hotplug", "hotplug", "event_idx",
    1ULL << VIRTIO_RING_F_EVENT_IDX,
};

int main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;
    int ret;
    size_t i;

    g_test_init(&argc, &argv, NULL);

    tmpdir = g_dir_make_tmp("featmask-test-XXXXXX", &err);
    g_assert_no_error(err);

    qtest_add_func("/featmask/query/device-features", test_query);
    qtest_add_func("/featmask/query/virtio-blk", test_virtio_blk);
    qtest_add_func("/featmask/realize/backend-lacks", test_realize_lacking);
    for (i = 0; i < G_N_ELEMENTS(bad_masks); i++) {
        g_autofree char *path = g_strdup_printf("/featmask/mask/bad/%s",
                                                bad_masks[i].path);

        qtest_add_data_func(path, &bad_masks[i], test_bad_mask);
    }
    qtest_add_func("/featmask/mask/bad/very-long", test_long_mask);
    qtest_add_func("/featmask/migrate/same-features", test_migrate_same);
    qtest_add_func("/featmask/migrate/destination-lacks",
                   test_migrate_lacking);
    qtest_add_func("/featmask/migrate/negotiated", test_migrate_negotiated);
    qtest_add_func("/featmask/migrate/guard-size", test_guard_size);
    qtest_add_func("/featmask/migrate/guard-corrupt", test_guard_corrupt);
    qtest_add_func("/featmask/migrate/guard-corrupt-live",
                   test_guard_corrupt_live);
    if (qtest_has_device("vhost-user-blk-pci")) {
        qtest_add_func("/featmask/blk/query", test_blk_query);
        qtest_add_func("/featmask/blk/realize/backend-lacks",
                       test_blk_realize_lacking);
        qtest_add_data_func("/featmask/blk/migrate/naive", &blk_pool,
                            test_pool_migrate_naive);
        qtest_add_data_func("/featmask/blk/migrate/planned", &blk_pool,
                            test_pool_migrate_planned);
        qtest_add_func("/featmask/blk/migrate/backend-lost",
                       test_blk_backend_lost);
    }
    if (qtest_has_device("vhost-user-scsi-pci")) {
        qtest_add_data_func("/featmask/scsi/migrate/naive", &scsi_pool,
                            test_pool_migrate_naive);
        qtest_add_data_func("/featmask/scsi/migrate/planned", &scsi_pool,
                            test_pool_migrate_planned);
    }

    ret = g_test_run();
    remove_tmpdir();
    return ret;
}
