/*
 * Tests of the shipped virtio maps: every entry round-trips, no gaps or
 * duplicates, dependencies as the virtio specification states them
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/virtio/virtio-featmask.h"

static void test_roundtrip(gconstpointer opaque)
{
    const char *kind = opaque;
    g_autoptr(FeatmaskMap) map = virtio_featmask_map(kind);
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;

    g_assert_nonnull(map);
    g_assert_cmpstr(featmask_map_kind(map), ==, kind);
    g_assert_cmpuint(featmask_map_size(map), >, 0);
    for (i = 0; i < featmask_map_size(map); i++) {
        const FeatmaskFeature *f = featmask_map_get(map, i);
        const char *const *a;

        /* name -> index -> name */
        g_assert_cmpint(featmask_map_lookup(map, f->name), ==, i);
        g_assert_true(g_hash_table_add(names, (char *)f->name));
        for (a = f->aliases; a && *a; a++) {
            g_assert_cmpint(featmask_map_lookup(map, *a), ==, i);
        }
        /* every virtio feature is a bit of the 128-bit feature space */
        g_assert_cmpint(f->bit, >=, 0);
        g_assert_cmpint(f->bit, <, 128);
        g_assert_cmpint(featmask_map_lookup_bit(map, f->bit), ==, i);
        g_assert_nonnull(f->desc);
        g_assert_cmpstr(f->desc, !=, "");
        /* bits past 31 do not exist for legacy devices */
        if (f->bit >= 32 && strcmp(f->name, "version_1")) {
            g_autoptr(FeatmaskSet) s = featmask_set_new(map);

            featmask_set_add(s, i);
            g_assert_false(featmask_set_deps_ok(s, i));
        }
    }
}

static void test_net_deps(void)
{
    g_autoptr(FeatmaskMap) map = virtio_featmask_map("virtio-net");
    const char *const names[] = { "csum", "host_tso4", "host_ecn",
                                  "guest_tso4", "guest_ecn", "host_uso",
                                  "version_1", "mrg_rxbuf", NULL };
    g_autoptr(FeatmaskSet) s = featmask_set_from_names(map, names,
                                                       &error_abort);
    g_autoptr(FeatmaskSet) dropped = featmask_set_new(map);
    g_autofree char *text = NULL;

    /* guest_tso4 needs guest_csum, then guest_ecn has no TSO left */
    g_assert_cmpuint(featmask_set_close(s, dropped), ==, 2);
    text = featmask_set_format(dropped);
    g_assert_cmpstr(text, ==, "guest_tso4,guest_ecn");
    g_free(text);
    text = featmask_set_format(s);
    g_assert_cmpstr(text, ==, "csum,host_tso4,host_ecn,mrg_rxbuf,host_uso,"
                    "version_1");
}

static void test_kind_of_type(void)
{
    g_assert_cmpstr(virtio_featmask_kind_of_type("virtio-net-pci"), ==,
                    "virtio-net");
    g_assert_cmpstr(virtio_featmask_kind_of_type("virtio-net-device"), ==,
                    "virtio-net");
    g_assert_cmpstr(virtio_featmask_kind_of_type("virtio-blk-pci-non-"
                                                 "transitional"), ==,
                    "virtio-blk");
    g_assert_cmpstr(virtio_featmask_kind_of_type("virtio-scsi-ccw"), ==,
                    "virtio-scsi");
    g_assert_cmpstr(virtio_featmask_kind_of_type("virtio-net"), ==,
                    "virtio-net");
    g_assert_null(virtio_featmask_kind_of_type("virtio-netx-pci"));
    g_assert_null(virtio_featmask_kind_of_type("e1000e"));
    g_assert_null(virtio_featmask_map("e1000e"));
}

/* The names QEMU 10.0 has as virtio-net properties are all there. */
static void test_qemu_names(void)
{
    static const char *const qemu[] = {
        "csum", "guest_csum", "gso", "guest_tso4", "guest_tso6", "guest_ecn",
        "guest_ufo", "guest_announce", "host_tso4", "host_tso6", "host_ecn",
        "host_ufo", "mrg_rxbuf", "status", "ctrl_vq", "ctrl_rx", "ctrl_vlan",
        "ctrl_rx_extra", "ctrl_mac_addr", "ctrl_guest_offloads", "mq", "rss",
        "hash", "guest_rsc_ext", "guest_uso4", "guest_uso6", "host_uso",
        "indirect_desc", "event_idx", "notify_on_empty", "any_layout",
        "iommu_platform", "packed", "queue_reset", "in_order", NULL,
    };
    g_autoptr(FeatmaskMap) map = virtio_featmask_map("virtio-net");
    const char *const *n;

    for (n = qemu; *n; n++) {
        int i = featmask_map_lookup(map, *n);

        g_assert_cmpint(i, >=, 0);
        g_assert_cmpstr(featmask_map_get(map, i)->name, ==, *n);
        g_assert_false(featmask_map_get(map, i)->no_property);
    }
}

int main(int argc, char **argv)
{
    size_t i;

    g_test_init(&argc, &argv, NULL);
    for (i = 0; virtio_featmask_kinds[i]; i++) {
        g_autofree char *path = g_strdup_printf("/featmask/virtio/%s/"
                                                "roundtrip",
                                                virtio_featmask_kinds[i]);
        g_test_add_data_func(path, virtio_featmask_kinds[i], test_roundtrip);
    }
    g_test_add_func("/featmask/virtio/net/dependencies", test_net_deps);
    g_test_add_func("/featmask/virtio/net/qemu-names", test_qemu_names);
    g_test_add_func("/featmask/virtio/kind-of-type", test_kind_of_type);
    return g_test_run();
}
