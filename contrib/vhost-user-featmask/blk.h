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
 * Buffers one request may have, each way: seg_max (126) of data plus the
 * header and the status, with room for drivers that split buffers where
 * guest memory regions meet.
 */
#define VUF_BLK_MAX_SEGS        256

/**
 * VufBlkDisk: the disk image
 * @fd: open read-write (or read-only, then the disk offers ro)
 * @capacity: its size in 512-byte sectors
 */
typedef struct VufBlkDisk {
    int fd;
    uint64_t capacity;
} VufBlkDisk;

/**
 * vuf_blk_request: serve one virtio-blk request
 * @acked: the features the driver acked (discard and write-zeroes are
 *         refused without theirs, writes with ro)
 * @out: the device-readable buffers: the request header, then its data
 * @in: the device-writable buffers: data for the driver, then the status
 * @type: set to the request's type, UINT32_MAX if it had no header
 *
 * Returns how many bytes of @in were written (the status included), or
 * -1 if the request is malformed: no header or no room for a status.
 */
int vuf_blk_request(const VufBlkDisk *d, uint64_t acked,
                    const struct iovec *out, unsigned nout,
                    const struct iovec *in, unsigned nin, uint32_t *type);

#endif
