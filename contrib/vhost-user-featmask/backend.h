/*
 * vhost-user-featmask: one vhost-user connection and its protocol state
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef VUF_BACKEND_H
#define VUF_BACKEND_H

#include "vhost-user-proto.h"
#include "offer.h"

/* Protocol features offered unless --protocol-features says otherwise. */
#define VUF_PROTOCOL_FEATURES_NET \
    ((1ull << VU_PROTOCOL_F_MQ) | (1ull << VU_PROTOCOL_F_LOG_SHMFD) | \
     (1ull << VU_PROTOCOL_F_RARP) | (1ull << VU_PROTOCOL_F_REPLY_ACK) | \
     (1ull << VU_PROTOCOL_F_MTU) | (1ull << VU_PROTOCOL_F_BACKEND_REQ))
/* QEMU's vhost-user-blk needs the config space from the backend. */
#define VUF_PROTOCOL_FEATURES_BLK \
    ((1ull << VU_PROTOCOL_F_MQ) | (1ull << VU_PROTOCOL_F_LOG_SHMFD) | \
     (1ull << VU_PROTOCOL_F_REPLY_ACK) | (1ull << VU_PROTOCOL_F_CONFIG) | \
     (1ull << VU_PROTOCOL_F_BACKEND_REQ))

/**
 * VufBackend: what every connection of this process offers
 * @features: the virtio features
 * @protocol_features: the vhost-user protocol features
 * @blk: a virtio-blk device instead of virtio-net
 * @queues: answer to GET_QUEUE_NUM: queue pairs for net (2 * @queues
 *          vrings), queues for blk
 * @blk_capacity: the disk size in 512-byte sectors (blk)
 */
typedef struct VufBackend {
    VufFeatures features;
    uint64_t protocol_features;
    bool blk;
    unsigned queues;
    uint64_t blk_capacity;
} VufBackend;

typedef struct VufConn VufConn;

/**
 * vuf_conn_new: take over a connected socket
 * @fd: the socket; closed by vuf_conn_free()
 * @id: number used in the log
 * @be: the backend; must outlive the connection
 */
VufConn *vuf_conn_new(int fd, unsigned id, const VufBackend *be);
int vuf_conn_fd(const VufConn *c);

/**
 * vuf_conn_handle: read and answer one message
 *
 * Returns false when the connection is finished: the front-end closed
 * it, or sent something this backend cannot make sense of.  The caller
 * then frees the connection; nothing else is affected.
 */
bool vuf_conn_handle(VufConn *c);

/* Unmap guest memory and the log, close every descriptor. */
void vuf_conn_free(VufConn *c);

/*
 * The protocol log (--log FILE): one line per message, and the features
 * the front-end acked, for tests to read back.
 */
bool vuf_log_open(const char *path, bool verbose, Error **errp);
void vuf_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void vuf_log_close(void);

#endif
