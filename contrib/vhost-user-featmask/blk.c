/*
 * vhost-user-featmask: virtio-blk requests against a disk image file
 *
 * The data path of --type blk with --blk-image: backend.c walks a ring
 * and hands each request over as two lists of guest buffers, the
 * device-readable ones (header, then data to write or discard ranges) and
 * the device-writable ones (data read, then the status byte).  Every
 * number in a request comes from the guest: sectors and lengths are
 * checked against the disk before any I/O, without sums that can wrap.
 *
 * Requests (virtio 1.3, 5.2.6): IN, OUT, FLUSH, GET_ID, and DISCARD and
 * WRITE_ZEROES when the driver acked those features.  Anything else, and
 * range flags the type does not know, is answered UNSUPP.  A device that
 * offers ro fails every write with IOERR, whether the driver acked ro or
 * not; IN and OUT beyond seg_max and size_max fail before any I/O.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define _GNU_SOURCE

#include "qemu/osdep.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "blk.h"

/* virtio 1.3, 5.2.3 and 5.2.6 */
#define BLK_F_DISCARD           13
#define BLK_F_WRITE_ZEROES      14

#define BLK_T_IN                0
#define BLK_T_OUT               1
#define BLK_T_FLUSH             4
#define BLK_T_GET_ID            8
#define BLK_T_DISCARD           11
#define BLK_T_WRITE_ZEROES      13

#define BLK_S_OK                0
#define BLK_S_IOERR             1
#define BLK_S_UNSUPP            2

#define BLK_ID_BYTES            20
#define BLK_WZ_F_UNMAP          1u

/* The limits blk_config() (backend.c) puts in the config space. */
#define BLK_SECTOR              512
#define BLK_MAX_RANGE_SECTORS   32768

typedef struct BlkOutHdr {
    uint32_t type;
    uint32_t ioprio;
    uint64_t sector;
} BlkOutHdr;

typedef struct BlkRange {
    uint64_t sector;
    uint32_t num_sectors;
    uint32_t flags;
} BlkRange;

/* Copy up to @len bytes from offset @off of @iov into @buf. */
static size_t iov_read(const struct iovec *iov, unsigned n, size_t off,
                       void *buf, size_t len)
{
    size_t done = 0;

    for (unsigned i = 0; i < n && done < len; i++) {
        size_t take;

        if (off >= iov[i].iov_len) {
            off -= iov[i].iov_len;
            continue;
        }
        take = MIN(iov[i].iov_len - off, len - done);
        memcpy((uint8_t *)buf + done, (uint8_t *)iov[i].iov_base + off,
               take);
        done += take;
        off = 0;
    }
    return done;
}

static size_t iov_size(const struct iovec *iov, unsigned n)
{
    size_t len = 0;

    for (unsigned i = 0; i < n; i++) {
        len += iov[i].iov_len;
    }
    return len;
}

/*
 * @iov from byte @off to @len bytes before its end, into @out (at most
 * @max entries); returns the number of entries.
 */
static unsigned iov_slice(const struct iovec *iov, unsigned n, size_t off,
                          size_t tail, struct iovec *out, unsigned max)
{
    size_t len = iov_size(iov, n) - off - tail;
    unsigned k = 0;

    for (unsigned i = 0; i < n && len && k < max; i++) {
        size_t take;

        if (off >= iov[i].iov_len) {
            off -= iov[i].iov_len;
            continue;
        }
        take = MIN(iov[i].iov_len - off, len);
        out[k].iov_base = (uint8_t *)iov[i].iov_base + off;
        out[k++].iov_len = take;
        len -= take;
        off = 0;
    }
    return k;
}

/* Are @len bytes at @sector inside the disk?  No sum can wrap. */
static bool in_disk(const VufBlkDisk *d, uint64_t sector, uint64_t len)
{
    uint64_t bytes = d->capacity * BLK_SECTOR;

    return sector <= d->capacity && len <= bytes - sector * BLK_SECTOR;
}

/* preadv/pwritev all of @iov at @off; false on an error. */
static bool disk_io(int fd, bool write, struct iovec *iov, unsigned n,
                    uint64_t off)
{
    while (n) {
        ssize_t r = write ? pwritev(fd, iov, n, off)
                          : preadv(fd, iov, n, off);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return false;
        }
        off += r;
        while (n && (size_t)r >= iov->iov_len) {
            r -= iov->iov_len;
            iov++;
            n--;
        }
        if (n) {
            iov->iov_base = (uint8_t *)iov->iov_base + r;
            iov->iov_len -= r;
        }
    }
    return true;
}

static bool disk_zero(const VufBlkDisk *d, uint64_t off, uint64_t len,
                      bool unmap)
{
    static const uint8_t zeros[65536];
    int mode = unmap ? FALLOC_FL_PUNCH_HOLE : FALLOC_FL_ZERO_RANGE;

    if (fallocate(d->fd, mode | FALLOC_FL_KEEP_SIZE, off, len) == 0) {
        return true;
    }
    /* A file system without either: write the zeros. */
    while (len) {
        size_t n = MIN(len, sizeof(zeros));
        ssize_t r = pwrite(d->fd, zeros, n, off);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return false;
        }
        off += r;
        len -= r;
    }
    return true;
}

static uint8_t blk_ranges(const VufBlkDisk *d, uint32_t type,
                          const struct iovec *out, unsigned nout)
{
    size_t len = iov_size(out, nout) - sizeof(BlkOutHdr);
    BlkRange r;

    /* The config space allows one range per request. */
    if (len != sizeof(r)) {
        return BLK_S_IOERR;
    }
    iov_read(out, nout, sizeof(BlkOutHdr), &r, sizeof(r));
    r.sector = GUINT64_FROM_LE(r.sector);
    r.num_sectors = GUINT32_FROM_LE(r.num_sectors);
    r.flags = GUINT32_FROM_LE(r.flags);
    /* Flags the type does not know (discard knows none): UNSUPP. */
    if (r.flags & ~(type == BLK_T_DISCARD ? 0 : BLK_WZ_F_UNMAP)) {
        return BLK_S_UNSUPP;
    }
    if (d->ro || r.num_sectors > BLK_MAX_RANGE_SECTORS ||
        !in_disk(d, r.sector, (uint64_t)r.num_sectors * BLK_SECTOR)) {
        return BLK_S_IOERR;
    }
    if (type == BLK_T_DISCARD) {
        /* Advisory: a file system that cannot punch holes keeps data. */
        fallocate(d->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                  r.sector * BLK_SECTOR, (uint64_t)r.num_sectors * BLK_SECTOR);
        return BLK_S_OK;
    }
    return disk_zero(d, r.sector * BLK_SECTOR,
                     (uint64_t)r.num_sectors * BLK_SECTOR,
                     r.flags & BLK_WZ_F_UNMAP) ? BLK_S_OK : BLK_S_IOERR;
}

/* IN and OUT: the limits of the config space, then the disk. */
static bool rw_ok(const VufBlkDisk *d, unsigned ndesc, uint64_t sector,
                  size_t len)
{
    return ndesc <= VUF_BLK_SEG_MAX + 2 && len <= VUF_BLK_MAX_DATA &&
           len % BLK_SECTOR == 0 && in_disk(d, sector, len);
}

bool vuf_blk_request(const VufBlkDisk *d, uint64_t acked, unsigned ndesc,
                     const struct iovec *out, unsigned nout,
                     const struct iovec *in, unsigned nin,
                     VufBlkResult *res)
{
    struct iovec data[VUF_BLK_MAX_SEGS];
    size_t in_len = iov_size(in, nin);
    size_t data_len = 0;
    unsigned ndata;
    BlkOutHdr hdr;
    uint8_t status;

    res->type = UINT32_MAX;
    res->used = 0;
    res->dirty = 0;
    if (in_len == 0 ||
        iov_read(out, nout, 0, &hdr, sizeof(hdr)) != sizeof(hdr)) {
        return false;
    }
    res->type = GUINT32_FROM_LE(hdr.type);
    hdr.sector = GUINT64_FROM_LE(hdr.sector);

    switch (res->type) {
    case BLK_T_IN:
        ndata = iov_slice(in, nin, 0, 1, data, G_N_ELEMENTS(data));
        data_len = in_len - 1;
        status = BLK_S_IOERR;
        if (rw_ok(d, ndesc, hdr.sector, data_len)) {
            /* A read that fails part-way has written guest memory. */
            res->dirty = data_len;
            if (disk_io(d->fd, false, data, ndata,
                        hdr.sector * BLK_SECTOR)) {
                status = BLK_S_OK;
            }
        }
        break;
    case BLK_T_OUT:
        ndata = iov_slice(out, nout, sizeof(hdr), 0, data,
                          G_N_ELEMENTS(data));
        status = d->ro ||
                 !rw_ok(d, ndesc, hdr.sector, iov_size(data, ndata)) ||
                 !disk_io(d->fd, true, data, ndata, hdr.sector * BLK_SECTOR)
                 ? BLK_S_IOERR : BLK_S_OK;
        break;
    case BLK_T_FLUSH:
        status = fdatasync(d->fd) == 0 ? BLK_S_OK : BLK_S_IOERR;
        break;
    case BLK_T_GET_ID: {
        char id[BLK_ID_BYTES] = "vhost-user-featmask";

        ndata = iov_slice(in, nin, 0, 1, data, G_N_ELEMENTS(data));
        data_len = MIN(in_len - 1, sizeof(id));
        for (unsigned i = 0, done = 0; i < ndata && done < data_len; i++) {
            size_t take = MIN(data[i].iov_len, data_len - done);

            memcpy(data[i].iov_base, id + done, take);
            done += take;
        }
        res->dirty = data_len;
        status = BLK_S_OK;
        break;
    }
    case BLK_T_DISCARD:
    case BLK_T_WRITE_ZEROES:
        if (!(acked & (1ull << (res->type == BLK_T_DISCARD ?
                                BLK_F_DISCARD : BLK_F_WRITE_ZEROES)))) {
            status = BLK_S_UNSUPP;
        } else {
            status = blk_ranges(d, res->type, out, nout);
        }
        break;
    default:
        status = BLK_S_UNSUPP;
        break;
    }

    /* The status is the last writable byte. */
    for (unsigned i = nin; i-- > 0;) {
        if (in[i].iov_len) {
            ((uint8_t *)in[i].iov_base)[in[i].iov_len - 1] = status;
            break;
        }
    }
    /* data_len <= VUF_BLK_MAX_DATA whenever the status is OK */
    res->used = (status == BLK_S_OK ? data_len : 0) + 1;
    return true;
}
