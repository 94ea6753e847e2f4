/*
 * libFuzzer harness: vhost-user-featmask's message handler, in-process
 *
 * The input is a script of operations on one front-end connection of
 * contrib/vhost-user-featmask/backend.c, fed through the same
 * vuf_conn_rx_space() / vuf_conn_received() / vuf_conn_tx() calls that
 * the backend's socket loop uses; no socket, no process.
 *
 *   input := kind op*
 *   kind  := 1 byte: bit 0 set: the virtio-blk backend (2 queues, with
 *            the data path over a 64 KiB disk image), else virtio-net
 *            (1 queue pair)
 *   op    := 0xf0-0xf7: resize pool file (op & 7) to (next byte) * 4 KiB
 *          | 0xf8-0xff: write the next 2 bytes into pool file (op & 7) at
 *            offset 2 * (next 2 bytes), little endian (ring indexes)
 *          | anything else: a message.  Low nibble: how many descriptors
 *            come with it (mod 9), one byte each follows, naming a pool
 *            file (byte % POOL_SIZE); high nibble: fed in pieces of that
 *            many bytes (0: at once).  Then the 12-byte header and its
 *            payload, as much of hdr.size bytes as the input still has.
 *
 * The pool is a few memfds of different sizes (a zero-sized one among
 * them) and one eventfd, which is not a file.  A message whose region
 * reaches beyond its memfd, a memfd shrunk after it was mapped, sums
 * that wrap: everything the front-end decides is the input's.  When a
 * message ends the connection (a protocol violation), a new connection
 * takes the rest of the input, as a new front-end would.  After each
 * input every descriptor must be closed again.
 *
 * Build: CC=clang meson setup build-fuzz -Dfuzzing=true
 *        ninja -C build-fuzz contrib/vhost-user-featmask/fuzz-vhost-user
 * Seeds: tests/fuzz/corpus/vhost-user/
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/* memfd_create() */
#define _GNU_SOURCE

#include "qemu/osdep.h"
#include "qapi/error.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define POOL_FILES      6
#define POOL_SIZE       (POOL_FILES + 1)

static const size_t pool_initial[POOL_FILES] = {
    0, 0x1000, 0x4000, 0x10000, 0x100000, 0x8000,
};
static int pool[POOL_SIZE];
static VufBackend backends[2];
/* The blk backend's disk: its data path serves rings the input starts. */
static VufBlkDisk disk = { .fd = -1, .capacity = 128 };
static int fd_baseline;

static void die(const char *what)
{
    fprintf(stderr, "fuzz-vhost-user: %s: %s\n", what, g_strerror(errno));
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    Error *err = NULL;

    for (int i = 0; i < POOL_FILES; i++) {
        pool[i] = memfd_create("fuzz-vhost-user", MFD_CLOEXEC);
        if (pool[i] < 0) {
            die("memfd_create");
        }
    }
    disk.fd = memfd_create("fuzz-vhost-user-disk", MFD_CLOEXEC);
    if (disk.fd < 0 || ftruncate(disk.fd, disk.capacity * 512) < 0) {
        die("disk");
    }
    pool[POOL_FILES] = eventfd(0, EFD_CLOEXEC);
    if (pool[POOL_FILES] < 0) {
        die("eventfd");
    }
    for (int i = 0; i < 2; i++) {
        VufBackend *be = &backends[i];

        be->blk = i;
        if (!vuf_features_select(&be->features,
                                 be->blk ? "virtio-blk" : "virtio-net",
                                 NULL, NULL, NULL, &err)) {
            fprintf(stderr, "fuzz-vhost-user: %s\n", error_get_pretty(err));
            abort();
        }
        be->protocol_features = be->blk ? VUF_PROTOCOL_FEATURES_BLK
                                        : VUF_PROTOCOL_FEATURES_NET;
        be->queues = be->blk ? 2 : 1;
        be->blk_capacity = be->blk ? disk.capacity : 1 << 21;
        be->disk = be->blk ? &disk : NULL;
    }
    /*
     * Every line is formatted (and checked by UBSan), none is kept unless
     * $FUZZ_VHOST_USER_LOG names a file, to see what an input does.
     */
    if (!vuf_log_open(g_getenv("FUZZ_VHOST_USER_LOG") ?: "/dev/null",
                      false, &err)) {
        fprintf(stderr, "fuzz-vhost-user: %s\n", error_get_pretty(err));
        abort();
    }
    fd_baseline = dup(0);
    if (fd_baseline < 0) {
        die("dup");
    }
    close(fd_baseline);
    return 0;
}

/*
 * Is @fd one the harness hands out (a dup of a pool file or the eventfd),
 * or of the disk?  Others come from the sanitizers (the symbolizer's
 * pipes, opened the first time libFuzzer names a new function).
 */
static bool fd_is_ours(int fd)
{
    g_autofree char *link = g_strdup_printf("/proc/self/fd/%d", fd);
    g_autofree char *target = g_file_read_link(link, NULL);

    return target && (strstr(target, "memfd:fuzz-vhost-user") ||
                      strstr(target, "[eventfd]"));
}

static void fd_check_closed(void)
{
    for (int fd = fd_baseline; fd < fd_baseline + 2 * VU_MAX_FDS + 16;
         fd++) {
        if (fcntl(fd, F_GETFD) >= 0 && fd_is_ours(fd)) {
            fprintf(stderr, "fuzz-vhost-user: descriptor leak (fd %d, at "
                    "or above %d, is still open)\n", fd, fd_baseline);
            abort();
        }
    }
}

static void pool_reset(void)
{
    for (int i = 0; i < POOL_FILES; i++) {
        if (ftruncate(pool[i], 0) < 0 ||
            ftruncate(pool[i], pool_initial[i]) < 0) {
            die("ftruncate");
        }
    }
}

/* Feed @len bytes (and @nfds descriptors with the first) in pieces. */
static bool feed(VufConn *c, const uint8_t *p, size_t len, size_t piece,
                 int *fds, size_t *nfds)
{
    while (len || *nfds) {
        size_t want, n;
        uint8_t *space = vuf_conn_rx_space(c, &want);

        n = MIN(MIN(want, len), piece ? piece : len);
        memcpy(space, p, n);
        if (!vuf_conn_received(c, n, fds, *nfds)) {
            *nfds = 0;
            return false;
        }
        *nfds = 0;
        p += n;
        len -= n;
    }
    return true;
}

static void drain(VufConn *c)
{
    size_t len;

    while (vuf_conn_tx(c, &len)) {
        vuf_conn_tx_done(c, len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *end = data + size;
    const VufBackend *be;
    VufConn *c;
    unsigned id = 1;

    if (size < 1) {
        return 0;
    }
    pool_reset();
    be = &backends[*data++ & 1];
    c = vuf_conn_new(-1, id, be);

    while (data < end) {
        uint8_t op = *data++;
        int fds[VU_MAX_FDS + 1];
        size_t nfds = 0, want, payload;
        uint32_t hdr_size;
        bool ok;

        if (op >= 0xf8) {
            uint16_t off, v;

            if (end - data < 4) {
                break;
            }
            memcpy(&off, data, 2);
            memcpy(&v, data + 2, 2);
            data += 4;
            if (pwrite(pool[(op & 7) % POOL_FILES], &v, 2, 2 * (off_t)off)
                < 0) {
                die("pwrite");
            }
            continue;
        }
        if (op >= 0xf0) {
            if (data == end) {
                break;
            }
            if (ftruncate(pool[(op & 7) % POOL_FILES],
                          (off_t)*data++ * 0x1000) < 0) {
                die("ftruncate");
            }
            continue;
        }

        /* A message: its descriptors, header and payload. */
        for (unsigned i = 0; i < (op & 0xf) % 9 && data < end; i++) {
            fds[nfds] = dup(pool[*data++ % POOL_SIZE]);
            if (fds[nfds] < 0) {
                die("dup");
            }
            nfds++;
        }
        want = MIN((size_t)(end - data), sizeof(VuMsgHeader));
        ok = feed(c, data, want, op >> 4, fds, &nfds);
        data += want;
        if (ok && want == sizeof(VuMsgHeader)) {
            memcpy(&hdr_size, data - 4, sizeof(hdr_size));
            payload = MIN((size_t)(end - data), hdr_size);
            ok = feed(c, data, payload, op >> 4, fds, &nfds);
            data += payload;
        }
        drain(c);
        if (!ok) {
            /* Cut off: the next front-end comes in. */
            vuf_conn_free(c);
            c = vuf_conn_new(-1, ++id, be);
        }
    }

    /* What is left half-way runs into its deadline. */
    if (vuf_conn_deadline(c)) {
        if (!vuf_conn_expired(c, G_MAXINT64)) {
            abort();
        }
    }
    vuf_conn_free(c);

    /* Every descriptor the connection got is closed again. */
    fd_check_closed();
    return 0;
}
