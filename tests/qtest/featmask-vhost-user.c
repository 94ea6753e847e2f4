/*
 * A vhost-user backend of any device type for the featmask qtests, in
 * the test's own process (libvhost-user, served by a thread running
 * glib's default main context)
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/un.h>
#include "qemu/atomic.h"
#include "qemu/bswap.h"
#include "libvhost-user-glib.h"
#include "standard-headers/linux/virtio_blk.h"
#include "featmask-vhost-user.h"

struct FeatmaskVhostUser {
    VugDev vug;
    char *path;
    const VuDevIface *iface;
    uint16_t queues;
    uint64_t features;
    uint8_t *config;
    size_t config_len;
    uint64_t acked;
    int listen_fd;
    int conn_fd;
    guint listen_src;
    guint idle_src;
    GMutex lock;
    GCond cond;
    bool stopped;
};

static GThread *loop_thread;

static gpointer loop_run(gpointer data)
{
    GMainLoop *loop = g_main_loop_new(NULL, FALSE);

    g_main_loop_run(loop);
    return NULL;
}

static FeatmaskVhostUser *fvu_of(VuDev *dev)
{
    return container_of(dev, FeatmaskVhostUser, vug.parent);
}

static uint64_t fvu_get_features(VuDev *dev)
{
    return fvu_of(dev)->features;
}

static void fvu_set_features(VuDev *dev, uint64_t features)
{
    qatomic_set(&fvu_of(dev)->acked, features);
}

static void fvu_panic(VuDev *dev, const char *msg);

/*
 * QEMU closed the connection (an empty read is VHOST_USER_NONE), which
 * libvhost-user answers with exit(): drop the connection instead.
 */
static int fvu_process_msg(VuDev *dev, VhostUserMsg *vmsg, int *do_reply)
{
    if (vmsg->request == VHOST_USER_NONE) {
        fvu_panic(dev, "disconnected");
        return 1;
    }
    return 0;
}

static const VuDevIface fvu_iface = {
    .get_features = fvu_get_features,
    .set_features = fvu_set_features,
    .process_msg = fvu_process_msg,
};

/*
 * GET_CONFIG: the config space the test gave, zeros past its end (a
 * device may read a longer one when a feature adds fields).
 */
static int fvu_get_config(VuDev *dev, uint8_t *config, uint32_t len)
{
    FeatmaskVhostUser *s = fvu_of(dev);

    memset(config, 0, len);
    memcpy(config, s->config, MIN(len, s->config_len));
    return 0;
}

/* The guest may write the config (blk's write-cache flag): ignored. */
static int fvu_set_config(VuDev *dev, const uint8_t *data,
                          uint32_t offset, uint32_t size, uint32_t flags)
{
    return 0;
}

/* With get_config and set_config, libvhost-user offers CONFIG. */
static const VuDevIface fvu_config_iface = {
    .get_features = fvu_get_features,
    .set_features = fvu_set_features,
    .process_msg = fvu_process_msg,
    .get_config = fvu_get_config,
    .set_config = fvu_set_config,
};

/* In the loop thread: drop the connection, if any. */
static void fvu_disconnect(FeatmaskVhostUser *s)
{
    if (s->conn_fd >= 0) {
        vug_deinit(&s->vug);
        close(s->conn_fd);
        s->conn_fd = -1;
    }
}

static gboolean fvu_disconnect_idle(gpointer opaque)
{
    FeatmaskVhostUser *s = opaque;

    s->idle_src = 0;
    fvu_disconnect(s);
    return G_SOURCE_REMOVE;
}

/*
 * QEMU went away or sent what libvhost-user refuses: drop the connection
 * (once libvhost-user is out of its handler) and wait for the next.
 */
static void fvu_panic(VuDev *dev, const char *msg)
{
    FeatmaskVhostUser *s = fvu_of(dev);

    if (!s->idle_src) {
        s->idle_src = g_idle_add(fvu_disconnect_idle, s);
    }
}

static gboolean fvu_accept(gint fd, GIOCondition cond, gpointer opaque)
{
    FeatmaskVhostUser *s = opaque;
    int conn = accept(fd, NULL, NULL);

    if (conn < 0) {
        return G_SOURCE_CONTINUE;
    }
    /*
     * One QEMU at a time, as a real backend of one netdev: a new one
     * replaces the last, which may have gone without its hangup being
     * seen yet.
     */
    if (s->idle_src) {
        g_source_remove(s->idle_src);
        s->idle_src = 0;
    }
    fvu_disconnect(s);
    s->conn_fd = conn;
    if (!vug_init(&s->vug, s->queues, conn, fvu_panic, s->iface)) {
        close(conn);
        s->conn_fd = -1;
    }
    return G_SOURCE_CONTINUE;
}

static gboolean fvu_attach(gpointer opaque)
{
    FeatmaskVhostUser *s = opaque;

    s->listen_src = g_unix_fd_add(s->listen_fd, G_IO_IN, fvu_accept, s);
    return G_SOURCE_REMOVE;
}

FeatmaskVhostUser *featmask_vhost_user_start_conf(
    const char *path, const FeatmaskVhostUserConf *conf)
{
    FeatmaskVhostUser *s = g_new0(FeatmaskVhostUser, 1);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    if (!loop_thread) {
        loop_thread = g_thread_new("featmask-vhost-user", loop_run, NULL);
    }
    s->path = g_strdup(path);
    s->iface = conf->config ? &fvu_config_iface : &fvu_iface;
    s->queues = conf->queues ? conf->queues : 1;
    s->features = conf->features;
    s->config = g_memdup2(conf->config, conf->config_len);
    s->config_len = conf->config_len;
    s->conn_fd = -1;
    g_mutex_init(&s->lock);
    g_cond_init(&s->cond);

    g_assert_cmpuint(strlen(path), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, path);
    unlink(path);
    s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(s->listen_fd, >=, 0);
    g_assert_cmpint(bind(s->listen_fd, (struct sockaddr *)&addr,
                         sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(s->listen_fd, 1), ==, 0);
    g_main_context_invoke(NULL, fvu_attach, s);
    return s;
}

FeatmaskVhostUser *featmask_vhost_user_start(const char *path,
                                             uint64_t features)
{
    FeatmaskVhostUserConf conf = { .features = features, .queues = 2 };

    return featmask_vhost_user_start_conf(path, &conf);
}

FeatmaskVhostUser *featmask_vhost_user_start_blk(const char *path,
                                                 uint64_t features,
                                                 uint16_t queues)
{
    /* 1 GiB of 512-byte sectors, as vhost-user-blk reads it at realize */
    struct virtio_blk_config cfg = {
        .capacity = cpu_to_le64((1ULL << 30) / 512),
        .size_max = cpu_to_le32(65536),
        .seg_max = cpu_to_le32(126),
        .blk_size = cpu_to_le32(512),
        .num_queues = cpu_to_le16(queues),
        .max_discard_sectors = cpu_to_le32(32768),
        .max_discard_seg = cpu_to_le32(1),
        .discard_sector_alignment = cpu_to_le32(1),
        .max_write_zeroes_sectors = cpu_to_le32(32768),
        .max_write_zeroes_seg = cpu_to_le32(1),
    };
    FeatmaskVhostUserConf conf = {
        .features = features, .queues = queues,
        .config = &cfg, .config_len = sizeof(cfg),
    };

    return featmask_vhost_user_start_conf(path, &conf);
}

static gboolean fvu_stop(gpointer opaque)
{
    FeatmaskVhostUser *s = opaque;

    if (s->listen_src) {
        g_source_remove(s->listen_src);
    }
    if (s->idle_src) {
        g_source_remove(s->idle_src);
    }
    fvu_disconnect(s);
    close(s->listen_fd);
    unlink(s->path);
    g_mutex_lock(&s->lock);
    s->stopped = true;
    g_cond_signal(&s->cond);
    g_mutex_unlock(&s->lock);
    return G_SOURCE_REMOVE;
}

void featmask_vhost_user_stop(FeatmaskVhostUser *s)
{
    g_main_context_invoke(NULL, fvu_stop, s);
    g_mutex_lock(&s->lock);
    while (!s->stopped) {
        g_cond_wait(&s->cond, &s->lock);
    }
    g_mutex_unlock(&s->lock);
    g_mutex_clear(&s->lock);
    g_cond_clear(&s->cond);
    g_free(s->config);
    g_free(s->path);
    g_free(s);
}

uint64_t featmask_vhost_user_acked(FeatmaskVhostUser *s)
{
    return qatomic_read(&s->acked);
}
