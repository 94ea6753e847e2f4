/*
 * featmask maps of virtio devices
 *
 * Names are QEMU 10.0's property names (DEFINE_VIRTIO_COMMON_FEATURES and
 * each device's property list); bits are the VIRTIO_*_F_* constants of
 * the kernel's headers (QEMU's include/standard-headers, or the system's
 * in the standalone build), dependencies the virtio 1.3 specification's
 * ("Feature bit requirements" of each device type, and the rule that bits
 * 32 and above exist only with VIRTIO_F_VERSION_1).
 * Features QEMU has no property for are listed with .no_property, since a
 * backend can offer them and a migration can fail on them all the same.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/virtio/virtio-featmask.h"
#include "standard-headers/linux/virtio_config.h"
#include "standard-headers/linux/virtio_ring.h"
#include "standard-headers/linux/virtio_net.h"
#include "standard-headers/linux/virtio_blk.h"
#include "standard-headers/linux/virtio_scsi.h"

/* virtio 1.3, 5.2.3; no header has it yet. */
#ifndef VIRTIO_BLK_F_LIFETIME
#define VIRTIO_BLK_F_LIFETIME 15
#endif

#define N FEATMASK_NAMES
#define V1 N("version_1")

static const FeatmaskFeature virtio_transport_features[] = {
    { .name = "notify_on_empty", .bit = VIRTIO_F_NOTIFY_ON_EMPTY,
      .desc = "notify when the available ring runs empty (legacy)" },
    { .name = "any_layout", .bit = VIRTIO_F_ANY_LAYOUT,
      .desc = "no framing assumptions on descriptor layout" },
    { .name = "indirect_desc", .bit = VIRTIO_RING_F_INDIRECT_DESC,
      .aliases = N("ring_indirect_desc"),
      .desc = "indirect descriptor tables" },
    { .name = "event_idx", .bit = VIRTIO_RING_F_EVENT_IDX,
      .aliases = N("ring_event_idx"),
      .desc = "used_event/avail_event notification suppression" },
    { .name = "version_1", .bit = VIRTIO_F_VERSION_1, .no_property = true,
      .desc = "virtio 1.0 or later (not legacy)" },
    { .name = "iommu_platform", .bit = VIRTIO_F_ACCESS_PLATFORM, .requires = V1,
      .aliases = N("access_platform"),
      .desc = "device accesses memory through the platform IOMMU" },
    { .name = "packed", .bit = VIRTIO_F_RING_PACKED, .requires = V1,
      .aliases = N("ring_packed"), .desc = "packed virtqueue layout" },
    { .name = "in_order", .bit = VIRTIO_F_IN_ORDER, .requires = V1,
      .desc = "buffers are used in the order they are made available" },
    { .name = "order_platform", .bit = VIRTIO_F_ORDER_PLATFORM, .requires = V1,
      .no_property = true, .desc = "platform memory ordering for the rings" },
    { .name = "sr_iov", .bit = VIRTIO_F_SR_IOV, .requires = V1,
      .no_property = true, .desc = "single root I/O virtualization" },
    { .name = "notification_data", .bit = VIRTIO_F_NOTIFICATION_DATA,
      .requires = V1, .no_property = true,
      .desc = "extra data in available notifications" },
    { .name = "notif_config_data", .bit = VIRTIO_F_NOTIF_CONFIG_DATA,
      .requires = V1, .no_property = true,
      .desc = "notification data from config space" },
    { .name = "queue_reset", .bit = VIRTIO_F_RING_RESET, .requires = V1,
      .aliases = N("ring_reset"), .desc = "reset of individual queues" },
    { .name = "admin_vq", .bit = VIRTIO_F_ADMIN_VQ, .requires = V1,
      .no_property = true, .desc = "administration virtqueue" },
};

#define CTRL_VQ N("ctrl_vq")
#define GUEST_CSUM N("guest_csum")
#define CSUM N("csum")

static const FeatmaskFeature virtio_net_features[] = {
    { .name = "csum", .bit = VIRTIO_NET_F_CSUM,
      .desc = "device handles packets with partial checksum" },
    { .name = "guest_csum", .bit = VIRTIO_NET_F_GUEST_CSUM,
      .desc = "driver handles packets with partial checksum" },
    { .name = "ctrl_guest_offloads", .bit = VIRTIO_NET_F_CTRL_GUEST_OFFLOADS,
      .desc = "control channel offloads reconfiguration" },
    { .name = "mtu", .bit = VIRTIO_NET_F_MTU, .no_property = true,
      .desc = "device reports the maximum MTU (QEMU: host_mtu=N)" },
    { .name = "mac", .bit = VIRTIO_NET_F_MAC, .no_property = true,
      .desc = "device has given MAC address" },
    { .name = "gso", .bit = VIRTIO_NET_F_GSO,
      .desc = "device handles any GSO type (legacy)" },
    { .name = "guest_tso4", .bit = VIRTIO_NET_F_GUEST_TSO4,
      .requires = GUEST_CSUM, .desc = "driver can receive TSOv4" },
    { .name = "guest_tso6", .bit = VIRTIO_NET_F_GUEST_TSO6,
      .requires = GUEST_CSUM, .desc = "driver can receive TSOv6" },
    { .name = "guest_ecn", .bit = VIRTIO_NET_F_GUEST_ECN,
      .requires_any = N("guest_tso4", "guest_tso6"),
      .desc = "driver can receive TSO with ECN" },
    { .name = "guest_ufo", .bit = VIRTIO_NET_F_GUEST_UFO,
      .requires = GUEST_CSUM, .desc = "driver can receive UFO" },
    { .name = "host_tso4", .bit = VIRTIO_NET_F_HOST_TSO4, .requires = CSUM,
      .desc = "device can receive TSOv4" },
    { .name = "host_tso6", .bit = VIRTIO_NET_F_HOST_TSO6, .requires = CSUM,
      .desc = "device can receive TSOv6" },
    { .name = "host_ecn", .bit = VIRTIO_NET_F_HOST_ECN,
      .requires_any = N("host_tso4", "host_tso6"),
      .desc = "device can receive TSO with ECN" },
    { .name = "host_ufo", .bit = VIRTIO_NET_F_HOST_UFO, .requires = CSUM,
      .desc = "device can receive UFO" },
    { .name = "mrg_rxbuf", .bit = VIRTIO_NET_F_MRG_RXBUF,
      .desc = "driver can merge receive buffers" },
    { .name = "status", .bit = VIRTIO_NET_F_STATUS,
      .desc = "configuration status field" },
    { .name = "ctrl_vq", .bit = VIRTIO_NET_F_CTRL_VQ,
      .desc = "control channel" },
    { .name = "ctrl_rx", .bit = VIRTIO_NET_F_CTRL_RX, .requires = CTRL_VQ,
      .desc = "control channel RX mode" },
    { .name = "ctrl_vlan", .bit = VIRTIO_NET_F_CTRL_VLAN, .requires = CTRL_VQ,
      .desc = "control channel VLAN filtering" },
    { .name = "ctrl_rx_extra", .bit = VIRTIO_NET_F_CTRL_RX_EXTRA,
      .requires = N("ctrl_rx"), .desc = "extra RX mode control" },
    { .name = "guest_announce", .bit = VIRTIO_NET_F_GUEST_ANNOUNCE,
      .requires = CTRL_VQ, .desc = "driver can send gratuitous packets" },
    { .name = "mq", .bit = VIRTIO_NET_F_MQ, .requires = CTRL_VQ,
      .desc = "multiqueue with automatic receive steering" },
    { .name = "ctrl_mac_addr", .bit = VIRTIO_NET_F_CTRL_MAC_ADDR,
      .requires = CTRL_VQ,
      .desc = "set MAC address through the control channel" },
    { .name = "device_stats", .bit = VIRTIO_NET_F_DEVICE_STATS,
      .no_property = true, .requires = N("ctrl_vq", "version_1"),
      .desc = "device-level statistics" },
    { .name = "vq_notf_coal", .bit = VIRTIO_NET_F_VQ_NOTF_COAL,
      .no_property = true, .requires = N("ctrl_vq", "version_1"),
      .desc = "per-virtqueue notification coalescing" },
    { .name = "notf_coal", .bit = VIRTIO_NET_F_NOTF_COAL, .no_property = true,
      .requires = N("ctrl_vq", "version_1"),
      .desc = "notification coalescing" },
    { .name = "guest_uso4", .bit = VIRTIO_NET_F_GUEST_USO4,
      .requires = N("guest_csum", "version_1"),
      .desc = "driver can receive USOv4" },
    { .name = "guest_uso6", .bit = VIRTIO_NET_F_GUEST_USO6,
      .requires = N("guest_csum", "version_1"),
      .desc = "driver can receive USOv6" },
    { .name = "host_uso", .bit = VIRTIO_NET_F_HOST_USO,
      .requires = N("csum", "version_1"), .desc = "device can receive USO" },
    { .name = "hash", .bit = VIRTIO_NET_F_HASH_REPORT,
      .requires = N("ctrl_vq", "version_1"), .aliases = N("hash_report"),
      .desc = "per-packet hash reporting" },
    { .name = "guest_hdrlen", .bit = VIRTIO_NET_F_GUEST_HDRLEN,
      .no_property = true, .requires = V1,
      .desc = "driver provides the exact hdr_len" },
    { .name = "rss", .bit = VIRTIO_NET_F_RSS,
      .requires = N("ctrl_vq", "version_1"), .desc = "receive-side scaling" },
    { .name = "guest_rsc_ext", .bit = VIRTIO_NET_F_RSC_EXT,
      .aliases = N("rsc_ext"), .requires = V1,
      .requires_any = N("host_tso4", "host_tso6"),
      .desc = "extended receive segment coalescing info" },
    { .name = "standby", .bit = VIRTIO_NET_F_STANDBY, .no_property = true,
      .requires = V1,
      .desc = "standby for a primary device (QEMU: failover=on)" },
    { .name = "speed_duplex", .bit = VIRTIO_NET_F_SPEED_DUPLEX,
      .no_property = true, .requires = V1,
      .desc = "device reports link speed and duplex" },
};

static const FeatmaskFeature virtio_blk_features[] = {
    { .name = "barrier", .bit = VIRTIO_BLK_F_BARRIER, .no_property = true,
      .desc = "request barriers (legacy)" },
    { .name = "size_max", .bit = VIRTIO_BLK_F_SIZE_MAX, .no_property = true,
      .desc = "maximum segment size" },
    { .name = "seg_max", .bit = VIRTIO_BLK_F_SEG_MAX, .no_property = true,
      .desc = "maximum number of segments" },
    { .name = "geometry", .bit = VIRTIO_BLK_F_GEOMETRY, .no_property = true,
      .desc = "legacy disk geometry" },
    { .name = "ro", .bit = VIRTIO_BLK_F_RO, .no_property = true,
      .desc = "read-only disk" },
    { .name = "blk_size", .bit = VIRTIO_BLK_F_BLK_SIZE, .no_property = true,
      .desc = "block size of the disk" },
    { .name = "scsi", .bit = VIRTIO_BLK_F_SCSI, .no_property = true,
      .desc = "SCSI command passthrough (legacy)" },
    { .name = "flush", .bit = VIRTIO_BLK_F_FLUSH, .no_property = true,
      .aliases = N("wce"), .desc = "cache flush command" },
    { .name = "topology", .bit = VIRTIO_BLK_F_TOPOLOGY, .no_property = true,
      .desc = "topology information" },
    { .name = "config-wce", .bit = VIRTIO_BLK_F_CONFIG_WCE,
      .desc = "writeback mode in configuration space" },
    { .name = "mq", .bit = VIRTIO_BLK_F_MQ, .no_property = true,
      .desc = "more than one queue (QEMU: num-queues)" },
    { .name = "discard", .bit = VIRTIO_BLK_F_DISCARD,
      .desc = "discard command" },
    { .name = "write-zeroes", .bit = VIRTIO_BLK_F_WRITE_ZEROES,
      .desc = "write zeroes command" },
    { .name = "lifetime", .bit = VIRTIO_BLK_F_LIFETIME, .no_property = true,
      .desc = "device lifetime information" },
    { .name = "secure_erase", .bit = VIRTIO_BLK_F_SECURE_ERASE,
      .no_property = true, .desc = "secure erase command" },
    { .name = "zoned", .bit = VIRTIO_BLK_F_ZONED, .no_property = true,
      .requires = V1, .desc = "zoned block device" },
};

static const FeatmaskFeature virtio_scsi_features[] = {
    { .name = "inout", .bit = VIRTIO_SCSI_F_INOUT, .no_property = true,
      .desc = "requests with both read and write buffers" },
    { .name = "hotplug", .bit = VIRTIO_SCSI_F_HOTPLUG,
      .desc = "hotplug and hot-unplug events" },
    { .name = "param_change", .bit = VIRTIO_SCSI_F_CHANGE,
      .desc = "LUN parameter change events" },
    { .name = "t10_pi", .bit = VIRTIO_SCSI_F_T10_PI, .no_property = true,
      .desc = "T10 protection information" },
};

typedef struct VirtioFeatmaskKind {
    const char *kind;
    const char *desc;
    const FeatmaskFeature *table;
    size_t n;
} VirtioFeatmaskKind;

static const VirtioFeatmaskKind virtio_featmask_tables[] = {
    { "virtio", "virtio transport features (every virtio device)",
      NULL, 0 },
    { "virtio-net", "virtio network device", virtio_net_features,
      G_N_ELEMENTS(virtio_net_features) },
    { "virtio-blk", "virtio block device", virtio_blk_features,
      G_N_ELEMENTS(virtio_blk_features) },
    { "virtio-scsi", "virtio SCSI host bus adapter", virtio_scsi_features,
      G_N_ELEMENTS(virtio_scsi_features) },
};

const char *const virtio_featmask_kinds[] = {
    "virtio", "virtio-net", "virtio-blk", "virtio-scsi", NULL,
};
QEMU_BUILD_BUG_ON(G_N_ELEMENTS(virtio_featmask_kinds) !=
                  G_N_ELEMENTS(virtio_featmask_tables) + 1);

static FeatmaskMap *virtio_featmask_build(const VirtioFeatmaskKind *k)
{
    g_autoptr(FeatmaskMap) map = featmask_map_new(k->kind, k->desc);

    /* Device features first: they are what users mostly switch. */
    featmask_map_add_table(map, k->table, k->n, &error_abort);
    featmask_map_add_table(map, virtio_transport_features,
                           G_N_ELEMENTS(virtio_transport_features),
                           &error_abort);
    featmask_map_finalize(map, &error_abort);
    return g_steal_pointer(&map);
}

FeatmaskMap *virtio_featmask_map(const char *kind)
{
    static FeatmaskMap *maps[G_N_ELEMENTS(virtio_featmask_tables)];
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(virtio_featmask_tables); i++) {
        const VirtioFeatmaskKind *k = &virtio_featmask_tables[i];

        if (!strcmp(k->kind, kind)) {
            if (!maps[i]) {
                maps[i] = virtio_featmask_build(k);
            }
            return featmask_map_ref(maps[i]);
        }
    }
    return NULL;
}

bool virtio_featmask_type_is(const char *type, const char *base)
{
    static const char *const transports[] = {
        "", "-pci", "-pci-transitional", "-pci-non-transitional", "-device",
        "-ccw",
    };
    size_t len = strlen(base);
    size_t i;

    if (strncmp(type, base, len)) {
        return false;
    }
    for (i = 0; i < G_N_ELEMENTS(transports); i++) {
        if (!strcmp(type + len, transports[i])) {
            return true;
        }
    }
    return false;
}

const char *virtio_featmask_kind_of_type(const char *type)
{
    size_t i;

    for (i = 1; virtio_featmask_kinds[i]; i++) {
        if (virtio_featmask_type_is(type, virtio_featmask_kinds[i])) {
            return virtio_featmask_kinds[i];
        }
    }
    return NULL;
}
