/*
 * Tests of every shipped virtio map, the device maps of
 * virtio-featmask-devices.c included: entries round-trip by name, alias
 * and bit, no name or bit twice, dependencies resolve, switches are
 * consistent, and every QEMU 10.0 virtio device type has a map
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/virtio/virtio-featmask.h"
#include "hw/virtio/virtio-featmask-devices.h"

/* '-' and '_' are one character to the maps: compare names so. */
static char *norm(const char *name)
{
    return g_strdelimit(g_strdup(name), "-", '_');
}

static void check_deps(const FeatmaskMap *map, const char *const *deps,
                       size_t self)
{
    for (; deps && *deps; deps++) {
        int d = featmask_map_lookup(map, *deps);

        g_assert_cmpint(d, >=, 0);
        g_assert_cmpint(d, !=, self);
    }
}

static void test_map(gconstpointer opaque)
{
    const char *kind = opaque;
    g_autoptr(FeatmaskMap) map = virtio_featmask_device_map(kind);
    g_autoptr(GHashTable) names = g_hash_table_new_full(g_str_hash,
                                                        g_str_equal,
                                                        g_free, NULL);
    size_t i, seen = 0;
    int bit;

    g_assert_nonnull(map);
    g_assert_cmpstr(featmask_map_kind(map), ==, kind);
    g_assert_false(featmask_map_is_dynamic(map));
    for (i = 0; i < featmask_map_size(map); i++) {
        const FeatmaskFeature *f = featmask_map_get(map, i);
        const char *const *a;

        /* name -> index -> name, each alias -> the same index */
        g_assert_cmpint(featmask_map_lookup(map, f->name), ==, i);
        g_assert_true(g_hash_table_add(names, norm(f->name)));
        for (a = f->aliases; a && *a; a++) {
            g_assert_cmpint(featmask_map_lookup(map, *a), ==, i);
            g_assert_true(g_hash_table_add(names, norm(*a)));
        }
        g_assert_cmpint(f->bit, >=, 0);
        g_assert_cmpint(f->bit, <, 128);
        g_assert_cmpint(featmask_map_lookup_bit(map, f->bit), ==, i);
        g_assert_nonnull(f->desc);
        g_assert_cmpstr(f->desc, !=, "");
        check_deps(map, f->requires, i);
        check_deps(map, f->requires_any, i);
        /* A switch of another kind means: no bit property of the name. */
        if (f->switch_prop) {
            g_assert_true(f->no_property);
            g_assert_cmpint(f->switch_kind, !=, FEATMASK_SWITCH_BIT);
            g_assert_cmpstr(f->switch_prop, !=, "");
        } else {
            g_assert_cmpint(f->switch_kind, ==, FEATMASK_SWITCH_BIT);
        }
    }
    /* Table style, the other way round: every bit names its entry. */
    for (bit = 0; bit < 128; bit++) {
        int idx = featmask_map_lookup_bit(map, bit);

        if (idx >= 0) {
            g_assert_cmpint(featmask_map_get(map, idx)->bit, ==, bit);
            seen++;
        }
    }
    g_assert_cmpuint(seen, ==, featmask_map_size(map));
    /* Every device map has the transport's features. */
    g_assert_cmpint(featmask_map_lookup(map, "version_1"), >=, 0);
    g_assert_cmpint(featmask_map_lookup(map, "indirect_desc"), >=, 0);
}

/*
 * What QEMU prints in x-query-virtio-status, after "_F_": the stock
 * probe finds the feature by it (hw/virtio/virtio-qmp.c in QEMU 10.0).
 */
static void test_qmp_names(void)
{
    static const struct {
        const char *kind, *qmp, *name;
    } cases[] = {
        { "virtio-serial", "VIRTIO_CONSOLE_F_SIZE", "size" },
        { "virtio-serial", "VIRTIO_CONSOLE_F_MULTIPORT", "multiport" },
        { "virtio-serial", "VIRTIO_CONSOLE_F_EMERG_WRITE",
          "emergency-write" },
        { "virtio-gpu", "VIRTIO_GPU_F_VIRGL", "virgl" },
        { "virtio-gpu", "VIRTIO_GPU_F_EDID", "edid" },
        { "virtio-gpu", "VIRTIO_GPU_F_RESOURCE_UUID", "resource_uuid" },
        { "virtio-gpu", "VIRTIO_GPU_F_RESOURCE_BLOB", "blob" },
        { "virtio-gpu", "VIRTIO_GPU_F_CONTEXT_INIT", "context_init" },
        { "virtio-vsock", "VIRTIO_VSOCK_F_SEQPACKET", "seqpacket" },
        { "virtio-balloon", "VIRTIO_BALLOON_F_MUST_TELL_HOST",
          "must_tell_host" },
        { "virtio-balloon", "VIRTIO_BALLOON_F_STATS_VQ", "stats_vq" },
        { "virtio-balloon", "VIRTIO_BALLOON_F_DEFLATE_ON_OOM",
          "deflate-on-oom" },
        { "virtio-balloon", "VIRTIO_BALLOON_F_FREE_PAGE_HINT",
          "free-page-hint" },
        { "virtio-balloon", "VIRTIO_BALLOON_F_PAGE_POISON", "page-poison" },
        { "virtio-balloon", "VIRTIO_BALLOON_F_REPORTING",
          "free-page-reporting" },
        { "virtio-iommu", "VIRTIO_IOMMU_F_INPUT_RANGE", "input_range" },
        { "virtio-iommu", "VIRTIO_IOMMU_F_DOMAIN_RANGE", "domain_range" },
        { "virtio-iommu", "VIRTIO_IOMMU_F_MAP_UNMAP", "map_unmap" },
        { "virtio-iommu", "VIRTIO_IOMMU_F_BYPASS", "bypass" },
        { "virtio-iommu", "VIRTIO_IOMMU_F_PROBE", "probe" },
        { "virtio-iommu", "VIRTIO_IOMMU_F_MMIO", "mmio" },
        { "virtio-iommu", "VIRTIO_IOMMU_F_BYPASS_CONFIG", "bypass_config" },
        { "virtio-mem", "VIRTIO_MEM_F_ACPI_PXM", "acpi_pxm" },
        { "virtio-mem", "VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE",
          "unplugged-inaccessible" },
        { "virtio-mem", "VIRTIO_MEM_F_PERSISTENT_SUSPEND",
          "persistent_suspend" },
        { "virtio-i2c", "VIRTIO_I2C_F_ZERO_LENGTH_REQUEST",
          "zero_length_request" },
        { "virtio-gpio", "VIRTIO_GPIO_F_IRQ", "irq" },
        { "virtio-sound", "VIRTIO_SND_F_CTLS", "controls" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(FeatmaskMap) map = virtio_featmask_device_map(
            cases[i].kind);
        g_autofree char *name = g_ascii_strdown(
            strstr(cases[i].qmp, "_F_") + 3, -1);
        int idx = featmask_map_lookup(map, name);

        g_assert_cmpint(idx, >=, 0);
        g_assert_cmpstr(featmask_map_get(map, idx)->name, ==, cases[i].name);
    }
}

/* The switches as QEMU 10.0's properties spell and type them. */
static void test_switches(void)
{
    static const struct {
        const char *kind, *name, *prop;
        FeatmaskSwitchKind sw;
    } cases[] = {
        { "virtio-serial", "emergency-write", NULL, FEATMASK_SWITCH_BIT },
        { "virtio-balloon", "deflate-on-oom", NULL, FEATMASK_SWITCH_BIT },
        { "virtio-balloon", "free-page-hint", NULL, FEATMASK_SWITCH_BIT },
        { "virtio-balloon", "page-poison", NULL, FEATMASK_SWITCH_BIT },
        { "virtio-balloon", "free-page-reporting", NULL,
          FEATMASK_SWITCH_BIT },
        { "virtio-sound", "controls", NULL, FEATMASK_SWITCH_BIT },
        { "virtio-gpu", "edid", "edid", FEATMASK_SWITCH_FLAG },
        { "virtio-gpu", "blob", "blob", FEATMASK_SWITCH_FLAG },
        { "virtio-vsock", "seqpacket", "seqpacket",
          FEATMASK_SWITCH_ON_OFF_AUTO },
        { "virtio-mem", "unplugged-inaccessible", "unplugged-inaccessible",
          FEATMASK_SWITCH_ON_OFF_AUTO },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(FeatmaskMap) map = virtio_featmask_device_map(
            cases[i].kind);
        int idx = featmask_map_lookup(map, cases[i].name);
        const FeatmaskFeature *f;

        g_assert_cmpint(idx, >=, 0);
        f = featmask_map_get(map, idx);
        g_assert_cmpstr(f->switch_prop, ==, cases[i].prop);
        g_assert_cmpint(f->switch_kind, ==, cases[i].sw);
        g_assert_cmpint(f->no_property, ==, cases[i].prop != NULL);
    }
}

static void test_crypto_deps(void)
{
    g_autoptr(FeatmaskMap) map = virtio_featmask_device_map("virtio-crypto");
    const char *const names[] = { "hash_stateless_mode", "version_1", NULL };
    g_autoptr(FeatmaskSet) s = featmask_set_from_names(map, names,
                                                       &error_abort);
    g_autoptr(FeatmaskSet) dropped = featmask_set_new(map);
    g_autofree char *text = NULL;

    /* 5.9.3.1: the stateless modes need revision 1 */
    g_assert_cmpuint(featmask_set_close(s, dropped), ==, 1);
    text = featmask_set_format(dropped);
    g_assert_cmpstr(text, ==, "hash_stateless_mode");
}

/* Every QEMU 10.0 virtio device type resolves to a map. */
static void test_qemu_types(void)
{
    g_autofree char *path = g_build_filename(g_getenv("FEATMASK_DATA"),
                                             "qemu-10.0-virtio-types.txt",
                                             NULL);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    size_t n = 0;
    char **l;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (l = lines; *l; l++) {
        const char *kind;
        g_autoptr(FeatmaskMap) map = NULL;

        if (!**l || **l == '#') {
            continue;
        }
        kind = virtio_featmask_device_kind(*l);
        if (!kind) {
            g_test_message("no kind for %s", *l);
        }
        g_assert_nonnull(kind);
        map = virtio_featmask_device_map(kind);
        g_assert_nonnull(map);
        n++;
    }
    g_assert_cmpuint(n, >, 100);
}

static void test_kind_of_type(void)
{
    static const char *const cases[][2] = {
        { "vhost-user-blk-pci", "virtio-blk" },
        { "vhost-user-blk", "virtio-blk" },
        { "vhost-scsi-pci", "virtio-scsi" },
        { "vhost-user-scsi-pci-transitional", "virtio-scsi" },
        { "vhost-vsock-pci", "virtio-vsock" },
        { "vhost-user-vsock-device", "virtio-vsock" },
        { "vhost-user-fs-pci", "virtio-fs" },
        { "virtio-keyboard-pci", "virtio-input" },
        { "vhost-user-input-pci", "virtio-input" },
        { "virtio-gpu-gl-pci", "virtio-gpu" },
        { "virtio-vga", "virtio-gpu" },
        { "vhost-user-gpu-pci", "virtio-gpu" },
        { "virtio-serial-pci", "virtio-serial" },
        { "vhost-user-snd-pci", "virtio-sound" },
        { "virtio-mem-pci", "virtio-mem" },
        { "virtio-net-pci", "virtio-net" },
        { "vhost-vdpa-device-pci", "virtio" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_assert_cmpstr(virtio_featmask_device_kind(cases[i][0]), ==,
                        cases[i][1]);
    }
    g_assert_null(virtio_featmask_device_kind("virtserialport"));
    g_assert_null(virtio_featmask_device_kind("virtio-gpux-pci"));
    g_assert_null(virtio_featmask_device_kind("vhost-user-fs-pcie"));
    g_assert_null(virtio_featmask_device_kind("e1000e"));
    g_assert_null(virtio_featmask_device_map("e1000e"));
}

int main(int argc, char **argv)
{
    size_t i;

    g_test_init(&argc, &argv, NULL);
    for (i = 0; virtio_featmask_kinds[i]; i++) {
        g_autofree char *path = g_strdup_printf("/featmask/devices/%s",
                                                virtio_featmask_kinds[i]);
        g_test_add_data_func(path, virtio_featmask_kinds[i], test_map);
    }
    for (i = 0; virtio_featmask_device_kinds[i]; i++) {
        g_autofree char *path = g_strdup_printf(
            "/featmask/devices/%s", virtio_featmask_device_kinds[i]);
        g_test_add_data_func(path, virtio_featmask_device_kinds[i],
                             test_map);
    }
    g_test_add_func("/featmask/devices/qmp-names", test_qmp_names);
    g_test_add_func("/featmask/devices/switches", test_switches);
    g_test_add_func("/featmask/devices/crypto-deps", test_crypto_deps);
    g_test_add_func("/featmask/devices/qemu-types", test_qemu_types);
    g_test_add_func("/featmask/devices/kind-of-type", test_kind_of_type);
    return g_test_run();
}
