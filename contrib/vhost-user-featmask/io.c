/*
 * vhost-user-featmask: a connection's socket, never waited on
 *
 * Every socket is non-blocking.  A connection reads only the rest of the
 * message it is in (so that descriptors sent with the next message stay
 * with it), a few messages per turn, and does not read on while a reply
 * waits to be taken.  The loop in main.c ends a connection whose message
 * or reply is not through by its deadline (vuf_conn_deadline()).
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "backend.h"

/* Reads per turn: about eight messages of header and payload. */
#define VUF_READS_PER_TURN      16

/* Send what the peer takes now; false if the connection is broken. */
static bool conn_flush(VufConn *c)
{
    size_t len;
    const uint8_t *p = vuf_conn_tx(c, &len);

    while (p) {
        ssize_t r = send(vuf_conn_fd(c), p, len,
                         MSG_NOSIGNAL | MSG_DONTWAIT);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return true;
        }
        if (r < 0) {
            vuf_log("conn %u: write: %s", vuf_conn_id(c), g_strerror(errno));
            return false;
        }
        vuf_conn_tx_done(c, r);
        p = vuf_conn_tx(c, &len);
    }
    return true;
}

/* 1: bytes read and handled, 0: nothing to read now, -1: end it. */
static int conn_read(VufConn *c)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * VU_MAX_FDS)];
    } control;
    struct iovec iov;
    struct msghdr mh = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control.buf,
        .msg_controllen = sizeof(control.buf),
    };
    int fds[VU_MAX_FDS];
    size_t nfds = 0;
    struct cmsghdr *cm;
    ssize_t r;

    iov.iov_base = vuf_conn_rx_space(c, &iov.iov_len);
    do {
        r = recvmsg(vuf_conn_fd(c), &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    } while (r < 0 && errno == EINTR);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return 0;
    }
    if (r < 0) {
        vuf_log("conn %u: read: %s", vuf_conn_id(c), g_strerror(errno));
        return -1;
    }

    /* Collect the descriptors before anything can fail, to close them. */
    for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
        size_t n;
        const int *cfds;

        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        cfds = (const int *)CMSG_DATA(cm);
        for (size_t i = 0; i < n; i++) {
            if (nfds < VU_MAX_FDS) {
                fds[nfds++] = cfds[i];
            } else {
                close(cfds[i]);
            }
        }
    }
    if (mh.msg_flags & MSG_CTRUNC) {
        for (size_t i = 0; i < nfds; i++) {
            close(fds[i]);
        }
        vuf_conn_violation(c, "more than %d descriptors in one message",
                           VU_MAX_FDS);
        return -1;
    }
    if (r == 0) {
        for (size_t i = 0; i < nfds; i++) {
            close(fds[i]);
        }
        vuf_log("conn %u: closed by the front-end", vuf_conn_id(c));
        return -1;
    }
    return vuf_conn_received(c, r, fds, nfds) ? 1 : -1;
}

bool vuf_conn_io(VufConn *c)
{
    if (!conn_flush(c)) {
        return false;
    }
    for (int i = 0; i < VUF_READS_PER_TURN; i++) {
        size_t pending;
        int r;

        if (vuf_conn_tx(c, &pending)) {
            /* The peer does not take its replies: read no more for now. */
            break;
        }
        r = conn_read(c);
        if (r < 0) {
            return false;
        }
        if (r == 0) {
            break;
        }
        if (!conn_flush(c)) {
            return false;
        }
    }
    return true;
}

short vuf_conn_events(const VufConn *c)
{
    size_t pending;

    return vuf_conn_tx(c, &pending) ? POLLOUT : POLLIN;
}
