/*
 * featmask maps of the virtio devices besides net, blk and scsi
 *
 * Names are QEMU 10.0's property names where a property switches the
 * feature, else the specification's name in QEMU's style (lower case,
 * '_'); the specification's own spelling, as x-query-virtio-status prints
 * it after "_F_", is an alias where it differs.  Bits and dependencies are
 * the virtio 1.3 specification's, section "Feature bits" of each device
 * type (cited per table); bits come from the VIRTIO_*_F_* constants.
 *
 * How QEMU switches each feature:
 * - a bit property of the feature's name on the device's feature word
 *   (virtio-serial's emergency-write): nothing to mark;
 * - another property (.switch_prop): an OnOffAuto (vhost-vsock's
 *   seqpacket), a flag bit on another field (virtio-gpu's edid, blob);
 * - none (.no_property alone): QEMU always offers it, never does, or the
 *   backend (vhost-user, vhost kernel module, virglrenderer) decides.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "standard-headers/linux/virtio_9p.h"
#include "standard-headers/linux/virtio_balloon.h"
#include "standard-headers/linux/virtio_console.h"
#include "standard-headers/linux/virtio_gpio.h"
#include "standard-headers/linux/virtio_gpu.h"
#include "standard-headers/linux/virtio_i2c.h"
#include "standard-headers/linux/virtio_iommu.h"
#include "standard-headers/linux/virtio_mem.h"
#include "standard-headers/linux/virtio_pmem.h"
#include "standard-headers/linux/virtio_scmi.h"
#include "standard-headers/linux/virtio_snd.h"
#include "standard-headers/linux/virtio_vsock.h"
#include "hw/virtio/virtio-featmask.h"
#include "hw/virtio/virtio-featmask-devices.h"

/*
 * Bits the specification defines but no Linux header does (so neither
 * does QEMU's copy of them): virtio 1.3 5.9.3, 5.10.3, 5.11.3.
 */
#ifndef VIRTIO_CRYPTO_F_REVISION_1
#define VIRTIO_CRYPTO_F_REVISION_1 0
#define VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE 1
#define VIRTIO_CRYPTO_F_HASH_STATELESS_MODE 2
#define VIRTIO_CRYPTO_F_MAC_STATELESS_MODE 3
#define VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE 4
#define VIRTIO_CRYPTO_F_AKCIPHER_STATELESS_MODE 5
#endif
#ifndef VIRTIO_VSOCK_F_STREAM
#define VIRTIO_VSOCK_F_STREAM 0
#endif
#ifndef VIRTIO_VSOCK_F_NO_IMPLIED_STREAM
#define VIRTIO_VSOCK_F_NO_IMPLIED_STREAM 2
#endif
#ifndef VIRTIO_FS_F_NOTIFICATION
#define VIRTIO_FS_F_NOTIFICATION 0
#endif

#define N FEATMASK_NAMES

/* No switch: QEMU or the backend alone decides. */
#define FIXED .no_property = true
/* Switched by a property other than a bit of the feature word. */
#define SWITCH(prop, kind) \
    .no_property = true, .switch_prop = (prop), \
    .switch_kind = FEATMASK_SWITCH_##kind

/* virtio 1.3 5.3.3 Console Device: Feature bits */
static const FeatmaskFeature virtio_serial_features[] = {
    { .name = "size", .bit = VIRTIO_CONSOLE_F_SIZE, FIXED,
      .aliases = N("console_size"),
      .desc = "console size in configuration space (QEMU: never)" },
    { .name = "multiport", .bit = VIRTIO_CONSOLE_F_MULTIPORT, FIXED,
      .desc = "several ports and control queues (QEMU: max_ports > 1)" },
    { .name = "emergency-write", .bit = VIRTIO_CONSOLE_F_EMERG_WRITE,
      .aliases = N("emerg_write"),
      .desc = "emergency write to the console without a virtqueue" },
};

/* virtio 1.3 5.5.3 Traditional Memory Balloon Device: Feature bits */
static const FeatmaskFeature virtio_balloon_features[] = {
    { .name = "must_tell_host", .bit = VIRTIO_BALLOON_F_MUST_TELL_HOST,
      FIXED, .desc = "tell the host before reclaiming pages (QEMU: never)" },
    { .name = "stats_vq", .bit = VIRTIO_BALLOON_F_STATS_VQ, FIXED,
      .desc = "memory statistics virtqueue (QEMU: always)" },
    { .name = "deflate-on-oom", .bit = VIRTIO_BALLOON_F_DEFLATE_ON_OOM,
      .desc = "deflate the balloon when the guest runs out of memory" },
    { .name = "free-page-hint", .bit = VIRTIO_BALLOON_F_FREE_PAGE_HINT,
      .desc = "free page hinting virtqueue" },
    { .name = "page-poison", .bit = VIRTIO_BALLOON_F_PAGE_POISON,
      .desc = "guest page poisoning value" },
    { .name = "free-page-reporting", .bit = VIRTIO_BALLOON_F_REPORTING,
      .aliases = N("reporting", "page_reporting"),
      .desc = "free page reporting virtqueue" },
};

/* virtio 1.3 5.7.3 GPU Device: Feature bits */
static const FeatmaskFeature virtio_gpu_features[] = {
    { .name = "virgl", .bit = VIRTIO_GPU_F_VIRGL, FIXED,
      .desc = "3D mode (QEMU: the -gl types; vhost-user-gpu: the backend)" },
    { .name = "edid", .bit = VIRTIO_GPU_F_EDID, SWITCH("edid", FLAG),
      .desc = "EDID of the outputs" },
    { .name = "resource_uuid", .bit = VIRTIO_GPU_F_RESOURCE_UUID, FIXED,
      .desc = "UUIDs for exported resources (the renderer or backend)" },
    { .name = "blob", .bit = VIRTIO_GPU_F_RESOURCE_BLOB,
      SWITCH("blob", FLAG), .aliases = N("resource_blob"),
      .desc = "blob resources" },
    { .name = "context_init", .bit = VIRTIO_GPU_F_CONTEXT_INIT, FIXED,
      .desc = "context types and synchronization timelines (the renderer)" },
};

/* virtio 1.3 5.9.3 Crypto Device: Feature bits; 5.9.3.1: all need rev 1 */
#define REV1 .requires = N("revision_1")
static const FeatmaskFeature virtio_crypto_features[] = {
    { .name = "revision_1", .bit = VIRTIO_CRYPTO_F_REVISION_1, FIXED,
      .desc = "revision 1 request format (QEMU: never)" },
    { .name = "cipher_stateless_mode", FIXED, REV1,
      .bit = VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE,
      .desc = "stateless CIPHER requests (QEMU: never)" },
    { .name = "hash_stateless_mode", FIXED, REV1,
      .bit = VIRTIO_CRYPTO_F_HASH_STATELESS_MODE,
      .desc = "stateless HASH requests (QEMU: never)" },
    { .name = "mac_stateless_mode", FIXED, REV1,
      .bit = VIRTIO_CRYPTO_F_MAC_STATELESS_MODE,
      .desc = "stateless MAC requests (QEMU: never)" },
    { .name = "aead_stateless_mode", FIXED, REV1,
      .bit = VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE,
      .desc = "stateless AEAD requests (QEMU: never)" },
    { .name = "akcipher_stateless_mode", FIXED, REV1,
      .bit = VIRTIO_CRYPTO_F_AKCIPHER_STATELESS_MODE,
      .desc = "stateless AKCIPHER requests (QEMU: never)" },
};

/* virtio 1.3 5.10.3 Socket Device: Feature bits */
static const FeatmaskFeature virtio_vsock_features[] = {
    { .name = "stream", .bit = VIRTIO_VSOCK_F_STREAM, FIXED,
      .desc = "stream sockets, explicitly (QEMU: never)" },
    { .name = "seqpacket", .bit = VIRTIO_VSOCK_F_SEQPACKET,
      SWITCH("seqpacket", ON_OFF_AUTO),
      .desc = "SOCK_SEQPACKET sockets (the host kernel or backend)" },
    { .name = "no_implied_stream", .bit = VIRTIO_VSOCK_F_NO_IMPLIED_STREAM,
      FIXED, .desc = "stream sockets only with 'stream' (QEMU: never)" },
};

/* virtio 1.3 5.11.3 File System Device: Feature bits */
static const FeatmaskFeature virtio_fs_features[] = {
    { .name = "notification", .bit = VIRTIO_FS_F_NOTIFICATION, FIXED,
      .desc = "notification queue (QEMU: never)" },
};

/* virtio 1.3 5.13.3 IOMMU Device: Feature bits; QEMU offers a fixed set */
static const FeatmaskFeature virtio_iommu_features[] = {
    { .name = "input_range", .bit = VIRTIO_IOMMU_F_INPUT_RANGE, FIXED,
      .desc = "range of addressable virtual addresses" },
    { .name = "domain_range", .bit = VIRTIO_IOMMU_F_DOMAIN_RANGE, FIXED,
      .desc = "number of domains supported" },
    { .name = "map_unmap", .bit = VIRTIO_IOMMU_F_MAP_UNMAP, FIXED,
      .desc = "map and unmap requests" },
    { .name = "bypass", .bit = VIRTIO_IOMMU_F_BYPASS, FIXED,
      .desc = "unattached endpoints bypass the IOMMU (QEMU: never)" },
    { .name = "probe", .bit = VIRTIO_IOMMU_F_PROBE, FIXED,
      .desc = "probe requests" },
    { .name = "mmio", .bit = VIRTIO_IOMMU_F_MMIO, FIXED,
      .desc = "VIRTIO_IOMMU_MAP_F_MMIO flag" },
    { .name = "bypass_config", .bit = VIRTIO_IOMMU_F_BYPASS_CONFIG, FIXED,
      .desc = "bypass field in configuration space (boot-bypass sets it)" },
};

/* virtio 1.3 5.14.3 Sound Device: Feature bits */
static const FeatmaskFeature virtio_sound_features[] = {
    { .name = "controls", .bit = VIRTIO_SND_F_CTLS, .aliases = N("ctls"),
      .desc = "control elements (QEMU: vhost-user-snd only)" },
};

/* virtio 1.3 5.15.3 Memory Device: Feature bits */
static const FeatmaskFeature virtio_mem_features[] = {
    { .name = "acpi_pxm", .bit = VIRTIO_MEM_F_ACPI_PXM, FIXED,
      .desc = "ACPI proximity domain (QEMU: with NUMA nodes)" },
    { .name = "unplugged-inaccessible",
      .bit = VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE,
      SWITCH("unplugged-inaccessible", ON_OFF_AUTO),
      .desc = "unplugged memory must not be accessed" },
    { .name = "persistent_suspend", .bit = VIRTIO_MEM_F_PERSISTENT_SUSPEND,
      FIXED, .desc = "plugged memory survives suspend (QEMU: with S3)" },
};

/*
 * virtio 1.3 5 Device Types lists device ID 9, "9P transport", without a
 * section of its own; the bit is Linux's and QEMU's VIRTIO_9P_MOUNT_TAG.
 */
static const FeatmaskFeature virtio_9p_features[] = {
    { .name = "mount_tag", .bit = VIRTIO_9P_MOUNT_TAG, FIXED,
      .desc = "mount tag in configuration space (QEMU: always)" },
};

/* virtio 1.3 5.16.3 I2C Adapter Device: Feature bits */
static const FeatmaskFeature virtio_i2c_features[] = {
    { .name = "zero_length_request", FIXED,
      .bit = VIRTIO_I2C_F_ZERO_LENGTH_REQUEST,
      .desc = "zero-length requests (the backend)" },
};

/* virtio 1.3 5.17.3 SCMI Device: Feature bits */
static const FeatmaskFeature virtio_scmi_features[] = {
    { .name = "p2a_channels", .bit = VIRTIO_SCMI_F_P2A_CHANNELS, FIXED,
      .desc = "platform-to-agent channels (the backend)" },
    { .name = "shared_memory", .bit = VIRTIO_SCMI_F_SHARED_MEMORY, FIXED,
      .desc = "shared memory statistics region (the backend)" },
};

/* virtio 1.3 5.18.3 GPIO Device: Feature bits */
static const FeatmaskFeature virtio_gpio_features[] = {
    { .name = "irq", .bit = VIRTIO_GPIO_F_IRQ, FIXED,
      .desc = "interrupts on GPIO lines (the backend)" },
};

/* virtio 1.3 5.19.3 PMEM Device: Feature bits */
static const FeatmaskFeature virtio_pmem_features[] = {
    { .name = "shmem_region", .bit = VIRTIO_PMEM_F_SHMEM_REGION, FIXED,
      .desc = "memory as a shared memory region (QEMU: never)" },
};

typedef struct DeviceKind {
    const char *kind;
    const char *desc;
    const FeatmaskFeature *table;
    size_t n;
} DeviceKind;

#define KIND(k, d, t) { k, d, t, G_N_ELEMENTS(t) }
/* virtio 1.3 5.4 Entropy Device and 5.8 Input Device have no feature bits */
#define KIND_NONE(k, d) { k, d, NULL, 0 }

static const DeviceKind device_kinds[] = {
    KIND("virtio-serial", "virtio console and serial ports",
         virtio_serial_features),
    KIND_NONE("virtio-rng", "virtio entropy device"),
    KIND("virtio-balloon", "virtio memory balloon", virtio_balloon_features),
    KIND("virtio-gpu", "virtio GPU", virtio_gpu_features),
    KIND_NONE("virtio-input", "virtio input device"),
    KIND("virtio-crypto", "virtio crypto device", virtio_crypto_features),
    KIND("virtio-vsock", "virtio socket device", virtio_vsock_features),
    KIND("virtio-fs", "virtio file system device", virtio_fs_features),
    KIND("virtio-iommu", "virtio IOMMU", virtio_iommu_features),
    KIND("virtio-sound", "virtio sound device", virtio_sound_features),
    KIND("virtio-mem", "virtio memory device", virtio_mem_features),
    KIND("virtio-9p", "virtio 9P transport", virtio_9p_features),
    KIND("virtio-i2c", "virtio I2C adapter", virtio_i2c_features),
    KIND("virtio-scmi", "virtio SCMI device", virtio_scmi_features),
    KIND("virtio-gpio", "virtio GPIO device", virtio_gpio_features),
    KIND("virtio-pmem", "virtio persistent memory", virtio_pmem_features),
};

const char *const virtio_featmask_device_kinds[] = {
    "virtio-serial", "virtio-rng", "virtio-balloon", "virtio-gpu",
    "virtio-input", "virtio-crypto", "virtio-vsock", "virtio-fs",
    "virtio-iommu", "virtio-sound", "virtio-mem", "virtio-9p", "virtio-i2c",
    "virtio-scmi", "virtio-gpio", "virtio-pmem", NULL,
};
QEMU_BUILD_BUG_ON(G_N_ELEMENTS(virtio_featmask_device_kinds) !=
                  G_N_ELEMENTS(device_kinds) + 1);

/*
 * QEMU's device types by base name: the name itself and its transports
 * ("-pci", "-device", ...) have the kind.  vhost (kernel), vhost-user and
 * the device types of one kind with different front ends share the map:
 * the guest sees the same device.
 */
static const struct {
    const char *base;
    const char *kind;
} device_types[] = {
    { "vhost-user-blk", "virtio-blk" },
    { "vhost-scsi", "virtio-scsi" },
    { "vhost-user-scsi", "virtio-scsi" },
    { "virtio-serial", "virtio-serial" },
    { "virtio-rng", "virtio-rng" },
    { "vhost-user-rng", "virtio-rng" },
    { "virtio-balloon", "virtio-balloon" },
    { "virtio-gpu", "virtio-gpu" },
    { "virtio-gpu-gl", "virtio-gpu" },
    { "virtio-gpu-rutabaga", "virtio-gpu" },
    { "virtio-vga", "virtio-gpu" },
    { "virtio-vga-gl", "virtio-gpu" },
    { "virtio-vga-rutabaga", "virtio-gpu" },
    { "vhost-user-gpu", "virtio-gpu" },
    { "vhost-user-vga", "virtio-gpu" },
    { "virtio-keyboard", "virtio-input" },
    { "virtio-mouse", "virtio-input" },
    { "virtio-tablet", "virtio-input" },
    { "virtio-multitouch", "virtio-input" },
    { "virtio-input-host", "virtio-input" },
    { "vhost-user-input", "virtio-input" },
    { "virtio-crypto", "virtio-crypto" },
    { "vhost-vsock", "virtio-vsock" },
    { "vhost-user-vsock", "virtio-vsock" },
    { "vhost-user-fs", "virtio-fs" },
    { "virtio-iommu", "virtio-iommu" },
    { "virtio-sound", "virtio-sound" },
    { "vhost-user-snd", "virtio-sound" },
    { "virtio-mem", "virtio-mem" },
    { "virtio-9p", "virtio-9p" },
    { "vhost-user-i2c", "virtio-i2c" },
    { "vhost-user-scmi", "virtio-scmi" },
    { "vhost-user-gpio", "virtio-gpio" },
    { "virtio-pmem", "virtio-pmem" },
    /* Generic: the device features are the backend's, of any kind. */
    { "vhost-user-device", "virtio" },
    { "vhost-vdpa-device", "virtio" },
    /* AWS Nitro Secure Module: not in the specification, no features. */
    { "virtio-nsm", "virtio" },
};

static FeatmaskMap *device_map_build(const DeviceKind *k)
{
    g_autoptr(FeatmaskMap) map = featmask_map_new(k->kind, k->desc);
    g_autoptr(FeatmaskMap) transport = virtio_featmask_map("virtio");
    size_t i;

    /* Device features first, as in virtio_featmask_map()'s maps. */
    if (k->n) {
        featmask_map_add_table(map, k->table, k->n, &error_abort);
    }
    for (i = 0; i < featmask_map_size(transport); i++) {
        /* The transport map is built once and kept: its strings live. */
        featmask_map_add(map, featmask_map_get(transport, i), &error_abort);
    }
    featmask_map_finalize(map, &error_abort);
    return g_steal_pointer(&map);
}

FeatmaskMap *virtio_featmask_device_map(const char *kind)
{
    static FeatmaskMap *maps[G_N_ELEMENTS(device_kinds)];
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(device_kinds); i++) {
        if (!strcmp(device_kinds[i].kind, kind)) {
            if (!maps[i]) {
                maps[i] = device_map_build(&device_kinds[i]);
            }
            return featmask_map_ref(maps[i]);
        }
    }
    return virtio_featmask_map(kind);
}

const char *virtio_featmask_device_kind(const char *type)
{
    const char *kind = virtio_featmask_kind_of_type(type);
    size_t i;

    if (kind) {
        return kind;
    }
    for (i = 0; i < G_N_ELEMENTS(device_types); i++) {
        if (virtio_featmask_type_is(type, device_types[i].base)) {
            return device_types[i].kind;
        }
    }
    return NULL;
}
