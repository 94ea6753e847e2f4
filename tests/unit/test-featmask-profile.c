/*
 * Unit tests of host profiles: reading, writing, errors
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <glib/gstdio.h>
#include <fcntl.h>
#include "pool.h"

static char *tmpdir;

/* Write @text to a file of the temporary folder; returns its path. */
static char *write_file(const char *name, const char *text)
{
    char *path = g_build_filename(tmpdir, name, NULL);

    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

static GPtrArray *load(FeatmaskMaps *maps, Error **errp, ...)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    const char *name, *text;
    va_list ap;

    va_start(ap, errp);
    while ((name = va_arg(ap, const char *))) {
        text = va_arg(ap, const char *);
        g_ptr_array_add(files, write_file(name, text));
    }
    va_end(ap);
    return featmask_profiles_load((const char *const *)files->pdata,
                                  files->len, maps, errp);
}

/* The error of loading one file, without the folder. */
static char *load_error(const char *text)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(GPtrArray) p = NULL;
    Error *err = NULL;
    char *msg;

    p = load(maps, &err, "p.json", text, NULL);
    g_assert_null(p);
    g_assert_nonnull(err);
    msg = g_strdup(strstr(error_get_pretty(err), "p.json"));
    error_free(err);
    return msg;
}

static void test_read(void)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    Error *err = NULL;
    /* features before type, unknown members, aliases */
    g_autoptr(GPtrArray) ps = load(maps, &err, "a.json",
        "{\"future\": {\"x\": [1, 2]}, \"featmask-profile\": 1,"
        " \"host\": \"a\", \"devices\": [{\"features\": [\"csum\","
        " \"hash-report\"], \"id\": \"net0\", \"type\": \"virtio-net-pci\","
        " \"note\": null}], \"cpu\": {\"features\": [\"sse4_1\"],"
        " \"arch\": \"x86_64\"}}", NULL);
    FeatmaskProfile *p;
    FeatmaskProfileDevice *dev;
    g_autofree char *text = NULL;

    g_assert_null(err);
    p = ps->pdata[0];
    g_assert_cmpstr(p->host, ==, "a");
    dev = featmask_profile_find_device(p, "net0");
    g_assert_nonnull(dev);
    text = featmask_set_format(dev->features);
    g_assert_cmpstr(text, ==, "csum,hash");
    g_free(text);
    text = featmask_set_format(p->cpu->features);
    g_assert_cmpstr(text, ==, "sse4.1");
}

/* What is written reads back the same. */
static void test_roundtrip(void)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(GPtrArray) ps = load(maps, &error_abort, "a.json",
        "{\"featmask-profile\": 1, \"host\": \"h\\u00e9\","
        " \"qemu\": {\"kind\": \"stock\", \"version\": \"7.2\"},"
        " \"cpu\": {\"arch\": \"x86_64\", \"vendor\": \"AuthenticAMD\","
        " \"features\": [\"fpu\", \"sse\"], \"unknown-words\":"
        " [\"MSR 0x10A (IA32_ARCH_CAPABILITIES)\"]},"
        " \"devices\": [{\"id\": \"d\", \"type\": \"virtio-blk-pci\","
        " \"backend\": \"file\", \"features\": [\"flush\"]}]}", NULL);
    g_autofree char *json = featmask_profile_to_json(ps->pdata[0]);
    g_autoptr(GPtrArray) again = load(maps, &error_abort, "b.json", json,
                                      NULL);
    FeatmaskProfile *a = ps->pdata[0], *b = again->pdata[0];
    g_autofree char *json2 = featmask_profile_to_json(b);

    g_assert_cmpstr(json, ==, json2);
    g_assert_cmpstr(b->host, ==, "h\xc3\xa9");
    g_assert_cmpstr(b->qemu_kind, ==, "stock");
    g_assert_true(featmask_set_equal(a->cpu->features, b->cpu->features));
    g_assert_cmpstr(b->cpu->unknown_words[0], ==,
                    "MSR 0x10A (IA32_ARCH_CAPABILITIES)");
    g_assert_null(b->cpu->unknown_words[1]);
}

/* Devices featmask has no map for share one map across files. */
static void test_dynamic(void)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(GPtrArray) ps = load(maps, &error_abort,
        "a.json", "{\"featmask-profile\": 1, \"host\": \"a\", \"devices\":"
        " [{\"id\": \"n\", \"type\": \"e1000e\", \"features\": [\"x\","
        " \"y\"]}]}",
        "b.json", "{\"featmask-profile\": 1, \"host\": \"b\", \"devices\":"
        " [{\"id\": \"n\", \"type\": \"e1000e\", \"features\": [\"y\","
        " \"z\"]}]}", NULL);
    FeatmaskProfileDevice *a = featmask_profile_find_device(ps->pdata[0],
                                                            "n");
    FeatmaskProfileDevice *b = featmask_profile_find_device(ps->pdata[1],
                                                            "n");

    g_assert_true(featmask_set_map(a->features) ==
                  featmask_set_map(b->features));
    g_assert_true(featmask_map_is_dynamic(featmask_set_map(a->features)));
    g_assert_cmpuint(featmask_map_size(featmask_set_map(a->features)), ==,
                     3);
}

static void test_errors(void)
{
    static const struct { const char *in, *error; } cases[] = {
        { "[]", "p.json:1:1: a profile must be a JSON object, not an array" },
        { "{\"host\": \"a\"}", "p.json:1:1: not a featmask profile: no"
          " member 'featmask-profile'" },
        { "{\"featmask-profile\": 1}", "p.json:1:1: the profile has no"
          " member 'host'" },
        { "{\"featmask-profile\": 1, \"host\": \"\"}", "p.json:1:33: 'host'"
          " of the profile must not be empty" },
        { "{\"featmask-profile\": \"1\", \"host\": \"a\"}", "p.json:1:22:"
          " 'featmask-profile' must be a version number, not a string" },
        /* another version explains any other error in the file */
        { "{\"host\": 5, \"featmask-profile\": 2}", "p.json:1:33: unknown"
          " profile version 2 (this featmask reads version 1)" },
        { "{\"featmask-profile\": 1.0, \"host\": \"a\"}", "p.json:1:22:"
          " unknown profile version 1.0 (this featmask reads version 1)" },
        { "{\"featmask-profile\": 1, \"host\": \"a\", \"devices\": [{\"id\":"
          " \"n\", \"type\": \"virtio-net-pci\", \"features\": []}, {\"id\":"
          " \"n\", \"type\": \"virtio-net-pci\", \"features\": []}]}",
          "p.json:1:105: device 'n' is listed twice" },
        { "{\"featmask-profile\": 1, \"host\": \"a\", \"devices\": [{\"id\":"
          " \"n\", \"features\": []}]}", "p.json:1:50: device 'n' has no"
          " member 'type'" },
        { "{\"featmask-profile\": 1, \"host\": \"a\", \"devices\": [{\"id\":"
          " \"n\", \"type\": \"virtio-net-pci\", \"features\": [],"
          " \"features\": []}]}", "p.json:1:104: member 'features' is given"
          " twice (first at 1:88)" },
        /* a second "type" would change the map after the features */
        { "{\"featmask-profile\": 1, \"host\": \"a\", \"devices\": [{\"id\":"
          " \"n\", \"type\": \"virtio-net-pci\", \"features\": [\"csum\"],"
          " \"type\": \"virtio-blk-pci\"}]}", "p.json:1:110: member 'type' is"
          " given twice (first at 1:62)" },
        /* so would a second "arch" */
        { "{\"featmask-profile\": 1, \"host\": \"a\", \"cpu\": {\"arch\":"
          " \"x86_64\", \"features\": [\"fpu\"], \"arch\": \"aarch64\"}}",
          "p.json:1:85: member 'arch' is given twice (first at 1:46)" },
        /* any object: the profile's own members, members featmask skips */
        { "{\"featmask-profile\": 1, \"host\": \"a\", \"host\": \"b\"}",
          "p.json:1:38: member 'host' is given twice (first at 1:25)" },
        { "{\"featmask-profile\": 1, \"host\": \"a\", \"future\": [{\"x\": 1,"
          " \"x\": 2}]}", "p.json:1:58: member 'x' is given twice (first at"
          " 1:50)" },
        { "{\"featmask-profile\": 1, \"host\": \"a\", \"cpu\": {\"arch\":"
          " \"x86_64\", \"features\": []}, \"cpu\": {}}", "p.json:1:81:"
          " member 'cpu' is given twice (first at 1:38)" },
        { "{\"featmask-profile\": 1, \"host\": \"a\", \"devices\": [7]}",
          "p.json:1:50: device 1 must be an object, not a number" },
        { "{\"featmask-profile\": 1, \"host\": \"a\", \"cpu\": {\"arch\":"
          " \"x86_64\", \"features\": [\"fpu\", 3]}}", "p.json:1:84: feature"
          " 2 of 'cpu' must be a string, not a number" },
        { "{\"featmask-profile\": 1, \"host\": \"a\", \"qemu\": {\"kind\":"
          " \"forked\"}}", "p.json:1:55: 'kind' of 'qemu' must be 'patched'"
          " or 'stock', not 'forked'" },
        { "{\"featmask-profile\": 1, \"host\": \"a\", \"cpu\": {\"arch\":"
          " \"x86_64\", \"features\": [], \"unknown-words\": [1]}}",
          "p.json:1:98: item 1 of 'unknown-words' of 'cpu' must be a string,"
          " not a number" },
        /* json-glib 1.6 writes U+001F unescaped: found by fuzz-profile */
        { "{\"featmask-profile\": 1, \"host\": \"a\", \"devices\": [{\"id\":"
          " \"n\\u001f0\", \"type\": \"e1000e\", \"features\": []}]}",
          "p.json:1:57: 'id' of device 1 has a control character"
          " (U+001F)" },
        { "{\"featmask-profile\": 1, \"host\": \"a\\tb\"}", "p.json:1:33:"
          " 'host' of the profile has a control character (U+0009)" },
        { "{\"featmask-profile\": 1, \"host\": \"a\"} x", "p.json:1:38:"
          " unexpected 'x', expected the end of the file" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = load_error(cases[i].in);
        g_assert_cmpstr(got, ==, cases[i].error);
    }
}

/* A profile of @ndev devices of @nfeat features (e1000e: a dynamic map). */
static char *big_profile(unsigned ndev, unsigned nfeat)
{
    GString *s = g_string_new("{\"featmask-profile\": 1, \"host\": \"a\","
                              " \"devices\": [");
    unsigned d, f;

    for (d = 0; d < ndev; d++) {
        g_string_append_printf(s, "%s{\"id\": \"n%u\", \"type\":"
                               " \"e1000e\", \"features\": [",
                               d ? ", " : "", d);
        for (f = 0; f < nfeat; f++) {
            g_string_append_printf(s, "%s\"f%u\"", f ? ", " : "", f);
        }
        g_string_append(s, "]}");
    }
    g_string_append(s, "]}");
    return g_string_free(s, FALSE);
}

/* The documented limits hold, and one more is refused. */
static void test_limits(void)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(GPtrArray) ps = NULL;
    g_autofree char *text = NULL;
    g_autofree char *got = NULL;
    g_autofree char *path = NULL;
    FeatmaskProfile *p;
    int fd;

    text = big_profile(FEATMASK_PROFILE_MAX_DEVICES, 1);
    ps = load(maps, &error_abort, "big.json", text, NULL);
    p = ps->pdata[0];
    g_assert_cmpuint(p->devices->len, ==, FEATMASK_PROFILE_MAX_DEVICES);
    g_assert_true(featmask_profile_find_device(p, "n65535") ==
                  p->devices->pdata[65535]);
    g_clear_pointer(&text, g_free);
    text = big_profile(FEATMASK_PROFILE_MAX_DEVICES + 1, 0);
    got = load_error(text);
    g_assert_true(g_str_has_suffix(got, ": more than 65536 devices in one"
                                   " profile"));
    g_clear_pointer(&text, g_free);
    g_clear_pointer(&got, g_free);

    text = big_profile(1, FEATMASK_PROFILE_MAX_FEATURES + 1);
    got = load_error(text);
    g_assert_true(g_str_has_suffix(got, ": device 'n0' has more than 4096"
                                   " features"));
    g_clear_pointer(&got, g_free);

    /* A file past the size limit is refused before it is parsed. */
    path = g_build_filename(tmpdir, "p.json", NULL);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, FEATMASK_PROFILE_MAX_SIZE + 1), ==, 0);
    close(fd);
    {
        const char *files[] = { path };
        Error *err = NULL;

        g_assert_null(featmask_profiles_load(files, 1, maps, &err));
        g_assert_true(g_str_has_suffix(error_get_pretty(err),
                      "p.json: a profile may have at most 64 MiB, this file"
                      " has 67108865 bytes"));
        error_free(err);
    }
    g_unlink(path);
}

/* Lookups by id see devices however they were appended; the first wins. */
static void test_find_device(void)
{
    g_autoptr(FeatmaskProfile) p = featmask_profile_new("h");
    g_autoptr(FeatmaskMap) map = featmask_map_new("x", NULL);
    FeatmaskProfileDevice *a, *b, *c;

    featmask_map_finalize(map, &error_abort);
    g_assert_null(featmask_profile_find_device(p, "a"));
    a = featmask_profile_add_device(p, "a", "e1000e", NULL, map);
    g_assert_true(featmask_profile_find_device(p, "a") == a);
    b = featmask_profile_add_device(p, "b", "e1000e", NULL, map);
    c = featmask_profile_add_device(p, "a", "e1000e", NULL, map);
    g_assert_true(featmask_profile_find_device(p, "b") == b);
    g_assert_true(featmask_profile_find_device(p, "a") == a);
    g_assert_false(featmask_profile_find_device(p, "a") == c);
    g_assert_null(featmask_profile_find_device(p, "c"));
}

/*
 * Sets over different maps never meet in the core: profiles read with
 * two FeatmaskMaps have two dynamic maps for one architecture.  That is
 * an input error, not "nothing in common".
 */
static void test_pool_other_maps(void)
{
    static const char *const text[] = {
        "{\"featmask-profile\": 1, \"host\": \"a\", \"cpu\": {\"arch\":"
        " \"aarch64\", \"features\": [\"fp\", \"asimd\"]}}",
        "{\"featmask-profile\": 1, \"host\": \"b\", \"cpu\": {\"arch\":"
        " \"aarch64\", \"features\": [\"fp\"]}}",
    };
    g_autoptr(FeatmaskMaps) maps_a = featmask_maps_new();
    g_autoptr(FeatmaskMaps) maps_b = featmask_maps_new();
    g_autoptr(GPtrArray) a = load(maps_a, &error_abort, "a.json", text[0],
                                  NULL);
    g_autoptr(GPtrArray) b = load(maps_b, &error_abort, "b.json", text[1],
                                  NULL);
    g_autoptr(GPtrArray) both = g_ptr_array_new();
    bool incompatible = true;
    Error *err = NULL;

    g_ptr_array_add(both, a->pdata[0]);
    g_ptr_array_add(both, b->pdata[0]);
    g_assert_null(featmask_pool_negotiate(both, 0, &incompatible, &err));
    g_assert_false(incompatible);
    g_assert_cmpstr(error_get_pretty(err), ==, "the CPU: the features of"
                    " hosts 'a' and 'b' are over different maps (cpu-aarch64,"
                    " cpu-aarch64): profiles must be read together");
    error_free(err);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("featmask-test-XXXXXX", NULL);
    g_test_add_func("/featmask/profile/read", test_read);
    g_test_add_func("/featmask/profile/roundtrip", test_roundtrip);
    g_test_add_func("/featmask/profile/dynamic-map", test_dynamic);
    g_test_add_func("/featmask/profile/errors", test_errors);
    g_test_add_func("/featmask/profile/limits", test_limits);
    g_test_add_func("/featmask/profile/find-device", test_find_device);
    g_test_add_func("/featmask/pool/other-maps", test_pool_other_maps);
    ret = g_test_run();
    /* The files are small and few: remove them one by one. */
    {
        g_autoptr(GDir) dir = g_dir_open(tmpdir, 0, NULL);
        const char *name;

        while (dir && (name = g_dir_read_name(dir))) {
            g_autofree char *path = g_build_filename(tmpdir, name, NULL);
            g_unlink(path);
        }
        g_rmdir(tmpdir);
    }
    return ret;
}
