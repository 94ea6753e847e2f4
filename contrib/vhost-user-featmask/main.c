/*
 * vhost-user-featmask: a vhost-user net (or blk) backend that offers a
 * chosen set of virtio features; a data path only for blk with a disk
 * image
 *
 * Two of these with different features are two hosts whose switch
 * software differs: QEMU, the guest driver and live migration see real
 * differences, with unmodified QEMU code on the other end of the socket.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/* SO_PEERCRED, accept4() */
#define _GNU_SOURCE

#include "qemu/osdep.h"
#include "qapi/error.h"

#include <inttypes.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "backend.h"

#define MAX_CONNS 64

static char *opt_socket_path;
static int opt_fd = -1;
static gboolean opt_client;
static char *opt_features;
static char *opt_profile;
static char *opt_device;
static char *opt_type;
static int opt_queues = 1;
static gint64 opt_blk_size = 1 << 30;
static char *opt_blk_image;
static char *opt_protocol_features;
static char *opt_log;
static gboolean opt_print_features;
static gboolean opt_print_capabilities;
static gboolean opt_verbose;

static GOptionEntry entries[] = {
    { "socket-path", 's', 0, G_OPTION_ARG_FILENAME, &opt_socket_path,
      "The vhost-user unix socket", "PATH" },
    { "fd", 0, 0, G_OPTION_ARG_INT, &opt_fd,
      "Use the connected vhost-user socket FDNUM", "FDNUM" },
    { "client", 'c', 0, G_OPTION_ARG_NONE, &opt_client,
      "Connect to PATH (QEMU listens, server=on) instead of listening "
      "there; reconnect when the connection ends", NULL },
    { "features", 'f', 0, G_OPTION_ARG_STRING, &opt_features,
      "Offer the virtio-net features MASK selects (featmask mask "
      "language, e.g. all,-host_uso or csum,guest_csum)", "MASK" },
    { "profile", 'p', 0, G_OPTION_ARG_FILENAME, &opt_profile,
      "Offer what device ID of featmask host profile FILE can provide",
      "FILE" },
    { "device", 'd', 0, G_OPTION_ARG_STRING, &opt_device,
      "The device in --profile", "ID" },
    { "type", 't', 0, G_OPTION_ARG_STRING, &opt_type,
      "The device: net (virtio-net, the default) or blk (virtio-blk)",
      "TYPE" },
    { "queue-pairs", 'q', 0, G_OPTION_ARG_INT, &opt_queues,
      "Answer GET_QUEUE_NUM with N queue pairs (net) or queues (blk); "
      "default 1", "N" },
    { "queues", 0, 0, G_OPTION_ARG_INT, &opt_queues,
      "The same as --queue-pairs", "N" },
    { "blk-size", 0, 0, G_OPTION_ARG_INT64, &opt_blk_size,
      "The disk's capacity in bytes, a multiple of 512 (blk; default "
      "1 GiB)", "BYTES" },
    { "blk-image", 0, 0, G_OPTION_ARG_FILENAME, &opt_blk_image,
      "Serve the disk image FILE (raw, a multiple of 512 bytes): a data "
      "path that reads and writes it (blk; instead of --blk-size)",
      "FILE" },
    { "protocol-features", 0, 0, G_OPTION_ARG_STRING, &opt_protocol_features,
      "Offer only these vhost-user protocol features (number; default "
      "net 0x3f: mq, log_shmfd, rarp, reply_ack, mtu, backend_req; blk "
      "0x22b: mq, log_shmfd, reply_ack, backend_req, config)", "BITS" },
    { "log", 'l', 0, G_OPTION_ARG_FILENAME, &opt_log,
      "Log every message and the acked features to FILE", "FILE" },
    { "print-features", 0, 0, G_OPTION_ARG_NONE, &opt_print_features,
      "Print the offered features (hex, then bit, name, who decides) and "
      "exit", NULL },
    { "print-capabilities", 0, 0, G_OPTION_ARG_NONE, &opt_print_capabilities,
      "Print the backend capabilities as JSON and exit", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose,
      "Also log to stderr", NULL },
    { NULL }
};

static const char description[] =
"This backend has NO DATA PATH for net: it never processes its\n"
"virtqueues, so no packet is sent or received; the same for blk without\n"
"--blk-image.  With --blk-image, blk requests (read, write, flush, get\n"
"id, discard, write zeroes) are served from the image file.\n"
"It implements the vhost-user control path (docs/interop/vhost-user.rst\n"
"in QEMU) far enough for QEMU to start the device, for a guest driver to\n"
"negotiate the offered features, and for live migration\n"
"(VHOST_F_LOG_ALL, protocol features LOG_SHMFD and REPLY_ACK,\n"
"GET_VRING_BASE).\n"
"\n"
"Mandatory features, offered whatever MASK or the profile say:\n"
"  bit 26 VHOST_F_LOG_ALL                 (dirty logging, for migration)\n"
"  bit 30 VHOST_USER_F_PROTOCOL_FEATURES  (protocol feature negotiation)\n"
"  bit 32 VIRTIO_F_VERSION_1              (modern virtio)\n"
"Without --features or --profile every feature of the device's map is\n"
"offered.  With --profile, --features may only narrow the profile's set.\n"
"QEMU takes offloads, mrg_rxbuf, mtu, mq, indirect_desc, event_idx,\n"
"packed rings and similar bits from the backend; ctrl_vq, status, mac and\n"
"the other control features it emulates itself (see --print-features).\n"
"\n"
"One process serves any number of front-ends, one after the other or at\n"
"once; SIGTERM ends it.  See docs/interop/vhost-user-featmask.rst.\n"
"\n"
"QEMU:\n"
"  -object memory-backend-memfd,id=mem,size=512M,share=on\n"
"  -machine q35,memory-backend=mem\n"
"  -chardev socket,id=c0,path=PATH\n"
"  -netdev vhost-user,id=n0,chardev=c0\n"
"  -device virtio-net-pci,netdev=n0\n"
"or, with --type blk:\n"
"  -device vhost-user-blk-pci,chardev=c0";

typedef struct Loop {
    VufBackend be;
    int sig_fd;
    int listen_fd;
    VufConn *conns[MAX_CONNS];
    unsigned nconns;
    unsigned next_id;
    bool accept_paused;         /* out of descriptors until one closes */
    bool stop;
} Loop;

static void report_err(Error *err)
{
    fprintf(stderr, "vhost-user-featmask: %s\n", error_get_pretty(err));
    if (error_get_hint(err)) {
        fputs(error_get_hint(err), stderr);
    }
    error_free(err);
}

/* An unknown feature name with none near it: the names are in 'list'. */
static char *names_hint(const FeatmaskMap *map)
{
    return g_strdup_printf("Use 'featmask list %s' for the valid names.\n",
                           featmask_map_kind(map));
}

static bool parse_protocol_features(const char *s, uint64_t implemented,
                                    uint64_t *out, Error **errp)
{
    g_autoptr(GError) gerr = NULL;
    guint64 v;

    if (!(g_str_has_prefix(s, "0x") &&
          g_ascii_string_to_unsigned(s + 2, 16, 0, G_MAXUINT64, &v, &gerr)) &&
        !g_ascii_string_to_unsigned(s, 10, 0, G_MAXUINT64, &v, NULL)) {
        error_setg(errp, "--protocol-features '%s': not a number", s);
        return false;
    }
    if (v & ~implemented) {
        error_setg(errp, "--protocol-features 0x%" PRIx64 ": this backend "
                   "implements only 0x%" PRIx64, (uint64_t)v, implemented);
        return false;
    }
    *out = v;
    return true;
}

static int listen_unix(const char *path, Error **errp)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct stat st;
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        error_setg(errp, "socket path '%s' is too long", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    /* A socket left by an earlier run; never remove anything else. */
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
        unlink(path);
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, 16) < 0) {
        error_setg(errp, "cannot listen on '%s': %s", path,
                   g_strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

static int connect_unix(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void loop_add(Loop *l, int fd)
{
    if (l->nconns == MAX_CONNS) {
        vuf_warn("too many connections (%d), refusing one", MAX_CONNS);
        close(fd);
        return;
    }
    l->conns[l->nconns++] = vuf_conn_new(fd, ++l->next_id, &l->be);
}

static void loop_remove(Loop *l, unsigned i)
{
    vuf_conn_free(l->conns[i]);
    l->conns[i] = l->conns[--l->nconns];
    l->accept_paused = false;
}

static void loop_signal(Loop *l)
{
    struct signalfd_siginfo si;

    if (read(l->sig_fd, &si, sizeof(si)) == sizeof(si)) {
        vuf_log("signal %u: exiting", si.ssi_signo);
        l->stop = true;
    }
}

/* Client mode: (re)connect to the front-end's socket, until a signal. */
static void loop_connect(Loop *l)
{
    bool said = false;

    while (!l->stop) {
        struct pollfd pfd = { .fd = l->sig_fd, .events = POLLIN };
        int fd = connect_unix(opt_socket_path);

        if (fd >= 0) {
            loop_add(l, fd);
            return;
        }
        if (!said) {
            vuf_log("waiting for '%s': %s", opt_socket_path,
                    g_strerror(errno));
            said = true;
        }
        if (poll(&pfd, 1, 100) > 0) {
            loop_signal(l);
        }
    }
}

/* Milliseconds until the first connection deadline, -1 if none. */
static int loop_timeout(Loop *l, gint64 now)
{
    gint64 first = 0;

    for (unsigned i = 0; i < l->nconns; i++) {
        gint64 d = vuf_conn_deadline(l->conns[i]);

        if (d && (!first || d < first)) {
            first = d;
        }
    }
    if (!first) {
        return -1;
    }
    return first <= now ? 0 : (int)((first - now + 999) / 1000);
}

static int loop_run(Loop *l)
{
    g_autoptr(GArray) kicks = g_array_new(FALSE, FALSE,
                                          sizeof(struct pollfd));
    g_autoptr(GArray) owners = g_array_new(FALSE, FALSE, sizeof(unsigned));
    g_autofree struct pollfd *pfds = NULL;

    while (!l->stop) {
        unsigned n = 0, first_conn, first_kick;
        gint64 now;

        if (opt_client && l->nconns == 0) {
            loop_connect(l);
            continue;
        }
        if (opt_fd >= 0 && l->nconns == 0) {
            /* The one connection we were given is over. */
            break;
        }

        /* The data path's kick descriptors, and whose they are. */
        g_array_set_size(kicks, 0);
        g_array_set_size(owners, 0);
        for (unsigned i = 0; i < l->nconns; i++) {
            vuf_conn_kick_pollfds(l->conns[i], kicks);
            while (owners->len < kicks->len) {
                g_array_append_val(owners, i);
            }
        }
        pfds = g_renew(struct pollfd, pfds, MAX_CONNS + 2 + kicks->len);
        pfds[n++] = (struct pollfd){ .fd = l->sig_fd, .events = POLLIN };
        if (l->listen_fd >= 0) {
            /* A negative fd is skipped: no accept() to spin on. */
            pfds[n++] = (struct pollfd){
                .fd = l->accept_paused ? -1 : l->listen_fd,
                .events = POLLIN,
            };
        }
        first_conn = n;
        for (unsigned i = 0; i < l->nconns; i++) {
            pfds[n++] = (struct pollfd){
                .fd = vuf_conn_fd(l->conns[i]),
                .events = vuf_conn_events(l->conns[i]),
            };
        }
        first_kick = n;
        if (kicks->len) {
            /* kicks->data is NULL until a ring runs */
            memcpy(pfds + n, kicks->data, kicks->len * sizeof(*pfds));
            n += kicks->len;
        }
        if (poll(pfds, n, loop_timeout(l, g_get_monotonic_time())) < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, "vhost-user-featmask: poll: %s\n",
                    g_strerror(errno));
            return 1;
        }
        if (pfds[0].revents) {
            loop_signal(l);
            break;
        }
        /* Rings first: a connection's turn below may end it. */
        for (unsigned k = first_kick; k < n; k++) {
            if (pfds[k].revents) {
                vuf_conn_kicked(l->conns[g_array_index(owners, unsigned,
                                                       k - first_kick)],
                                &pfds[k]);
            }
        }
        /*
         * Walk backwards: loop_remove() moves the last connection.  Each
         * connection gets one turn; none of them can block.
         */
        now = g_get_monotonic_time();
        for (unsigned i = l->nconns; i-- > 0;) {
            if ((pfds[first_conn + i].revents &&
                 !vuf_conn_io(l->conns[i])) ||
                vuf_conn_expired(l->conns[i], now)) {
                loop_remove(l, i);
            }
        }
        if (l->listen_fd >= 0 && pfds[1].revents & POLLIN) {
            int fd = accept4(l->listen_fd, NULL, NULL,
                             SOCK_CLOEXEC | SOCK_NONBLOCK);

            if (fd >= 0) {
                loop_add(l, fd);
            } else if (errno == EMFILE || errno == ENFILE) {
                vuf_warn("cannot accept a connection: %s; waiting until "
                         "one ends", g_strerror(errno));
                l->accept_paused = true;
            }
        }
    }
    return 0;
}

/*
 * --blk-image: the disk the blk data path serves, and its capacity; read
 * only when the device offers ro.  On failure, nothing stays open.
 */
static bool open_image(Loop *l, VufBlkDisk *disk, Error **errp)
{
    struct stat st;
    int fd;

    if (!l->be.blk) {
        error_setg(errp, "--blk-image needs --type blk");
        return false;
    }
    disk->ro = l->be.features.offered & (1ull << VUF_BLK_F_RO);
    fd = open(opt_blk_image, (disk->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0) {
        error_setg(errp, "cannot open --blk-image '%s': %s", opt_blk_image,
                   g_strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return false;
    }
    if (!S_ISREG(st.st_mode) || st.st_size < 512 || st.st_size % 512) {
        error_setg(errp, "--blk-image '%s' is not a regular file of a "
                   "positive multiple of 512 bytes", opt_blk_image);
        close(fd);
        return false;
    }
    disk->fd = fd;
    disk->capacity = st.st_size / 512;
    l->be.blk_capacity = disk->capacity;
    l->be.disk = disk;
    return true;
}

static void print_capabilities(bool blk)
{
    /* The schema of QEMU's docs/interop/vhost-user.json. */
    printf("{\n  \"type\": \"%s\",\n  \"features\": []\n}\n",
           blk ? "block" : "net");
}

int main(int argc, char **argv)
{
    g_autoptr(GOptionContext) ctx = NULL;
    g_autoptr(GError) gerr = NULL;
    Error *err = NULL;
    Loop l = { .sig_fd = -1, .listen_fd = -1 };
    VufBlkDisk disk = { .fd = -1 };
    sigset_t mask;
    int ret = 1;

    featmask_set_names_hint(names_hint);
    ctx = g_option_context_new("- vhost-user net backend with chosen "
                               "virtio features (no data path)");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx, description);
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        fprintf(stderr, "vhost-user-featmask: %s\n", gerr->message);
        return 1;
    }
    if (argc > 1) {
        fprintf(stderr, "vhost-user-featmask: unexpected argument '%s'\n",
                argv[1]);
        return 1;
    }
    if (opt_type && strcmp(opt_type, "net") && strcmp(opt_type, "blk")) {
        fprintf(stderr, "vhost-user-featmask: --type must be 'net' or "
                "'blk', not '%s'\n", opt_type);
        return 1;
    }
    l.be.blk = opt_type && !strcmp(opt_type, "blk");
    if (opt_print_capabilities) {
        print_capabilities(l.be.blk);
        return 0;
    }

    if (!vuf_features_select(&l.be.features,
                             l.be.blk ? "virtio-blk" : "virtio-net",
                             opt_features, opt_profile, opt_device, &err)) {
        report_err(err);
        return 1;
    }
    l.be.protocol_features = l.be.blk ? VUF_PROTOCOL_FEATURES_BLK
                                      : VUF_PROTOCOL_FEATURES_NET;
    if (opt_protocol_features &&
        !parse_protocol_features(opt_protocol_features,
                                 l.be.protocol_features,
                                 &l.be.protocol_features, &err)) {
        report_err(err);
        goto out;
    }
    if (opt_queues < 1 || opt_queues > 128) {
        fprintf(stderr, "vhost-user-featmask: --queue-pairs must be 1 to "
                "128\n");
        goto out;
    }
    l.be.queues = opt_queues;
    if (opt_blk_size < 512 || opt_blk_size % 512) {
        fprintf(stderr, "vhost-user-featmask: --blk-size must be a positive "
                "multiple of 512\n");
        goto out;
    }
    l.be.blk_capacity = opt_blk_size / 512;
    if (opt_blk_image && !open_image(&l, &disk, &err)) {
        report_err(err);
        goto out;
    }

    if (opt_print_features) {
        vuf_features_print(&l.be.features, stdout);
        ret = 0;
        goto out;
    }

    if (!!opt_socket_path == (opt_fd >= 0)) {
        fprintf(stderr, "vhost-user-featmask: give either --socket-path or "
                "--fd\n");
        goto out;
    }
    if (opt_client && !opt_socket_path) {
        fprintf(stderr, "vhost-user-featmask: --client needs "
                "--socket-path\n");
        goto out;
    }

    if (!vuf_log_open(opt_log, opt_verbose, &err)) {
        report_err(err);
        goto out;
    }
    {
        g_autofree char *names = vuf_features_names(l.be.features.map,
                                                    l.be.features.offered);

        vuf_log("offered 0x%016" PRIx64 " %s", l.be.features.offered, names);
        vuf_log("offered-protocol 0x%" PRIx64 " %s queues %u from %s",
                l.be.protocol_features, l.be.blk ? "blk" : "net",
                l.be.queues, l.be.features.source);
    }

    /* SIGTERM and SIGINT end the loop; a dead peer is an EPIPE. */
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    l.sig_fd = signalfd(-1, &mask, SFD_CLOEXEC);
    if (l.sig_fd < 0) {
        fprintf(stderr, "vhost-user-featmask: signalfd: %s\n",
                g_strerror(errno));
        goto out;
    }

    if (opt_fd >= 0) {
        loop_add(&l, opt_fd);
    } else if (!opt_client) {
        l.listen_fd = listen_unix(opt_socket_path, &err);
        if (l.listen_fd < 0) {
            report_err(err);
            goto out;
        }
        vuf_log("listening on '%s'", opt_socket_path);
    } else {
        vuf_log("connecting to '%s'", opt_socket_path);
    }

    ret = loop_run(&l);
    vuf_log("exit %d", ret);

out:
    while (l.nconns) {
        loop_remove(&l, l.nconns - 1);
    }
    if (l.listen_fd >= 0) {
        close(l.listen_fd);
        unlink(opt_socket_path);
    }
    if (l.sig_fd >= 0) {
        close(l.sig_fd);
    }
    vuf_log_close();
    vuf_features_clear(&l.be.features);
    if (disk.fd >= 0) {
        close(disk.fd);
    }
    return ret;
}
