/*
 * vhost-user-featmask: virtio-blk requests against a disk image file
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef VUF_BLK_H
#define VUF_BLK_H

#include <sys/uio.h>

/*
 * The limits the config space gives the driver: at most VUF_BLK_SEG_MAX
 * data descriptors in a request, none longer than VUF_BLK_SIZE_MAX.  A
 * request beyond them fails (IOERR) before any I/O.
 */
#define VUF_BLK_F_RO            5       /* virtio 1.3, 5.2.3 */

#define VUF_BLK_SIZE_MAX        65536
#define VUF_BLK_SEG_MAX         126
#define VUF_BLK_MAX_DATA        ((size_t)VUF_BLK_SEG_MAX * VUF_BLK_SIZE_MAX)

/*
 * Buffers one request may have, each way: seg_max (126) of data plus the
 * header and the status, with room for drivers that split buffers where
 * guest memory regions meet.  It also bounds the descriptors of a chain,
 * zero-length ones and an indirect table's included.
 */
#define VUF_BLK_MAX_SEGS        256

/**
 * VufBlkDisk: the disk image
 * @fd: open read-write, or read-only when the device offers ro
 * @capacity: its size in 512-byte sectors
 * @ro: the device offers ro: every write fails, acked or not (virtio 1.3,
 *      5.2.6.2)
 */
typedef struct VufBlkDisk {
    int fd;
    uint64_t capacity;
    bool ro;
} VufBlkDisk;

/**
 * VufBlkResult: what serving a request did
 * @type: the request's type, UINT32_MAX if it had no header
 * @used: the used length: bytes of data read for the driver, then the
 *        status (never more than VUF_BLK_MAX_DATA + 1)
 * @dirty: bytes from the start of the device-writable buffers the device
 *         may have written before the status, a failed read's included
 */
typedef struct VufBlkResult {
    uint32_t type;
    uint32_t used;
    size_t dirty;
} VufBlkResult;

/**
 * vuf_blk_request: serve one virtio-blk request
 * @acked: the features the driver acked (discard and write-zeroes are
 *         refused without theirs)
 * @ndesc: the descriptors of the request (more than VUF_BLK_SEG_MAX + 2,
 *         the header and the status, fail with IOERR)
 * @out: the device-readable buffers: the request header, then its data
 * @in: the device-writable buffers: data for the driver, then the status
 * @res: what was done (its type is set even for a malformed request)
 *
 * Returns false if the request is malformed: no header or no room for a
 * status.
 */
bool vuf_blk_request(const VufBlkDisk *d, uint64_t acked, unsigned ndesc,
                     const struct iovec *out, unsigned nout,
                     const struct iovec *in, unsigned nin,
                     VufBlkResult *res);

#endif
