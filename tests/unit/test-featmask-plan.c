/*
 * featmask plan: masks that cannot widen, and how --verify puts a plan's
 * lines into a host's own QEMU arguments
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <json-glib/json-glib.h>
#include "tools/featmask/profile.h"
#include "tools/featmask/verify.h"

/*
 * @map with one feature more, as a newer QEMU's map would be: a feature
 * featmask's CLI does not know.
 */
static FeatmaskMap *map_plus_one(const FeatmaskMap *map)
{
    FeatmaskMap *wider = featmask_map_new(featmask_map_kind(map), "wider");
    FeatmaskFeature newer = { .name = "x-newer-feature",
                              .bit = FEATMASK_NO_BIT,
                              .desc = "a feature only a newer QEMU knows" };
    size_t i;

    for (i = 0; i < featmask_map_size(map); i++) {
        g_assert_true(featmask_map_add(wider, featmask_map_get(map, i),
                                       &error_abort));
    }
    g_assert_true(featmask_map_add(wider, &newer, &error_abort));
    g_assert_true(featmask_map_finalize(wider, &error_abort));
    return wider;
}

/* @set's names, as a set over @map (which knows them all). */
static FeatmaskSet *same_names(const FeatmaskSet *set, const FeatmaskMap *map)
{
    g_autofree const char **names = featmask_set_to_names(set);

    return featmask_set_from_names(map, names, &error_abort);
}

static JsonNode *run_plan_json(void)
{
    const char *cli = g_getenv("FEATMASK_CLI");
    const char *data = g_getenv("FEATMASK_DATA");
    g_autofree char *a = g_build_filename(data, "../../examples/host-a.json",
                                          NULL);
    g_autofree char *b = g_build_filename(data, "../../examples/host-b.json",
                                          NULL);
    g_autofree char *out = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    const char *argv[] = { cli, "plan", "--json", "--qemu-kind", "patched",
                           a, b, NULL };
    int status;

    g_assert_nonnull(cli);
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL,
                               G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                               NULL, &status, &gerr));
    g_assert_no_error(gerr);
    g_assert_cmpint(status, ==, 0);
    g_assert_true(json_parser_load_from_data(parser, out, -1, NULL));
    return json_node_copy(json_parser_get_root(parser));
}

/*
 * The features= value of every device of the plan, read by a QEMU whose
 * map knows one feature more: the same set, without that feature.  The
 * old "all,-x" form would have turned it on.
 */
static void test_cannot_widen(void)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(JsonNode) plan = run_plan_json();
    JsonArray *hosts = json_node_get_array(plan);
    guint h, d, checked = 0;

    for (h = 0; h < json_array_get_length(hosts); h++) {
        JsonArray *devs = json_object_get_array_member(
            json_array_get_object_element(hosts, h), "devices");

        for (d = 0; d < json_array_get_length(devs); d++) {
            JsonObject *dev = json_array_get_object_element(devs, d);
            const char *value = json_object_get_string_member(dev,
                                                              "features");
            FeatmaskMap *map = featmask_maps_get(
                maps, json_object_get_string_member(dev, "type"));
            g_autoptr(FeatmaskMap) wider = map_plus_one(map);
            g_autoptr(FeatmaskMask) narrow_mask = NULL;
            g_autoptr(FeatmaskMask) wide_mask = NULL;
            g_autoptr(FeatmaskSet) narrow = NULL;
            g_autoptr(FeatmaskSet) wide = NULL;
            g_autoptr(FeatmaskSet) want = NULL;
            g_autoptr(FeatmaskSet) dflt = featmask_set_new_full(wider);
            g_autoptr(FeatmaskSet) off = NULL;
            g_autoptr(FeatmaskSet) nothing = NULL;
            g_autoptr(FeatmaskMask) old_form = NULL;
            g_autoptr(FeatmaskMask) old_wide_mask = NULL;
            g_autoptr(FeatmaskSet) old_wide = NULL;
            g_autofree char *old_text = NULL;

            narrow_mask = featmask_mask_parse(map, value, &error_abort);
            narrow = featmask_mask_apply(narrow_mask, NULL);
            wide_mask = featmask_mask_parse(wider, value, &error_abort);
            wide = featmask_mask_apply(wide_mask, dflt);
            want = same_names(narrow, wider);
            g_assert_true(featmask_set_equal(wide, want));
            g_assert_false(featmask_set_has(wide, featmask_map_lookup(
                wider, "x-newer-feature")));

            /* What "all,-x" of the same set means to the wider map. */
            off = featmask_set_new_full(map);
            featmask_set_subtract(off, narrow);
            nothing = featmask_set_new(map);
            old_form = featmask_mask_new(FEATMASK_BASE_ALL, nothing, off);
            old_text = featmask_mask_format(old_form);
            old_wide_mask = featmask_mask_parse(wider, old_text,
                                                &error_abort);
            old_wide = featmask_mask_apply(old_wide_mask, dflt);
            g_assert_true(featmask_set_has(old_wide, featmask_map_lookup(
                wider, "x-newer-feature")));
            checked++;
        }
    }
    g_test_message("%u features= values checked", checked);
    g_assert_cmpuint(checked, >=, 4);
}

/* --verify: the plan's lines go into the host's own arguments. */
static void test_verify_args(void)
{
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(
        (GDestroyNotify)featmask_verify_line_free);
    const char *own[] = {
        "-machine", "pc-q35-7.2", "-cpu", "qemu64",
        "-netdev", "user,id=n0",
        "-device", "virtio-net-pci,id=net0,netdev=n0,romfile=",
        "-device", "virtio-blk-pci,id=disk9,drive=d9", NULL,
    };
    g_auto(GStrv) argv = NULL;
    g_autofree char *joined = NULL;

    g_ptr_array_add(lines, featmask_verify_line_new("cpu",
                                                    "-cpu max,pku=off"));
    g_ptr_array_add(lines, featmask_verify_line_new(
        "net0", "-device virtio-net-pci,id=net0,csum=off,gso=off"));
    g_ptr_array_add(lines, featmask_verify_line_new(
        "net1", "-device virtio-net-pci,id=net1,features=none,+mac"));
    argv = featmask_verify_args((char *const *)own, lines);
    joined = g_strjoinv(" ", argv);
    g_assert_cmpstr(joined, ==,
                    "-machine pc-q35-7.2 -cpu max,pku=off "
                    "-netdev user,id=n0 "
                    "-device virtio-net-pci,id=net0,netdev=n0,romfile=,"
                    "csum=off,gso=off "
                    "-device virtio-blk-pci,id=disk9,drive=d9 "
                    "-device virtio-net-pci,id=net1,features=none,+mac");
}

/* The qemu section of a probed profile reads, and writes back the same. */
static void test_qemu_section(void)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autofree char *file = g_build_filename(g_getenv("FEATMASK_DATA"),
                                             "pools", "old.json", NULL);
    g_autofree char *copy = NULL;
    g_autofree char *text = NULL;
    g_autofree char *again = NULL;
    g_autoptr(GPtrArray) ps = NULL;
    g_autoptr(GPtrArray) ps2 = NULL;
    FeatmaskProfile *p;
    char *const *cpu;
    const char *files[1];
    int fd;

    files[0] = file;
    ps = featmask_profiles_load(files, 1, maps, &error_abort);
    p = ps->pdata[0];
    g_assert_cmpstr(p->qemu_kind, ==, "stock");
    g_assert_cmpstr(p->qemu_accel, ==, "tcg");
    g_assert_cmpstr(p->qemu_binary, ==, "/usr/bin/qemu-system-x86_64");
    g_assert_true(g_strv_contains((const char *const *)p->qemu_args,
                                  "pc-q35-7.2"));
    g_assert_true(g_strv_contains((const char *const *)p->qemu_cpu_models,
                                  "EPYC-v1"));
    cpu = featmask_profile_switches(p, "x86-cpu");
    g_assert_nonnull(cpu);
    g_assert_true(g_strv_contains((const char *const *)cpu, "pcommit"));
    /* QEMU 7.2 has no gds-no, nor virtio-net's host_uso. */
    g_assert_false(g_strv_contains((const char *const *)cpu, "gds-no"));
    g_assert_false(g_strv_contains((const char *const *)
        featmask_profile_switches(p, "virtio-net-pci"), "host_uso"));
    g_assert_null(featmask_profile_switches(p, "virtio-blk-pci"));

    text = featmask_profile_to_json(p);
    fd = g_file_open_tmp("featmask-qemu-XXXXXX.json", &copy, NULL);
    g_assert_cmpint(fd, >=, 0);
    close(fd);
    g_assert_true(g_file_set_contents(copy, text, -1, NULL));
    files[0] = copy;
    ps2 = featmask_profiles_load(files, 1, maps, &error_abort);
    again = featmask_profile_to_json(ps2->pdata[0]);
    g_assert_cmpstr(text, ==, again);
    unlink(copy);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/featmask/plan/cannot-widen", test_cannot_widen);
    g_test_add_func("/featmask/plan/verify-args", test_verify_args);
    g_test_add_func("/featmask/plan/qemu-section", test_qemu_section);
    return g_test_run();
}
