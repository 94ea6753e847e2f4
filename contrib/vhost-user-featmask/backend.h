/*
 * vhost-user-featmask: one vhost-user connection and its protocol state
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef VUF_BACKEND_H
#define VUF_BACKEND_H

#include <poll.h>

#include "vhost-user-proto.h"
#include "offer.h"
#include "blk.h"

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
 * @disk: the disk image the blk data path serves, NULL for none (the
 *        rings are then never processed)
 */
typedef struct VufBackend {
    VufFeatures features;
    uint64_t protocol_features;
    bool blk;
    unsigned queues;
    uint64_t blk_capacity;
    const VufBlkDisk *disk;
} VufBackend;

typedef struct VufConn VufConn;

/*
 * How long one message may take: from its first byte until its last
 * byte is read, and from a reply until the front-end has taken it.  The
 * deadline is absolute: a front-end sending a byte now and then does not
 * move it.
 */
#define VUF_MSG_TIMEOUT_MS      2000

/*
 * Guest memory one connection may map, in all its regions: the address
 * space of the process is shared by every front-end.
 */
#define VUF_MAX_GUEST_MEM       (1ull << 40)

/**
 * vuf_conn_new: a new connection
 * @fd: the connected socket, made non-blocking, closed by vuf_conn_free();
 *      or -1 for a connection fed by vuf_conn_rx_space() and
 *      vuf_conn_received() alone (the fuzzer)
 * @id: number used in the log
 * @be: the backend; must outlive the connection
 */
VufConn *vuf_conn_new(int fd, unsigned id, const VufBackend *be);
int vuf_conn_fd(const VufConn *c);
unsigned vuf_conn_id(const VufConn *c);

/*
 * The protocol, without I/O.  Bytes go in with vuf_conn_received(),
 * replies come out with vuf_conn_tx(): the socket loop (io.c) and the
 * fuzzer share everything between the two.
 */

/**
 * vuf_conn_rx_space: where the next bytes of the current message go
 * @len: set to how many bytes are wanted there (at least 1), never more
 *       than the rest of the current message
 */
uint8_t *vuf_conn_rx_space(VufConn *c, size_t *len);

/**
 * vuf_conn_received: @n bytes were written at vuf_conn_rx_space()
 * @fds: descriptors that came with them; the connection owns them now
 *
 * Handles the message once it is complete, queueing its reply.  Returns
 * false when the connection must end: it is then freed by the caller,
 * which affects no other connection.
 */
bool vuf_conn_received(VufConn *c, size_t n, const int *fds, size_t nfds);

/* Reply bytes not yet sent (and their count in @len), or NULL. */
const uint8_t *vuf_conn_tx(const VufConn *c, size_t *len);
/* The first @n bytes of vuf_conn_tx() are sent. */
void vuf_conn_tx_done(VufConn *c, size_t n);

/*
 * The monotonic time (g_get_monotonic_time()) by which the message in
 * progress must be complete or its reply taken, 0 if there is none.
 */
gint64 vuf_conn_deadline(const VufConn *c);

/* Past vuf_conn_deadline(): marks the connection violating, true. */
bool vuf_conn_expired(VufConn *c, gint64 now);

/**
 * vuf_conn_violation: the front-end broke the protocol; vuf_conn_free()
 * logs the first reason given, once, naming the front-end.
 */
void vuf_conn_violation(VufConn *c, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/**
 * vuf_conn_io: serve a connection poll() found ready
 *
 * Reads and handles at most a few messages, so that a busy front-end
 * does not starve the others, and sends their replies without ever
 * blocking.  Returns false when the connection must end.
 */
bool vuf_conn_io(VufConn *c);

/* The poll() events the connection waits for. */
short vuf_conn_events(const VufConn *c);

/*
 * The data path (blk with a disk image): the kick descriptors of the
 * rings that run are polled with the connections; one that poll() found
 * ready is served with vuf_conn_kicked().
 */

/* Append a pollfd for every running ring's kick descriptor to @pfds. */
void vuf_conn_kick_pollfds(const VufConn *c, GArray *pfds);

/* @pfd, from vuf_conn_kick_pollfds(), is ready: serve its ring. */
void vuf_conn_kicked(VufConn *c, const struct pollfd *pfd);

/* Unmap guest memory and the log, close every descriptor. */
void vuf_conn_free(VufConn *c);

/*
 * The protocol log (--log FILE): one line per message, and the features
 * the front-end acked, for tests to read back.
 */
bool vuf_log_open(const char *path, bool verbose, Error **errp);
void vuf_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* A line for the log, and for stderr when there is no log file. */
void vuf_warn(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void vuf_log_close(void);

#endif
