/*
 * vhost-user-featmask: the control path of a vhost-user net (or blk)
 * backend, and the rings of blk's data path
 *
 * Everything a front-end needs to start the device, let a guest driver
 * negotiate, and migrate: features, protocol features, memory table,
 * rings, the shared dirty log.  Without a disk image there is no data
 * path: rings are never processed, no guest memory is written, the dirty
 * log stays clean, and guest memory is mapped read-only, to report the
 * ring indexes.  With one (blk), split rings are served on their kicks:
 * requests go to blk.c, the data read and the used ring are written to
 * guest memory and marked in the dirty log while migration logs.
 *
 * Nothing here does I/O: bytes come in through vuf_conn_received() and
 * replies go out through vuf_conn_tx(), so that the socket loop (io.c)
 * and the fuzzer (tests/fuzz/fuzz-vhost-user.c) run the same code.  Every
 * number a front-end sends is checked before it is used: it may be
 * hostile, and other front-ends share this process.
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
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "backend.h"

typedef struct VufVring {
    uint32_t num;
    VuVringAddr addr;
    bool addr_set;
    /* Next avail index (split), or both packed indexes and wrap bits. */
    uint32_t base;
    int kick_fd;
    int call_fd;
    int err_fd;
    bool started;
    bool enabled;
    /* Data path: the used index we write; a ring the guest broke stops. */
    uint16_t used_idx;
    bool broken;
} VufVring;

/* The buffers of the request being served (data path). */
typedef struct VufChain {
    struct iovec out[VUF_BLK_MAX_SEGS];
    struct iovec in[VUF_BLK_MAX_SEGS];
    uint64_t in_gpa[VUF_BLK_MAX_SEGS];
    unsigned nout;
    unsigned nin;
    unsigned ndesc;             /* descriptors, an indirect one excluded */
} VufChain;

typedef struct VufMemMap {
    VuMemRegion region;
    uint8_t *mmap_addr;         /* start of the mapping (file offset 0) */
    size_t mmap_len;            /* mmap_offset + memory_size, checked */
} VufMemMap;

typedef struct VufMsg {
    VuMsgHeader hdr;
    VuPayload payload;
    int fds[VU_MAX_FDS];
    size_t nfds;
} VufMsg;

struct VufConn {
    int fd;
    unsigned id;
    pid_t pid;                  /* of the front-end, 0 if unknown */
    const VufBackend *be;

    /* The message being received: rx_len bytes of header and payload. */
    VufMsg rx;
    size_t rx_len;
    gint64 rx_deadline;
    /* Replies not yet sent, and by when the front-end must take them. */
    GByteArray *tx;
    gint64 tx_deadline;
    /* Why the connection must end, if the front-end broke the protocol. */
    char *why;

    uint64_t acked_features;
    uint64_t acked_protocol;

    VufMemMap mem[VU_MAX_MEM_REGIONS];
    unsigned nmem;

    uint8_t *log_mmap;
    size_t log_mmap_len;
    uint64_t log_offset;        /* where the bitmap starts in the mapping */
    uint64_t log_size;          /* bytes of bitmap after the offset */
    int log_call_fd;            /* SET_LOG_FD */
    int backend_req_fd;         /* SET_BACKEND_REQ_FD */

    VufVring *vrings;
    unsigned nvrings;
    VufChain *chain;            /* data path only */
};

/* What a request handler tells the dispatcher. */
typedef enum VufResult {
    VUF_OK,             /* done; ack with 0 if need_reply */
    VUF_FAIL,           /* refused; ack with 1 if need_reply */
    VUF_REPLY,          /* the handler filled an explicit reply */
    VUF_CLOSE,          /* malformed: drop the connection */
} VufResult;

/*
 * Log
 */

static FILE *log_file;
static bool log_verbose;
static gint64 log_start;

bool vuf_log_open(const char *path, bool verbose, Error **errp)
{
    log_verbose = verbose;
    log_start = g_get_monotonic_time();
    if (!path) {
        return true;
    }
    log_file = fopen(path, "w");
    if (!log_file) {
        error_setg(errp, "cannot open log '%s': %s", path, g_strerror(errno));
        return false;
    }
    setvbuf(log_file, NULL, _IOLBF, 0);
    return true;
}

static void G_GNUC_PRINTF(2, 0) vuf_logv(bool warn, const char *fmt,
                                         va_list ap)
{
    g_autofree char *line = NULL;
    gint64 us = g_get_monotonic_time() - log_start;

    if (!log_file && !log_verbose && !warn) {
        return;
    }
    line = g_strdup_vprintf(fmt, ap);
    if (log_file) {
        fprintf(log_file, "[%6" PRId64 ".%03d] %s\n", us / 1000000,
                (int)(us % 1000000 / 1000), line);
    }
    if (log_verbose || (warn && !log_file)) {
        fprintf(stderr, "vhost-user-featmask: %s\n", line);
    }
}

void vuf_log(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vuf_logv(false, fmt, ap);
    va_end(ap);
}

void vuf_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vuf_logv(true, fmt, ap);
    va_end(ap);
}

void vuf_log_close(void)
{
    if (log_file) {
        fclose(log_file);
        log_file = NULL;
    }
}

static const char *const request_names[VU_REQUEST_MAX] = {
    [VU_GET_FEATURES] = "GET_FEATURES",
    [VU_SET_FEATURES] = "SET_FEATURES",
    [VU_SET_OWNER] = "SET_OWNER",
    [VU_RESET_OWNER] = "RESET_OWNER",
    [VU_SET_MEM_TABLE] = "SET_MEM_TABLE",
    [VU_SET_LOG_BASE] = "SET_LOG_BASE",
    [VU_SET_LOG_FD] = "SET_LOG_FD",
    [VU_SET_VRING_NUM] = "SET_VRING_NUM",
    [VU_SET_VRING_ADDR] = "SET_VRING_ADDR",
    [VU_SET_VRING_BASE] = "SET_VRING_BASE",
    [VU_GET_VRING_BASE] = "GET_VRING_BASE",
    [VU_SET_VRING_KICK] = "SET_VRING_KICK",
    [VU_SET_VRING_CALL] = "SET_VRING_CALL",
    [VU_SET_VRING_ERR] = "SET_VRING_ERR",
    [VU_GET_PROTOCOL_FEATURES] = "GET_PROTOCOL_FEATURES",
    [VU_SET_PROTOCOL_FEATURES] = "SET_PROTOCOL_FEATURES",
    [VU_GET_QUEUE_NUM] = "GET_QUEUE_NUM",
    [VU_SET_VRING_ENABLE] = "SET_VRING_ENABLE",
    [VU_SEND_RARP] = "SEND_RARP",
    [VU_NET_SET_MTU] = "NET_SET_MTU",
    [VU_SET_BACKEND_REQ_FD] = "SET_BACKEND_REQ_FD",
    [VU_IOTLB_MSG] = "IOTLB_MSG",
    [VU_SET_VRING_ENDIAN] = "SET_VRING_ENDIAN",
    [VU_GET_CONFIG] = "GET_CONFIG",
    [VU_SET_CONFIG] = "SET_CONFIG",
    [VU_GET_MAX_MEM_SLOTS] = "GET_MAX_MEM_SLOTS",
    [VU_ADD_MEM_REG] = "ADD_MEM_REG",
    [VU_REM_MEM_REG] = "REM_MEM_REG",
    [VU_SET_STATUS] = "SET_STATUS",
    [VU_GET_STATUS] = "GET_STATUS",
};

static const char *request_name(uint32_t req)
{
    if (req < VU_REQUEST_MAX && request_names[req]) {
        return request_names[req];
    }
    return "UNKNOWN";
}

/*
 * Helpers
 */

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* Move the message's only descriptor to the caller, or -1 if none. */
static int take_fd(VufMsg *m)
{
    int fd;

    if (m->nfds == 0) {
        return -1;
    }
    fd = m->fds[0];
    m->fds[0] = -1;
    return fd;
}

static bool has_protocol(const VufConn *c, VuProtocolFeature f)
{
    return c->acked_protocol & (1ull << f);
}

void vuf_conn_violation(VufConn *c, const char *fmt, ...)
{
    va_list ap;

    if (c->why) {
        return;
    }
    va_start(ap, fmt);
    c->why = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

static bool payload_at_least(VufConn *c, const VufMsg *m, size_t n)
{
    if (m->hdr.size < n) {
        vuf_conn_violation(c, "%s: payload of %u bytes, need %zu",
                           request_name(m->hdr.request), m->hdr.size, n);
        return false;
    }
    return true;
}

static VufVring *vring_get(VufConn *c, const VufMsg *m, uint32_t index)
{
    if (index >= c->nvrings) {
        vuf_log("conn %u: %s: vring %u out of range (%u vrings)", c->id,
                request_name(m->hdr.request), index, c->nvrings);
        return NULL;
    }
    return &c->vrings[index];
}

/*
 * Host pointer for @len bytes at front-end user address @uva, or NULL
 * unless all of them are inside one region.  No sum here can wrap: the
 * offset into the region is below its size, and @len is compared with
 * what is left of it.
 */
static const void *uva_to_ptr(const VufConn *c, uint64_t uva, uint64_t len)
{
    for (unsigned i = 0; i < c->nmem; i++) {
        const VuMemRegion *r = &c->mem[i].region;
        uint64_t off;

        if (uva < r->userspace_addr) {
            continue;
        }
        off = uva - r->userspace_addr;
        if (off >= r->memory_size || len > r->memory_size - off) {
            continue;
        }
        /* mmap_offset + memory_size <= mmap_len was checked at map time. */
        return c->mem[i].mmap_addr + r->mmap_offset + off;
    }
    return NULL;
}

/*
 * Reading guest memory.  The mapping was checked against the file's size,
 * but the front-end may shrink the file later: the read then raises
 * SIGBUS, which must fail this read, not end the process.
 */
static sigjmp_buf *volatile guest_read_jmp;
static struct sigaction guest_read_old_bus;

static void guest_read_sigbus(int sig, siginfo_t *si, void *uc)
{
    if (guest_read_jmp) {
        siglongjmp(*guest_read_jmp, 1);
    }
    /* Not a guest read: what would have happened without us. */
    if (guest_read_old_bus.sa_flags & SA_SIGINFO) {
        guest_read_old_bus.sa_sigaction(sig, si, uc);
    } else if (guest_read_old_bus.sa_handler != SIG_DFL &&
               guest_read_old_bus.sa_handler != SIG_IGN) {
        guest_read_old_bus.sa_handler(sig);
    } else {
        signal(SIGBUS, SIG_DFL);
        raise(SIGBUS);
    }
}

static void guest_read_install(void)
{
    static bool installed;

    if (!installed) {
        struct sigaction sa = {
            .sa_sigaction = guest_read_sigbus,
            .sa_flags = SA_SIGINFO | SA_NODEFER,
        };

        sigemptyset(&sa.sa_mask);
        sigaction(SIGBUS, &sa, &guest_read_old_bus);
        installed = true;
    }
}

static bool guest_read_u16(const uint16_t *src, uint16_t *out)
{
    /* Byte by byte: the front-end's address need not be aligned. */
    const volatile uint8_t *b = (const volatile uint8_t *)src;
    sigjmp_buf jmp;
    uint16_t v;

    guest_read_install();
    if (sigsetjmp(jmp, 1)) {
        guest_read_jmp = NULL;
        return false;
    }
    /* Volatile on both sides: the reads stay between the two stores. */
    guest_read_jmp = &jmp;
    v = b[0] | b[1] << 8;
    guest_read_jmp = NULL;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    *out = v;
    return true;
}

/* The driver's or device's free-running index of a split ring, or -1. */
static int ring_idx(const VufConn *c, uint64_t ring_uva)
{
    const uint16_t *p;
    uint16_t v;

    if (c->acked_features & ((1ull << VU_F_ACCESS_PLATFORM) |
                             (1ull << VU_F_RING_PACKED))) {
        /* IOVAs need the IOTLB; packed rings have no such index. */
        return -1;
    }
    if (ring_uva > UINT64_MAX - VU_RING_IDX_OFFSET) {
        return -1;
    }
    p = uva_to_ptr(c, ring_uva + VU_RING_IDX_OFFSET, sizeof(*p));
    if (!p) {
        return -1;
    }
    if (!guest_read_u16(p, &v)) {
        vuf_log("conn %u: guest memory at 0x%" PRIx64 " unreadable (its "
                "file shrank?)", c->id, ring_uva + VU_RING_IDX_OFFSET);
        return -1;
    }
    return v;
}

/*
 * Map @size bytes at @offset of @fd (from offset 0, as hugetlbfs needs
 * aligned offsets), after checking that the sum cannot wrap and that the
 * file really has those bytes: touching a page beyond its end would be a
 * SIGBUS.  Returns the mapping of @offset + @size bytes, or NULL with
 * *@why set.
 */
static void *map_checked(int fd, uint64_t offset, uint64_t size, int prot,
                         size_t *len, char **why)
{
    struct stat st;
    uint64_t end;
    void *p;

    if (size == 0) {
        *why = g_strdup("size 0");
        return NULL;
    }
    if (__builtin_add_overflow(offset, size, &end) || end > SIZE_MAX) {
        *why = g_strdup_printf("mmap_offset 0x%" PRIx64 " + size 0x%"
                               PRIx64 " overflows", offset, size);
        return NULL;
    }
    if (fstat(fd, &st) < 0) {
        *why = g_strdup_printf("fstat: %s", g_strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *why = g_strdup("the descriptor is not a regular file or memfd");
        return NULL;
    }
    if (end > (uint64_t)st.st_size) {
        *why = g_strdup_printf("0x%" PRIx64 " bytes at offset 0x%" PRIx64
                               " reach beyond the end of its file (0x%"
                               PRIx64 " bytes)", size, offset,
                               (uint64_t)st.st_size);
        return NULL;
    }
    p = mmap(NULL, end, prot, MAP_SHARED | MAP_NORESERVE, fd, 0);
    if (p == MAP_FAILED) {
        *why = g_strdup_printf("mmap of 0x%" PRIx64 " bytes: %s", end,
                               g_strerror(errno));
        return NULL;
    }
    *len = end;
    return p;
}

static void mem_unmap(VufConn *c)
{
    for (unsigned i = 0; i < c->nmem; i++) {
        munmap(c->mem[i].mmap_addr, c->mem[i].mmap_len);
    }
    c->nmem = 0;
}

static void log_unmap(VufConn *c)
{
    if (c->log_mmap) {
        munmap(c->log_mmap, c->log_mmap_len);
        c->log_mmap = NULL;
        c->log_mmap_len = 0;
        c->log_offset = 0;
        c->log_size = 0;
    }
}

static void vrings_reset(VufConn *c)
{
    for (unsigned i = 0; i < c->nvrings; i++) {
        VufVring *vr = &c->vrings[i];

        close_fd(&vr->kick_fd);
        close_fd(&vr->call_fd);
        close_fd(&vr->err_fd);
        memset(vr, 0, sizeof(*vr));
        vr->kick_fd = vr->call_fd = vr->err_fd = -1;
    }
}

/*
 * The data path (blk with a disk image): split rings, served when
 * kicked.  Descriptors, indexes and buffers are the guest's: each is
 * checked before use, and a ring that breaks the rules stops (the guest
 * driver's requests on it then never complete; other rings and
 * connections go on).
 */

#define VRING_DESC_F_NEXT       1
#define VRING_DESC_F_WRITE      2
#define VRING_DESC_F_INDIRECT   4
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VU_F_EVENT_IDX          29      /* VIRTIO_RING_F_EVENT_IDX */

typedef struct VringDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VringDesc;

/*
 * Append @len bytes at guest physical address @gpa to @iov (and their
 * addresses to @gpas, if not NULL), split where regions meet.  False if
 * a byte is outside guest memory or more than @max entries are needed.
 */
static bool gpa_to_iov(const VufConn *c, uint64_t gpa, uint64_t len,
                       struct iovec *iov, uint64_t *gpas, unsigned *n,
                       unsigned max)
{
    while (len) {
        const VufMemMap *m = NULL;
        uint64_t off = 0, take;

        for (unsigned i = 0; i < c->nmem && !m; i++) {
            const VuMemRegion *r = &c->mem[i].region;

            if (gpa >= r->guest_phys_addr &&
                gpa - r->guest_phys_addr < r->memory_size) {
                m = &c->mem[i];
                off = gpa - r->guest_phys_addr;
            }
        }
        if (!m || *n == max) {
            return false;
        }
        /* guest_phys_addr + memory_size cannot wrap (region_check). */
        take = MIN(len, m->region.memory_size - off);
        iov[*n].iov_base = m->mmap_addr + m->region.mmap_offset + off;
        iov[*n].iov_len = take;
        if (gpas) {
            gpas[*n] = gpa;
        }
        (*n)++;
        gpa += take;
        len -= take;
    }
    return true;
}

/* Mark @len bytes at @gpa dirty, while the front-end logs (migration). */
static void log_dirty(VufConn *c, uint64_t gpa, uint64_t len)
{
    uint8_t *bitmap;
    uint64_t page, last;

    if (!len || !c->log_mmap ||
        !(c->acked_features & (1ull << VU_F_LOG_ALL)) ||
        gpa > UINT64_MAX - (len - 1)) {
        return;
    }
    bitmap = c->log_mmap + c->log_offset;
    last = (gpa + len - 1) / VU_LOG_PAGE;
    for (page = gpa / VU_LOG_PAGE; page <= last; page++) {
        if (page / 8 >= c->log_size) {
            vuf_log("conn %u: dirty page at 0x%" PRIx64 " beyond the log",
                    c->id, page * VU_LOG_PAGE);
            return;
        }
        __atomic_fetch_or(&bitmap[page / 8], 1u << (page % 8),
                          __ATOMIC_RELAXED);
    }
}

/* The used ring's bytes at @off were written. */
static void log_used(VufConn *c, const VufVring *vr, uint64_t off,
                     uint64_t len)
{
    if (vr->addr.flags & VU_VRING_F_LOG &&
        vr->addr.log_guest_addr <= UINT64_MAX - off) {
        log_dirty(c, vr->addr.log_guest_addr + off, len);
    }
}

/*
 * Signal the eventfd @fd.  The front-end chose the descriptor: one that
 * is not writable now (a full pipe) is skipped rather than waited for,
 * since every front-end shares this process.
 */
static void eventfd_kick(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    uint64_t one = 1;

    if (fd < 0 || poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT)) {
        return;
    }
    if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
        vuf_log("eventfd write: %s", g_strerror(errno));
    }
}

static bool vring_runs(const VufConn *c, const VufVring *vr)
{
    return c->be->disk && vr->started && vr->enabled && vr->addr_set &&
           vr->num && !vr->broken && c->nmem &&
           !(c->acked_features & ((1ull << VU_F_ACCESS_PLATFORM) |
                                  (1ull << VU_F_RING_PACKED)));
}

static void vring_stop(VufConn *c, VufVring *vr, unsigned index,
                       const char *why)
{
    vuf_log("conn %u: vring %u: %s: ring stopped", c->id, index, why);
    vr->broken = true;
}

/*
 * Gather the chain at @head into c->chain: device-readable buffers, then
 * device-writable ones, through at most one indirect table.  NULL on
 * success, else why the chain is bad.  Each descriptor counts, even one
 * of length 0: a chain ends within VUF_BLK_MAX_SEGS of them, whatever
 * the size of its table.
 */
static const char *chain_gather(VufConn *c, const VufVring *vr,
                                const VringDesc *table, uint16_t head)
{
    VufChain *ch = c->chain;
    unsigned max = vr->num, i = head, count = 0;
    bool indirect = false;

    ch->nout = ch->nin = ch->ndesc = 0;
    if (head >= max) {
        return "head descriptor out of range";
    }
    for (;;) {
        VringDesc d;
        struct iovec t;
        unsigned n = 0;

        if (count++ == max) {
            return "descriptor loop";
        }
        if (ch->ndesc++ == VUF_BLK_MAX_SEGS) {
            return "chain longer than " G_STRINGIFY(VUF_BLK_MAX_SEGS)
                   " descriptors";
        }
        memcpy(&d, &table[i], sizeof(d));
        d.addr = GUINT64_FROM_LE(d.addr);
        d.len = GUINT32_FROM_LE(d.len);
        d.flags = GUINT16_FROM_LE(d.flags);
        d.next = GUINT16_FROM_LE(d.next);
        if (d.flags & VRING_DESC_F_INDIRECT) {
            if (indirect || d.flags & VRING_DESC_F_NEXT ||
                !d.len || d.len % sizeof(VringDesc) ||
                !gpa_to_iov(c, d.addr, d.len, &t, NULL, &n, 1)) {
                return "bad indirect descriptor";
            }
            table = t.iov_base;
            max = d.len / sizeof(VringDesc);
            i = count = 0;
            ch->ndesc--;
            indirect = true;
            continue;
        }
        if (d.flags & VRING_DESC_F_WRITE) {
            if (!gpa_to_iov(c, d.addr, d.len, ch->in, ch->in_gpa, &ch->nin,
                            VUF_BLK_MAX_SEGS)) {
                return "writable buffer outside guest memory (or too many)";
            }
        } else if (ch->nin) {
            return "readable buffer after a writable one";
        } else if (!gpa_to_iov(c, d.addr, d.len, ch->out, NULL, &ch->nout,
                               VUF_BLK_MAX_SEGS)) {
            return "readable buffer outside guest memory (or too many)";
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            return NULL;
        }
        i = d.next;
        if (i >= max) {
            return "next descriptor out of range";
        }
    }
}

/* Serve the request at @head; its used length in *@len. */
static const char *chain_serve(VufConn *c, const VufVring *vr,
                               const VringDesc *desc, uint16_t head,
                               uint32_t *len)
{
    VufChain *ch = c->chain;
    const char *why = chain_gather(c, vr, desc, head);
    VufBlkResult res;
    size_t left;

    if (why) {
        return why;
    }
    if (!vuf_blk_request(c->be->disk, c->acked_features, ch->ndesc,
                         ch->out, ch->nout, ch->in, ch->nin, &res)) {
        return "request without a header or a status byte";
    }
    /* What was written: the data from the start, the status at the end. */
    left = res.dirty;
    for (unsigned i = 0; i < ch->nin && left; i++) {
        size_t n = MIN(left, ch->in[i].iov_len);

        log_dirty(c, ch->in_gpa[i], n);
        left -= n;
    }
    for (unsigned i = ch->nin; i-- > 0;) {
        if (ch->in[i].iov_len) {
            log_dirty(c, ch->in_gpa[i] + ch->in[i].iov_len - 1, 1);
            break;
        }
    }
    *len = res.used;
    return NULL;
}

static void vring_serve(VufConn *c, VufVring *vr, unsigned index)
{
    const bool event_idx = c->acked_features & (1ull << VU_F_EVENT_IDX);
    const unsigned num = vr->num;
    /* avail: flags, idx, ring[num], used_event */
    volatile uint16_t *avail = (volatile uint16_t *)uva_to_ptr(
        c, vr->addr.avail_user_addr, 2 * (3 + (uint64_t)num));
    /* used: flags, idx, ring[num] of { id, len }, avail_event */
    volatile uint8_t *used = (volatile uint8_t *)uva_to_ptr(
        c, vr->addr.used_user_addr, 6 + 8 * (uint64_t)num);
    const VringDesc *desc = uva_to_ptr(c, vr->addr.desc_user_addr,
                                       sizeof(VringDesc) * (uint64_t)num);
    const uint64_t avail_event_off = 4 + 8 * (uint64_t)num;
    uint16_t old_used = vr->used_idx;
    unsigned served = 0;
    bool notify;

    if (!avail || !used || !desc) {
        vring_stop(c, vr, index, "ring outside guest memory");
        return;
    }
    for (;;) {
        uint16_t avail_idx = GUINT16_FROM_LE(avail[1]);
        uint16_t head;
        uint32_t len, elem[2];
        uint16_t idx;
        const char *why;

        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (avail_idx == (uint16_t)vr->base) {
            if (!event_idx) {
                break;
            }
            /* Ask for a kick at the next request, then look again. */
            idx = GUINT16_TO_LE((uint16_t)vr->base);
            memcpy((uint8_t *)used + avail_event_off, &idx, 2);
            log_used(c, vr, avail_event_off, 2);
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            if (GUINT16_FROM_LE(avail[1]) == (uint16_t)vr->base) {
                break;
            }
            continue;
        }
        if ((uint16_t)(avail_idx - vr->base) > num) {
            vring_stop(c, vr, index, "avail index runs ahead of the ring");
            break;
        }
        if (served == num) {
            /* Fair to other rings: come back through the poll loop. */
            eventfd_kick(vr->kick_fd);
            break;
        }
        head = GUINT16_FROM_LE(avail[2 + (uint16_t)vr->base % num]);
        why = chain_serve(c, vr, desc, head, &len);
        if (why) {
            vring_stop(c, vr, index, why);
            break;
        }
        elem[0] = GUINT32_TO_LE(head);
        elem[1] = GUINT32_TO_LE(len);
        memcpy((uint8_t *)used + 4 + 8 * (vr->used_idx % num), elem, 8);
        log_used(c, vr, 4 + 8 * (vr->used_idx % num), 8);
        vr->base = (uint16_t)(vr->base + 1);
        vr->used_idx++;
        __atomic_thread_fence(__ATOMIC_RELEASE);
        idx = GUINT16_TO_LE(vr->used_idx);
        memcpy((uint8_t *)used + 2, &idx, 2);
        log_used(c, vr, 2, 2);
        served++;
    }
    if (!served) {
        return;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (event_idx) {
        uint16_t used_event = GUINT16_FROM_LE(avail[2 + num]);

        /* vring_need_event() of the virtio specification */
        notify = (uint16_t)(vr->used_idx - used_event - 1) <
                 (uint16_t)(vr->used_idx - old_used);
    } else {
        notify = !(GUINT16_FROM_LE(avail[0]) & VRING_AVAIL_F_NO_INTERRUPT);
    }
    if (notify) {
        eventfd_kick(vr->call_fd);
    }
    if (c->acked_features & (1ull << VU_F_LOG_ALL)) {
        eventfd_kick(c->log_call_fd);
    }
}

/* Serve ring @index if it runs; guest memory that vanishes stops it. */
static void vring_process(VufConn *c, unsigned index)
{
    VufVring *vr = &c->vrings[index];
    sigjmp_buf jmp;

    if (!vring_runs(c, vr)) {
        return;
    }
    guest_read_install();
    if (sigsetjmp(jmp, 1)) {
        guest_read_jmp = NULL;
        vring_stop(c, vr, index, "guest memory unreadable (its file "
                   "shrank?)");
        return;
    }
    guest_read_jmp = &jmp;
    vring_serve(c, vr, index);
    guest_read_jmp = NULL;
}

void vuf_conn_kick_pollfds(const VufConn *c, GArray *pfds)
{
    for (unsigned i = 0; i < c->nvrings; i++) {
        const VufVring *vr = &c->vrings[i];

        if (vr->kick_fd >= 0 && vring_runs(c, vr)) {
            struct pollfd p = { .fd = vr->kick_fd, .events = POLLIN };

            g_array_append_val(pfds, p);
        }
    }
}

void vuf_conn_kicked(VufConn *c, const struct pollfd *pfd)
{
    for (unsigned i = 0; i < c->nvrings; i++) {
        VufVring *vr = &c->vrings[i];
        uint64_t v;

        if (vr->kick_fd != pfd->fd || !vring_runs(c, vr)) {
            continue;
        }
        ssize_t r;

        /*
         * Not an eventfd, or a broken one (a pipe whose writer went
         * away): stop the ring rather than spin on it.  errno means
         * something only after a failed read().
         */
        if (pfd->revents & (POLLERR | POLLHUP | POLLNVAL)) {
            vring_stop(c, vr, i, "kick descriptor broken");
            continue;
        }
        r = read(vr->kick_fd, &v, sizeof(v));
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
            vring_stop(c, vr, i, "kick descriptor broken");
            continue;
        }
        vring_process(c, i);
    }
}

/*
 * Requests
 */

static VufResult reply_u64(VufMsg *reply, uint64_t v)
{
    reply->payload.u64 = v;
    reply->hdr.size = sizeof(v);
    return VUF_REPLY;
}

static VufResult do_get_features(VufConn *c, VufMsg *m, VufMsg *reply)
{
    vuf_log("conn %u: GET_FEATURES -> 0x%016" PRIx64, c->id,
            c->be->features.offered);
    return reply_u64(reply, c->be->features.offered);
}

static VufResult do_set_features(VufConn *c, VufMsg *m, VufMsg *reply)
{
    const uint64_t vhost_bits = (1ull << VU_F_LOG_ALL) |
                                (1ull << VU_F_PROTOCOL_FEATURES);
    const FeatmaskMap *map = c->be->features.map;
    uint64_t v, extra;
    g_autofree char *names = NULL;

    if (!payload_at_least(c, m, sizeof(uint64_t))) {
        return VUF_CLOSE;
    }
    v = m->payload.u64;
    extra = v & ~c->be->features.offered;
    if (extra) {
        g_autofree char *bad = vuf_features_names(map, extra);

        vuf_log("conn %u: SET_FEATURES 0x%016" PRIx64 " refused: not "
                "offered: %s", c->id, v, bad);
        return VUF_FAIL;
    }
    c->acked_features = v;
    names = vuf_features_names(map, v & ~vhost_bits);
    vuf_log("conn %u: SET_FEATURES 0x%016" PRIx64 " log_all=%s", c->id, v,
            (v & (1ull << VU_F_LOG_ALL)) ? "on" : "off");
    vuf_log("conn %u: acked-features 0x%016" PRIx64 " %s", c->id,
            v & ~vhost_bits, names);

    if (!(v & (1ull << VU_F_PROTOCOL_FEATURES))) {
        /* Without protocol features there is no SET_VRING_ENABLE. */
        for (unsigned i = 0; i < c->nvrings; i++) {
            c->vrings[i].enabled = true;
        }
    }
    return VUF_OK;
}

static VufResult do_get_protocol_features(VufConn *c, VufMsg *m,
                                          VufMsg *reply)
{
    vuf_log("conn %u: GET_PROTOCOL_FEATURES -> 0x%" PRIx64, c->id,
            c->be->protocol_features);
    return reply_u64(reply, c->be->protocol_features);
}

static VufResult do_set_protocol_features(VufConn *c, VufMsg *m,
                                          VufMsg *reply)
{
    uint64_t v;

    if (!payload_at_least(c, m, sizeof(uint64_t))) {
        return VUF_CLOSE;
    }
    v = m->payload.u64;
    if (v & ~c->be->protocol_features) {
        vuf_log("conn %u: SET_PROTOCOL_FEATURES 0x%" PRIx64 " refused: "
                "0x%" PRIx64 " not offered", c->id, v,
                v & ~c->be->protocol_features);
        return VUF_FAIL;
    }
    c->acked_protocol = v;
    vuf_log("conn %u: SET_PROTOCOL_FEATURES 0x%" PRIx64 "%s%s%s", c->id, v,
            has_protocol(c, VU_PROTOCOL_F_LOG_SHMFD) ? " log_shmfd" : "",
            has_protocol(c, VU_PROTOCOL_F_REPLY_ACK) ? " reply_ack" : "",
            has_protocol(c, VU_PROTOCOL_F_MQ) ? " mq" : "");
    return VUF_OK;
}

static VufResult do_get_queue_num(VufConn *c, VufMsg *m, VufMsg *reply)
{
    vuf_log("conn %u: GET_QUEUE_NUM -> %u", c->id, c->be->queues);
    return reply_u64(reply, c->be->queues);
}

static VufResult do_set_owner(VufConn *c, VufMsg *m, VufMsg *reply)
{
    vuf_log("conn %u: %s", c->id, request_name(m->hdr.request));
    if (m->hdr.request == VU_RESET_OWNER) {
        /* Deprecated; the protocol suggests disabling the rings. */
        for (unsigned i = 0; i < c->nvrings; i++) {
            c->vrings[i].enabled = false;
        }
    }
    return VUF_OK;
}

/* Refuse a region whose numbers make no sense; NULL if it is fine. */
static char *region_check(const VuMemRegion *r)
{
    uint64_t end;

    if (__builtin_add_overflow(r->userspace_addr, r->memory_size, &end) ||
        __builtin_add_overflow(r->guest_phys_addr, r->memory_size, &end)) {
        return g_strdup_printf("address + memory_size 0x%" PRIx64
                               " overflows", r->memory_size);
    }
    if (__builtin_add_overflow(r->mmap_offset, r->memory_size, &end)) {
        return g_strdup_printf("mmap_offset 0x%" PRIx64 " + memory_size 0x%"
                               PRIx64 " overflows", r->mmap_offset,
                               r->memory_size);
    }
    return NULL;
}

static VufResult do_set_mem_table(VufConn *c, VufMsg *m, VufMsg *reply)
{
    const VuMemTable *t = &m->payload.mem;
    VufMemMap maps[VU_MAX_MEM_REGIONS];
    uint64_t total = 0;
    unsigned n;

    if (!payload_at_least(c, m, offsetof(VuMemTable, regions))) {
        return VUF_CLOSE;
    }
    n = t->nregions;
    if (n > VU_MAX_MEM_REGIONS || n != m->nfds) {
        vuf_conn_violation(c, "SET_MEM_TABLE: %u regions with %zu "
                           "descriptors", n, m->nfds);
        return VUF_CLOSE;
    }
    if (!payload_at_least(c, m, offsetof(VuMemTable, regions) +
                                n * sizeof(VuMemRegion))) {
        return VUF_CLOSE;
    }

    /* Map everything first, so that a failure leaves the old table. */
    for (unsigned i = 0; i < n; i++) {
        const VuMemRegion *r = &t->regions[i];
        g_autofree char *why = region_check(r);
        void *p = NULL;

        if (!why && __builtin_add_overflow(total, r->memory_size, &total)) {
            total = UINT64_MAX;
        }
        if (!why && total > VUF_MAX_GUEST_MEM) {
            why = g_strdup_printf("more than 0x%llx bytes of guest memory",
                                  VUF_MAX_GUEST_MEM);
        }
        if (!why) {
            /* The data path writes what it reads from the disk. */
            p = map_checked(m->fds[i], r->mmap_offset, r->memory_size,
                            c->be->disk ? PROT_READ | PROT_WRITE : PROT_READ,
                            &maps[i].mmap_len, &why);
        }
        if (!p) {
            vuf_log("conn %u: SET_MEM_TABLE: region %u (uva 0x%" PRIx64
                    " size 0x%" PRIx64 " offset 0x%" PRIx64 ") refused: %s",
                    c->id, i, r->userspace_addr, r->memory_size,
                    r->mmap_offset, why);
            while (i-- > 0) {
                munmap(maps[i].mmap_addr, maps[i].mmap_len);
            }
            return VUF_FAIL;
        }
        maps[i].region = *r;
        maps[i].mmap_addr = p;
    }

    mem_unmap(c);
    memcpy(c->mem, maps, n * sizeof(maps[0]));
    c->nmem = n;
    vuf_log("conn %u: SET_MEM_TABLE %u regions", c->id, n);
    for (unsigned i = 0; i < n; i++) {
        const VuMemRegion *r = &c->mem[i].region;

        vuf_log("conn %u:   gpa 0x%" PRIx64 " size 0x%" PRIx64 " uva 0x%"
                PRIx64 " offset 0x%" PRIx64, c->id, r->guest_phys_addr,
                r->memory_size, r->userspace_addr, r->mmap_offset);
    }
    /* The mappings keep the memory; the fds are closed by the caller. */
    return VUF_OK;
}

static VufResult do_set_log_base(VufConn *c, VufMsg *m, VufMsg *reply)
{
    const VuLog *l = &m->payload.log;
    g_autofree char *why = NULL;
    int fd;
    size_t len;
    void *p;

    if (!has_protocol(c, VU_PROTOCOL_F_LOG_SHMFD)) {
        /* A log in the front-end's private memory: nothing to share. */
        vuf_log("conn %u: SET_LOG_BASE without log_shmfd ignored", c->id);
        return VUF_OK;
    }
    if (!payload_at_least(c, m, sizeof(*l))) {
        return VUF_CLOSE;
    }
    fd = take_fd(m);
    if (fd < 0) {
        vuf_conn_violation(c, "SET_LOG_BASE without a descriptor");
        return VUF_CLOSE;
    }
    p = map_checked(fd, l->mmap_offset, l->mmap_size,
                    PROT_READ | PROT_WRITE, &len, &why);
    close(fd);
    /* The front-end waits for this reply whatever it says. */
    reply->hdr.request = VU_SET_LOG_BASE;
    if (!p) {
        vuf_log("conn %u: SET_LOG_BASE (size 0x%" PRIx64 " offset 0x%"
                PRIx64 ") refused: %s", c->id, l->mmap_size, l->mmap_offset,
                why);
        return reply_u64(reply, 1);
    }
    log_unmap(c);
    c->log_mmap = p;
    c->log_mmap_len = len;
    c->log_offset = l->mmap_offset;
    c->log_size = l->mmap_size;
    vuf_log("conn %u: SET_LOG_BASE size 0x%" PRIx64 " offset 0x%" PRIx64
            " (covers %" PRIu64 " MiB of guest memory)", c->id, l->mmap_size,
            l->mmap_offset, l->mmap_size / ((1 << 20) / (8 * VU_LOG_PAGE)));
    return reply_u64(reply, 0);
}

/* Keep the descriptor a request carries in @slot, replacing the old one. */
static VufResult keep_fd(VufConn *c, VufMsg *m, int *slot, const char *what)
{
    int fd = take_fd(m);

    if (fd < 0) {
        vuf_log("conn %u: %s without a descriptor", c->id, what);
        return VUF_FAIL;
    }
    close_fd(slot);
    *slot = fd;
    vuf_log("conn %u: %s", c->id, what);
    return VUF_OK;
}

static VufResult do_set_log_fd(VufConn *c, VufMsg *m, VufMsg *reply)
{
    return keep_fd(c, m, &c->log_call_fd, "SET_LOG_FD");
}

/* The ring a request with a vring state payload is about. */
static VufResult state_vring(VufConn *c, const VufMsg *m, VufVring **vr)
{
    if (!payload_at_least(c, m, sizeof(VuVringState))) {
        return VUF_CLOSE;
    }
    *vr = vring_get(c, m, m->payload.state.index);
    return *vr ? VUF_OK : VUF_FAIL;
}

static VufResult do_set_vring_num(VufConn *c, VufMsg *m, VufMsg *reply)
{
    VufVring *vr;
    VufResult res = state_vring(c, m, &vr);

    if (res != VUF_OK) {
        return res;
    }
    /* A split ring's size is a power of 2; a packed one's need not be. */
    if (m->payload.state.num == 0 || m->payload.state.num > 32768 ||
        (!(c->acked_features & (1ull << VU_F_RING_PACKED)) &&
         m->payload.state.num & (m->payload.state.num - 1))) {
        vuf_log("conn %u: SET_VRING_NUM %u: bad size %u", c->id,
                m->payload.state.index, m->payload.state.num);
        return VUF_FAIL;
    }
    vr->num = m->payload.state.num;
    vuf_log("conn %u: SET_VRING_NUM vring %u num %u", c->id,
            m->payload.state.index, vr->num);
    return VUF_OK;
}

static VufResult do_set_vring_addr(VufConn *c, VufMsg *m, VufMsg *reply)
{
    const VuVringAddr *a = &m->payload.addr;
    VufVring *vr;
    bool log = a->flags & VU_VRING_F_LOG;

    if (!payload_at_least(c, m, sizeof(*a))) {
        return VUF_CLOSE;
    }
    vr = vring_get(c, m, a->index);
    if (!vr) {
        return VUF_FAIL;
    }
    if (log && !c->log_mmap) {
        /* Writes to the used ring before then are not logged. */
        vuf_log("conn %u: SET_VRING_ADDR vring %u: logging asked before "
                "SET_LOG_BASE", c->id, a->index);
    }
    vr->addr = *a;
    vr->addr_set = true;
    vuf_log("conn %u: SET_VRING_ADDR vring %u desc 0x%" PRIx64 " used 0x%"
            PRIx64 " avail 0x%" PRIx64 " log %s 0x%" PRIx64, c->id, a->index,
            a->desc_user_addr, a->used_user_addr, a->avail_user_addr,
            log ? "on" : "off", a->log_guest_addr);
    return VUF_OK;
}

static VufResult do_set_vring_base(VufConn *c, VufMsg *m, VufMsg *reply)
{
    VufVring *vr;
    VufResult res = state_vring(c, m, &vr);

    if (res != VUF_OK) {
        return res;
    }
    vr->base = m->payload.state.num;
    /* Every request before base was completed: used caught up. */
    vr->used_idx = vr->base;
    vr->broken = false;
    vuf_log("conn %u: SET_VRING_BASE vring %u base 0x%x", c->id,
            m->payload.state.index, vr->base);
    return VUF_OK;
}

static VufResult do_get_vring_base(VufConn *c, VufMsg *m, VufMsg *reply)
{
    uint32_t index;
    VufVring *vr;
    int avail = -1, used = -1;

    if (state_vring(c, m, &vr) != VUF_OK) {
        /* The front-end waits for an answer: do not leave it hanging. */
        vuf_conn_violation(c, "GET_VRING_BASE: vring %u out of range (%u "
                           "vrings)", m->payload.state.index, c->nvrings);
        return VUF_CLOSE;
    }
    index = m->payload.state.index;

    /*
     * The ring stops here.  base is the next descriptor to process: the
     * data path completes every request it takes, so the used index
     * equals it; without one nothing was consumed since SET_VRING_BASE.
     * The destination's checks (avail idx - base <= num, base - used idx
     * <= num) hold because the driver cannot run more than num ahead of
     * the used index.
     */
    vr->started = false;
    close_fd(&vr->kick_fd);
    if (vr->addr_set) {
        avail = ring_idx(c, vr->addr.avail_user_addr);
        used = ring_idx(c, vr->addr.used_user_addr);
    }
    if (avail >= 0 && used >= 0) {
        uint16_t pending = (uint16_t)(avail - vr->base);
        uint16_t inuse = (uint16_t)(vr->base - used);

        vuf_log("conn %u: GET_VRING_BASE vring %u -> 0x%x (avail idx %d, "
                "used idx %d, num %u)", c->id, index, vr->base, avail, used,
                vr->num);
        if (vr->num && (pending > vr->num || inuse > vr->num)) {
            vuf_log("conn %u: vring %u: base 0x%x inconsistent with the "
                    "ring (avail idx %d, used idx %d, num %u)", c->id, index,
                    vr->base, avail, used, vr->num);
        }
    } else {
        vuf_log("conn %u: GET_VRING_BASE vring %u -> 0x%x", c->id, index,
                vr->base);
    }

    reply->payload.state.index = index;
    reply->payload.state.num = vr->base;
    reply->hdr.size = sizeof(VuVringState);
    return VUF_REPLY;
}

static VufResult do_set_vring_fd(VufConn *c, VufMsg *m, VufMsg *reply)
{
    uint64_t v;
    uint32_t index;
    VufVring *vr;
    int fd, *slot;

    if (!payload_at_least(c, m, sizeof(uint64_t))) {
        return VUF_CLOSE;
    }
    v = m->payload.u64;
    index = v & VU_VRING_IDX_MASK;
    vr = vring_get(c, m, index);
    if (!vr) {
        return VUF_FAIL;
    }
    fd = (v & VU_VRING_NOFD) ? -1 : take_fd(m);
    switch (m->hdr.request) {
    case VU_SET_VRING_KICK:
        slot = &vr->kick_fd;
        /* Started by the kick fd (or polling when there is none). */
        vr->started = true;
        break;
    case VU_SET_VRING_CALL:
        slot = &vr->call_fd;
        break;
    default:
        slot = &vr->err_fd;
        break;
    }
    close_fd(slot);
    *slot = fd;
    vuf_log("conn %u: %s vring %u%s", c->id, request_name(m->hdr.request),
            index, fd < 0 ? " (no fd)" : "");
    /* Requests the driver queued before the ring started. */
    vring_process(c, index);
    return VUF_OK;
}

static VufResult do_set_vring_enable(VufConn *c, VufMsg *m, VufMsg *reply)
{
    VufVring *vr;
    VufResult res = state_vring(c, m, &vr);

    if (res != VUF_OK) {
        return res;
    }
    vr->enabled = m->payload.state.num != 0;
    vuf_log("conn %u: SET_VRING_ENABLE vring %u %s", c->id,
            m->payload.state.index, vr->enabled ? "on" : "off");
    vring_process(c, m->payload.state.index);
    return VUF_OK;
}

static VufResult do_send_rarp(VufConn *c, VufMsg *m, VufMsg *reply)
{
    const uint8_t *mac = m->payload.raw;

    if (!payload_at_least(c, m, 6)) {
        return VUF_CLOSE;
    }
    /* No data path: a real switch would announce the MAC here. */
    vuf_log("conn %u: SEND_RARP %02x:%02x:%02x:%02x:%02x:%02x (not sent)",
            c->id, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    return VUF_OK;
}

static VufResult do_net_set_mtu(VufConn *c, VufMsg *m, VufMsg *reply)
{
    if (!payload_at_least(c, m, sizeof(uint64_t))) {
        return VUF_CLOSE;
    }
    vuf_log("conn %u: NET_SET_MTU %" PRIu64, c->id, m->payload.u64);
    return m->payload.u64 >= 68 && m->payload.u64 <= 65535 ? VUF_OK
                                                           : VUF_FAIL;
}

static VufResult do_set_backend_req_fd(VufConn *c, VufMsg *m, VufMsg *reply)
{
    /* Kept open for the connection's life; this backend never asks. */
    return keep_fd(c, m, &c->backend_req_fd, "SET_BACKEND_REQ_FD");
}

static VufResult do_iotlb_msg(VufConn *c, VufMsg *m, VufMsg *reply)
{
    const VuIotlb *t = &m->payload.iotlb;

    if (!payload_at_least(c, m, offsetof(VuIotlb, type) + 1)) {
        return VUF_CLOSE;
    }
    /* Nothing is translated: this backend never touches guest buffers. */
    vuf_log("conn %u: IOTLB_MSG type %u iova 0x%" PRIx64 " size 0x%" PRIx64,
            c->id, t->type, t->iova, t->size);
    return reply_u64(reply, 0);
}

/* Offsets in struct virtio_blk_config (virtio 1.2, 5.2.4). */
#define BLK_CFG_CAPACITY        0
#define BLK_CFG_SIZE_MAX        8
#define BLK_CFG_SEG_MAX         12
#define BLK_CFG_BLK_SIZE        20
#define BLK_CFG_MIN_IO_SIZE     26
#define BLK_CFG_NUM_QUEUES      34
#define BLK_CFG_MAX_DISCARD     36
#define BLK_CFG_DISCARD_SEG     40
#define BLK_CFG_DISCARD_ALIGN   44
#define BLK_CFG_MAX_WZEROES     48
#define BLK_CFG_WZEROES_SEG     52
#define BLK_CFG_SIZE            60

static void put_le(uint8_t *cfg, size_t len, size_t off, uint64_t v,
                   size_t n)
{
    for (size_t i = 0; i < n && off + i < len; i++) {
        cfg[off + i] = v >> (8 * i);
    }
}

/* The disk's config space: a sparse disk with 512-byte sectors. */
static void blk_config(const VufBackend *be, uint8_t *cfg, size_t len)
{
    memset(cfg, 0, len);
    put_le(cfg, len, BLK_CFG_CAPACITY, be->blk_capacity, 8);
    put_le(cfg, len, BLK_CFG_SIZE_MAX, VUF_BLK_SIZE_MAX, 4);
    put_le(cfg, len, BLK_CFG_SEG_MAX, VUF_BLK_SEG_MAX, 4);
    put_le(cfg, len, BLK_CFG_BLK_SIZE, 512, 4);
    put_le(cfg, len, BLK_CFG_MIN_IO_SIZE, 1, 2);
    put_le(cfg, len, BLK_CFG_NUM_QUEUES, be->queues, 2);
    put_le(cfg, len, BLK_CFG_MAX_DISCARD, 32768, 4);
    put_le(cfg, len, BLK_CFG_DISCARD_SEG, 1, 4);
    put_le(cfg, len, BLK_CFG_DISCARD_ALIGN, 1, 4);
    put_le(cfg, len, BLK_CFG_MAX_WZEROES, 32768, 4);
    put_le(cfg, len, BLK_CFG_WZEROES_SEG, 1, 4);
}

/* GET_CONFIG / SET_CONFIG payload: offset, size, flags, then the bytes. */
#define VU_CONFIG_HDR_SIZE      12

static VufResult do_get_config(VufConn *c, VufMsg *m, VufMsg *reply)
{
    uint32_t off, size;
    uint8_t cfg[VU_MAX_PAYLOAD];

    if (!payload_at_least(c, m, VU_CONFIG_HDR_SIZE)) {
        return VUF_CLOSE;
    }
    memcpy(&off, m->payload.raw, 4);
    memcpy(&size, m->payload.raw + 4, 4);
    memcpy(reply->payload.raw, m->payload.raw, VU_CONFIG_HDR_SIZE);
    if (!c->be->blk ||
        (uint64_t)off + size > VU_MAX_PAYLOAD - VU_CONFIG_HDR_SIZE) {
        /* A zero-sized reply is the protocol's way to say "error". */
        vuf_log("conn %u: GET_CONFIG offset %u size %u refused", c->id, off,
                size);
        reply->hdr.size = 0;
        return VUF_REPLY;
    }
    blk_config(c->be, cfg, off + size);
    memcpy(reply->payload.raw + VU_CONFIG_HDR_SIZE, cfg + off, size);
    reply->hdr.size = VU_CONFIG_HDR_SIZE + size;
    vuf_log("conn %u: GET_CONFIG offset %u size %u (capacity %" PRIu64
            " sectors)", c->id, off, size, c->be->blk_capacity);
    return VUF_REPLY;
}

static VufResult do_set_config(VufConn *c, VufMsg *m, VufMsg *reply)
{
    uint32_t off, size;

    if (!payload_at_least(c, m, VU_CONFIG_HDR_SIZE)) {
        return VUF_CLOSE;
    }
    memcpy(&off, m->payload.raw, 4);
    memcpy(&size, m->payload.raw + 4, 4);
    /* Only the write-cache flag is writable; it changes nothing here. */
    vuf_log("conn %u: SET_CONFIG offset %u size %u ignored", c->id, off,
            size);
    return VUF_OK;
}

typedef VufResult (*VufHandler)(VufConn *c, VufMsg *m, VufMsg *reply);

static const VufHandler handlers[VU_REQUEST_MAX] = {
    [VU_GET_FEATURES] = do_get_features,
    [VU_SET_FEATURES] = do_set_features,
    [VU_SET_OWNER] = do_set_owner,
    [VU_RESET_OWNER] = do_set_owner,
    [VU_SET_MEM_TABLE] = do_set_mem_table,
    [VU_SET_LOG_BASE] = do_set_log_base,
    [VU_SET_LOG_FD] = do_set_log_fd,
    [VU_SET_VRING_NUM] = do_set_vring_num,
    [VU_SET_VRING_ADDR] = do_set_vring_addr,
    [VU_SET_VRING_BASE] = do_set_vring_base,
    [VU_GET_VRING_BASE] = do_get_vring_base,
    [VU_SET_VRING_KICK] = do_set_vring_fd,
    [VU_SET_VRING_CALL] = do_set_vring_fd,
    [VU_SET_VRING_ERR] = do_set_vring_fd,
    [VU_GET_PROTOCOL_FEATURES] = do_get_protocol_features,
    [VU_SET_PROTOCOL_FEATURES] = do_set_protocol_features,
    [VU_GET_QUEUE_NUM] = do_get_queue_num,
    [VU_SET_VRING_ENABLE] = do_set_vring_enable,
    [VU_SEND_RARP] = do_send_rarp,
    [VU_NET_SET_MTU] = do_net_set_mtu,
    [VU_SET_BACKEND_REQ_FD] = do_set_backend_req_fd,
    [VU_IOTLB_MSG] = do_iotlb_msg,
    [VU_GET_CONFIG] = do_get_config,
    [VU_SET_CONFIG] = do_set_config,
};

/*
 * Framing: header, payload, descriptors, and the replies
 */

static void queue_reply(VufConn *c, VufMsg *reply)
{
    /* Whole replies, so that the front-end never sees half of one. */
    reply->hdr.flags = VU_VERSION | VU_FLAG_REPLY;
    if (!c->tx->len) {
        c->tx_deadline = g_get_monotonic_time() +
                         VUF_MSG_TIMEOUT_MS * (gint64)1000;
    }
    g_byte_array_append(c->tx, (const guint8 *)&reply->hdr,
                        sizeof(VuMsgHeader));
    g_byte_array_append(c->tx, reply->payload.raw, reply->hdr.size);
}

/* Handle the complete message in c->rx; false: end the connection. */
static bool dispatch(VufConn *c)
{
    VufMsg *m = &c->rx;
    g_autofree VufMsg *reply = g_new0(VufMsg, 1);
    VufHandler handler = NULL;
    VufResult res;

    if (m->hdr.request < VU_REQUEST_MAX) {
        handler = handlers[m->hdr.request];
    }
    reply->hdr.request = m->hdr.request;
    if (handler) {
        res = handler(c, m, reply);
    } else {
        vuf_log("conn %u: request %u (%s) not supported", c->id,
                m->hdr.request, request_name(m->hdr.request));
        res = VUF_FAIL;
    }

    switch (res) {
    case VUF_CLOSE:
        if (!c->why) {
            vuf_conn_violation(c, "%s: malformed",
                               request_name(m->hdr.request));
        }
        return false;
    case VUF_REPLY:
        queue_reply(c, reply);
        break;
    case VUF_OK:
    case VUF_FAIL:
        if (m->hdr.flags & VU_FLAG_NEED_REPLY) {
            reply->hdr.request = m->hdr.request;
            reply_u64(reply, res == VUF_OK ? 0 : 1);
            queue_reply(c, reply);
        }
        break;
    }
    return true;
}

/* Forget the message received: close its descriptors, clear it. */
static void rx_reset(VufConn *c)
{
    for (size_t i = 0; i < c->rx.nfds; i++) {
        close_fd(&c->rx.fds[i]);
    }
    c->rx.nfds = 0;
    if (c->rx_len > sizeof(VuMsgHeader)) {
        memset(&c->rx.payload, 0, c->rx_len - sizeof(VuMsgHeader));
    }
    memset(&c->rx.hdr, 0, sizeof(c->rx.hdr));
    c->rx_len = 0;
    c->rx_deadline = 0;
}

uint8_t *vuf_conn_rx_space(VufConn *c, size_t *len)
{
    size_t hdr = sizeof(VuMsgHeader);

    if (c->rx_len < hdr) {
        *len = hdr - c->rx_len;
        return (uint8_t *)&c->rx.hdr + c->rx_len;
    }
    /* A complete message is handled at once: some payload is missing. */
    *len = hdr + c->rx.hdr.size - c->rx_len;
    return c->rx.payload.raw + (c->rx_len - hdr);
}

bool vuf_conn_received(VufConn *c, size_t n, const int *fds, size_t nfds)
{
    const size_t hdr = sizeof(VuMsgHeader);
    size_t want;
    bool ok = true;

    /* Never more than vuf_conn_rx_space() asked for: a caller's bug. */
    vuf_conn_rx_space(c, &want);
    g_assert(n <= want);

    /* Take the descriptors first, so that every path closes them. */
    for (size_t i = 0; i < nfds; i++) {
        if (c->rx.nfds < VU_MAX_FDS) {
            c->rx.fds[c->rx.nfds++] = fds[i];
        } else {
            close(fds[i]);
            ok = false;
        }
    }
    if (!ok) {
        vuf_conn_violation(c, "more than %d descriptors in one message",
                           VU_MAX_FDS);
        return false;
    }
    if (n == 0) {
        return true;
    }
    if (c->rx_len == 0) {
        /* The whole message, from its first byte, has this much time. */
        c->rx_deadline = g_get_monotonic_time() +
                         VUF_MSG_TIMEOUT_MS * (gint64)1000;
    }
    c->rx_len += n;
    if (c->rx_len < hdr) {
        return true;
    }
    if (c->rx_len == hdr) {
        const VuMsgHeader *h = &c->rx.hdr;

        if ((h->flags & VU_VERSION_MASK) != VU_VERSION) {
            vuf_conn_violation(c, "%s: unsupported version in flags 0x%x",
                               request_name(h->request), h->flags);
            return false;
        }
        if (h->size > VU_MAX_PAYLOAD) {
            vuf_conn_violation(c, "%s: payload of %u bytes is too large "
                               "(at most %d)", request_name(h->request),
                               h->size, VU_MAX_PAYLOAD);
            return false;
        }
    }
    if (c->rx_len < hdr + c->rx.hdr.size) {
        return true;
    }
    ok = dispatch(c);
    rx_reset(c);
    return ok;
}

const uint8_t *vuf_conn_tx(const VufConn *c, size_t *len)
{
    *len = c->tx->len;
    return c->tx->len ? c->tx->data : NULL;
}

void vuf_conn_tx_done(VufConn *c, size_t n)
{
    g_byte_array_remove_range(c->tx, 0, MIN(n, c->tx->len));
    if (!c->tx->len) {
        c->tx_deadline = 0;
    }
}

gint64 vuf_conn_deadline(const VufConn *c)
{
    if (c->rx_deadline && c->tx_deadline) {
        return MIN(c->rx_deadline, c->tx_deadline);
    }
    return c->rx_deadline ? c->rx_deadline : c->tx_deadline;
}

bool vuf_conn_expired(VufConn *c, gint64 now)
{
    const double secs = VUF_MSG_TIMEOUT_MS / 1000.0;

    if (c->tx_deadline && now >= c->tx_deadline) {
        vuf_conn_violation(c, "replies not read after %.1f s (%u bytes "
                           "pending)", secs, c->tx->len);
        return true;
    }
    if (c->rx_deadline && now >= c->rx_deadline) {
        if (c->rx_len < sizeof(VuMsgHeader)) {
            vuf_conn_violation(c, "message incomplete after %.1f s (%zu of "
                               "%zu bytes)", secs, c->rx_len,
                               sizeof(VuMsgHeader));
        } else {
            vuf_conn_violation(c, "%s: message incomplete after %.1f s "
                               "(%zu of %zu bytes)",
                               request_name(c->rx.hdr.request), secs,
                               c->rx_len,
                               sizeof(VuMsgHeader) + c->rx.hdr.size);
        }
        return true;
    }
    return false;
}

/*
 * Connection
 */

VufConn *vuf_conn_new(int fd, unsigned id, const VufBackend *be)
{
    VufConn *c = g_new0(VufConn, 1);

    if (fd >= 0) {
        struct ucred cred;
        socklen_t len = sizeof(cred);
        int flags = fcntl(fd, F_GETFL);

        /* Never wait for one front-end: the others would wait too. */
        if (flags >= 0) {
            fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        }
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
            c->pid = cred.pid;
        }
    }
    c->fd = fd;
    c->id = id;
    c->be = be;
    c->tx = g_byte_array_new();
    c->log_call_fd = -1;
    c->backend_req_fd = -1;
    c->nvrings = be->blk ? be->queues : 2 * be->queues;
    c->vrings = g_new0(VufVring, c->nvrings);
    if (be->disk) {
        c->chain = g_new0(VufChain, 1);
    }
    for (unsigned i = 0; i < c->nvrings; i++) {
        c->vrings[i].kick_fd = -1;
        c->vrings[i].call_fd = -1;
        c->vrings[i].err_fd = -1;
    }
    vuf_log("conn %u: connected (pid %d)", id, (int)c->pid);
    return c;
}

int vuf_conn_fd(const VufConn *c)
{
    return c->fd;
}

unsigned vuf_conn_id(const VufConn *c)
{
    return c->id;
}

void vuf_conn_free(VufConn *c)
{
    if (!c) {
        return;
    }
    if (c->why) {
        /* The one line that says who was cut off, and why. */
        vuf_warn("conn %u (pid %d): disconnected: %s", c->id, (int)c->pid,
                 c->why);
    }
    rx_reset(c);
    vrings_reset(c);
    g_free(c->vrings);
    g_free(c->chain);
    mem_unmap(c);
    log_unmap(c);
    close_fd(&c->log_call_fd);
    close_fd(&c->backend_req_fd);
    close_fd(&c->fd);
    g_byte_array_unref(c->tx);
    g_free(c->why);
    vuf_log("conn %u: gone", c->id);
    g_free(c);
}
