/*
 * vhost-user wire format, as far as vhost-user-featmask speaks it
 *
 * Written from the protocol description in QEMU's
 * docs/interop/vhost-user.rst.  All numbers are in host byte order; the
 * header is three 32-bit words followed by a payload of hdr.size bytes.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef VHOST_USER_PROTO_H
#define VHOST_USER_PROTO_H

/* hdr.flags: low two bits are the version, then reply and need_reply. */
#define VU_VERSION              0x1
#define VU_VERSION_MASK         0x3
#define VU_FLAG_REPLY           (1u << 2)
#define VU_FLAG_NEED_REPLY      (1u << 3)

/* Feature bits of the vhost layer, not of any virtio device. */
#define VU_F_LOG_ALL            26      /* VHOST_F_LOG_ALL */
#define VU_F_PROTOCOL_FEATURES  30      /* VHOST_USER_F_PROTOCOL_FEATURES */
#define VU_F_VERSION_1          32      /* VIRTIO_F_VERSION_1 */
#define VU_F_ACCESS_PLATFORM    33      /* VIRTIO_F_ACCESS_PLATFORM */
#define VU_F_RING_PACKED        34      /* VIRTIO_F_RING_PACKED */

/* Protocol feature bits (VHOST_USER_PROTOCOL_F_*). */
typedef enum VuProtocolFeature {
    VU_PROTOCOL_F_MQ = 0,
    VU_PROTOCOL_F_LOG_SHMFD = 1,
    VU_PROTOCOL_F_RARP = 2,
    VU_PROTOCOL_F_REPLY_ACK = 3,
    VU_PROTOCOL_F_MTU = 4,
    VU_PROTOCOL_F_BACKEND_REQ = 5,
    VU_PROTOCOL_F_CROSS_ENDIAN = 6,
    VU_PROTOCOL_F_CONFIG = 9,
    VU_PROTOCOL_F_CONFIGURE_MEM_SLOTS = 15,
    VU_PROTOCOL_F_STATUS = 16,
} VuProtocolFeature;

/* Front-end requests (VHOST_USER_*), numbered as in the protocol. */
typedef enum VuRequest {
    VU_GET_FEATURES = 1,
    VU_SET_FEATURES = 2,
    VU_SET_OWNER = 3,
    VU_RESET_OWNER = 4,
    VU_SET_MEM_TABLE = 5,
    VU_SET_LOG_BASE = 6,
    VU_SET_LOG_FD = 7,
    VU_SET_VRING_NUM = 8,
    VU_SET_VRING_ADDR = 9,
    VU_SET_VRING_BASE = 10,
    VU_GET_VRING_BASE = 11,
    VU_SET_VRING_KICK = 12,
    VU_SET_VRING_CALL = 13,
    VU_SET_VRING_ERR = 14,
    VU_GET_PROTOCOL_FEATURES = 15,
    VU_SET_PROTOCOL_FEATURES = 16,
    VU_GET_QUEUE_NUM = 17,
    VU_SET_VRING_ENABLE = 18,
    VU_SEND_RARP = 19,
    VU_NET_SET_MTU = 20,
    VU_SET_BACKEND_REQ_FD = 21,
    VU_IOTLB_MSG = 22,
    VU_SET_VRING_ENDIAN = 23,
    VU_GET_CONFIG = 24,
    VU_SET_CONFIG = 25,
    VU_GET_MAX_MEM_SLOTS = 36,
    VU_ADD_MEM_REG = 37,
    VU_REM_MEM_REG = 38,
    VU_SET_STATUS = 39,
    VU_GET_STATUS = 40,
    VU_REQUEST_MAX = 48,
} VuRequest;

/* SET_VRING_KICK/CALL/ERR payload: ring index, and "no fd" flag. */
#define VU_VRING_IDX_MASK       0xffu
#define VU_VRING_NOFD           (1u << 8)

/* SET_VRING_ADDR flags: log writes to the used ring. */
#define VU_VRING_F_LOG          (1u << 0)

/* Dirty log granularity: one bit per 4 KiB page of guest memory. */
#define VU_LOG_PAGE             0x1000

/* SET_MEM_TABLE carries at most this many regions (and fds). */
#define VU_MAX_MEM_REGIONS      8
/* No request of ours carries more fds than that. */
#define VU_MAX_FDS              VU_MAX_MEM_REGIONS

typedef struct VuMsgHeader {
    uint32_t request;
    uint32_t flags;
    uint32_t size;
} VuMsgHeader;

typedef struct VuVringState {
    uint32_t index;
    uint32_t num;
} VuVringState;

typedef struct VuVringAddr {
    uint32_t index;
    uint32_t flags;
    uint64_t desc_user_addr;
    uint64_t used_user_addr;
    uint64_t avail_user_addr;
    uint64_t log_guest_addr;
} VuVringAddr;

typedef struct VuMemRegion {
    uint64_t guest_phys_addr;
    uint64_t memory_size;
    uint64_t userspace_addr;
    uint64_t mmap_offset;
} VuMemRegion;

typedef struct VuMemTable {
    uint32_t nregions;
    uint32_t padding;
    VuMemRegion regions[VU_MAX_MEM_REGIONS];
} VuMemTable;

typedef struct VuLog {
    uint64_t mmap_size;
    uint64_t mmap_offset;
} VuLog;

/* The device IOTLB message; QEMU sends the padded kernel structure. */
typedef struct VuIotlb {
    uint64_t iova;
    uint64_t size;
    uint64_t uaddr;
    uint8_t perm;
    uint8_t type;
} VuIotlb;

/* Large enough for every payload we accept (GET_CONFIG is the largest). */
#define VU_MAX_PAYLOAD          4096

typedef union VuPayload {
    uint64_t u64;
    VuVringState state;
    VuVringAddr addr;
    VuMemTable mem;
    VuLog log;
    VuIotlb iotlb;
    uint8_t raw[VU_MAX_PAYLOAD];
} VuPayload;

G_STATIC_ASSERT(sizeof(VuMsgHeader) == 12);
G_STATIC_ASSERT(sizeof(VuVringAddr) == 40);
G_STATIC_ASSERT(sizeof(VuMemTable) == 8 + 32 * VU_MAX_MEM_REGIONS);

/*
 * The split virtqueue rings in guest memory: both start with a 16-bit
 * flags word followed by the 16-bit free-running index.
 */
#define VU_RING_IDX_OFFSET      2

#endif
