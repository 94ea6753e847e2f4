/*
 * The x86 CPU map and model table against a real QEMU
 *
 * Every feature name featmask emits must be a property of QEMU's "max"
 * CPU, every model version of the table must be one QEMU knows, each
 * model's features must be the ones QEMU expands it to, and a
 * "-cpu Model-vN,+x" line of a plan must start under TCG with only
 * features of the baseline.
 *
 * The QEMU is $FEATMASK_QEMU, else the one this project builds
 * (${FEATMASK_CACHE:-/var/cache/featmask}/qemu-build/prefix/bin/), else
 * Debian's /usr/bin/qemu-system-x86_64.  Against a QEMU older than 10.0
 * the names and models it lacks are compared with a golden list
 * (tests/data/cpu/qemu-<major>.<minor>-missing.txt).
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sys/prctl.h>
#include "tools/featmask/cpuid-dump.h"

static char *qemu_bin;

typedef struct Qmp {
    GSubprocess *proc;
    GDataInputStream *in;
    GOutputStream *out;
} Qmp;

static JsonNode *qmp_read(Qmp *q)
{
    for (;;) {
        g_autoptr(GError) gerr = NULL;
        g_autofree char *line = g_data_input_stream_read_line(q->in, NULL,
                                                              NULL, &gerr);
        g_autoptr(JsonParser) parser = json_parser_new();
        JsonObject *obj;

        g_assert_no_error(gerr);
        g_assert_nonnull(line);
        g_assert_true(json_parser_load_from_data(parser, line, -1, NULL));
        obj = json_node_get_object(json_parser_get_root(parser));
        if (json_object_has_member(obj, "event")) {
            continue;
        }
        return json_node_copy(json_parser_get_root(parser));
    }
}

/*
 * Run a command; returns its "return" member, or NULL on "error" (told
 * unless @quiet).
 */
static JsonNode *qmp_full(Qmp *q, const char *cmd, bool quiet)
{
    g_autoptr(JsonNode) resp = NULL;
    g_autofree char *line = g_strconcat(cmd, "\n", NULL);
    JsonObject *obj;

    g_assert_true(g_output_stream_write_all(q->out, line, strlen(line), NULL,
                                            NULL, NULL));
    resp = qmp_read(q);
    obj = json_node_get_object(resp);
    if (!json_object_has_member(obj, "return")) {
        g_autofree char *text = json_to_string(resp, FALSE);

        if (!quiet) {
            g_test_message("QMP %s: %s", cmd, text);
        }
        return NULL;
    }
    return json_node_copy(json_object_get_member(obj, "return"));
}

static JsonNode *qmp(Qmp *q, const char *cmd)
{
    return qmp_full(q, cmd, false);
}

static void die_with_parent(gpointer opaque)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static Qmp *qmp_start(const char *const *extra)
{
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) gerr = NULL;
    g_autoptr(JsonNode) greeting = NULL;
    g_autoptr(JsonNode) caps = NULL;
    Qmp *q = g_new0(Qmp, 1);

    g_ptr_array_add(argv, qemu_bin);
    g_ptr_array_add(argv, (char *)"-display");
    g_ptr_array_add(argv, (char *)"none");
    g_ptr_array_add(argv, (char *)"-nodefaults");
    g_ptr_array_add(argv, (char *)"-qmp");
    g_ptr_array_add(argv, (char *)"stdio");
    for (; extra && *extra; extra++) {
        g_ptr_array_add(argv, (char *)*extra);
    }
    g_ptr_array_add(argv, NULL);
    launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                         G_SUBPROCESS_FLAGS_STDOUT_PIPE);
    /* A failed assertion aborts the test: QEMU must not outlive it. */
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL,
                                          NULL);
    q->proc = g_subprocess_launcher_spawnv(launcher,
                                           (const char *const *)argv->pdata,
                                           &gerr);
    g_assert_no_error(gerr);
    q->in = g_data_input_stream_new(g_subprocess_get_stdout_pipe(q->proc));
    q->out = g_subprocess_get_stdin_pipe(q->proc);
    greeting = qmp_read(q);
    caps = qmp(q, "{\"execute\": \"qmp_capabilities\"}");
    g_assert_nonnull(caps);
    return q;
}

static void qmp_quit(Qmp *q)
{
    g_autoptr(JsonNode) r = qmp(q, "{\"execute\": \"quit\"}");

    g_subprocess_wait(q->proc, NULL, NULL);
    g_object_unref(q->in);
    g_object_unref(q->proc);
    g_free(q);
}

static void qemu_version(int *major, int *minor)
{
    Qmp *q = qmp_start((const char *[]) { "-machine", "none", NULL });
    g_autoptr(JsonNode) v = qmp(q, "{\"execute\": \"query-version\"}");
    JsonObject *qv = json_object_get_object_member(json_node_get_object(v),
                                                   "qemu");

    *major = json_object_get_int_member(qv, "major");
    *minor = json_object_get_int_member(qv, "minor");
    qmp_quit(q);
}

/* The boolean properties of a model as QEMU expands it ("full"). */
static GHashTable *expand(Qmp *q, const char *model)
{
    g_autofree char *cmd = g_strdup_printf(
        "{\"execute\": \"query-cpu-model-expansion\", \"arguments\":"
        " {\"type\": \"full\", \"model\": {\"name\": \"%s\"}}}", model);
    g_autoptr(JsonNode) r = qmp_full(q, cmd, true);
    GHashTable *props = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, NULL);
    JsonObject *p;
    GList *members, *l;

    if (!r) {
        g_hash_table_destroy(props);
        return NULL;
    }
    p = json_object_get_object_member(
        json_object_get_object_member(json_node_get_object(r), "model"),
        "props");
    members = json_object_get_members(p);
    for (l = members; l; l = l->next) {
        JsonNode *n = json_object_get_member(p, l->data);

        if (JSON_NODE_HOLDS_VALUE(n) &&
            json_node_get_value_type(n) == G_TYPE_BOOLEAN) {
            g_hash_table_insert(props, g_strdup(l->data),
                                GINT_TO_POINTER(json_node_get_boolean(n) ?
                                                2 : 1));
        }
    }
    g_list_free(members);
    return props;
}

static bool skip_without_qemu(void)
{
    if (!qemu_bin) {
        g_test_skip("no QEMU: set FEATMASK_QEMU, build QEMU with "
                    "scripts/build-qemu.sh or install qemu-system-x86");
        return true;
    }
    return false;
}

/*
 * Against QEMU 10.0: nothing may be missing.  Against an older QEMU, what
 * is missing must be what the golden list says.
 */
static void check_missing(GString *missing, int major, int minor)
{
    g_autofree char *rel = NULL;
    g_autofree char *path = NULL;
    g_autofree char *want = NULL;
    const char *dir = g_getenv("FEATMASK_DATA");

    if (major > 10 || (major == 10 && minor >= 0)) {
        g_assert_cmpstr(missing->str, ==, "");
        return;
    }
    g_assert_nonnull(dir);
    rel = g_strdup_printf("qemu-%d.%d-missing.txt", major, minor);
    path = g_build_filename(dir, "cpu", rel, NULL);
    if (g_getenv("FEATMASK_REGENERATE")) {
        g_assert_true(g_file_set_contents(path, missing->str, -1, NULL));
        return;
    }
    g_assert_true(g_file_get_contents(path, &want, NULL, NULL));
    g_assert_cmpstr(missing->str, ==, want);
}

/* Every name of the map is a property of "max"; every model is known. */
static void test_names_and_models(void)
{
    g_autoptr(FeatmaskMap) map = x86_featmask_map();
    g_autoptr(GString) missing = g_string_new("");
    g_autoptr(GHashTable) max = NULL;
    g_autoptr(GHashTable) known = g_hash_table_new_full(g_str_hash,
                                                        g_str_equal,
                                                        g_free, NULL);
    g_autoptr(JsonNode) defs = NULL;
    const X86Model *models;
    size_t i, v, n, nmissing = 0, nmodels = 0, nmodels_missing = 0;
    JsonArray *arr;
    int major, minor;
    Qmp *q;

    if (skip_without_qemu()) {
        return;
    }
    qemu_version(&major, &minor);
    q = qmp_start((const char *[]) { "-machine", "none", NULL });
    max = expand(q, "max");
    g_assert_nonnull(max);
    for (i = 0; i < featmask_map_size(map); i++) {
        const char *name = featmask_map_get(map, i)->name;

        if (!g_hash_table_contains(max, name)) {
            g_string_append_printf(missing, "feature %s\n", name);
            nmissing++;
        }
    }

    defs = qmp(q, "{\"execute\": \"query-cpu-definitions\"}");
    arr = json_node_get_array(defs);
    for (i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *d = json_array_get_object_element(arr, i);

        g_hash_table_add(known,
                         g_strdup(json_object_get_string_member(d, "name")));
    }
    models = x86_models(&n);
    for (i = 0; i < n; i++) {
        for (v = 0; v < models[i].nversions; v++) {
            int ver = models[i].versions[v].version;
            g_autofree char *name = g_strdup_printf("%s-v%d",
                                                    models[i].name, ver);

            nmodels++;
            if (!g_hash_table_contains(known, name)) {
                g_string_append_printf(missing, "model %s\n", name);
                nmodels_missing++;
            }
        }
    }
    qmp_quit(q);
    g_test_message("QEMU %d.%d (%s): %zu of %zu feature names are properties"
                   " of max; %zu of %zu model versions known", major, minor,
                   qemu_bin, featmask_map_size(map) - nmissing,
                   featmask_map_size(map), nmodels - nmodels_missing,
                   nmodels);
    check_missing(missing, major, minor);
}

/*
 * Each model version has the features QEMU expands it to, apart from
 * what the accelerator adds to every model (hypervisor, ...).
 */
static void test_model_features(void)
{
    g_autoptr(FeatmaskMap) map = x86_featmask_map();
    const X86Model *models;
    size_t i, v, n, checked = 0;
    Qmp *q;

    if (skip_without_qemu()) {
        return;
    }
    q = qmp_start((const char *[]) { "-machine", "none", NULL });
    models = x86_models(&n);
    for (i = 0; i < n; i++) {
        for (v = 0; v < models[i].nversions; v++) {
            int ver = models[i].versions[v].version;
            g_autofree char *name = g_strdup_printf("%s-v%d", models[i].name,
                                                    ver);
            g_autoptr(GHashTable) props = expand(q, name);
            g_autoptr(FeatmaskSet) ours = NULL;
            g_autoptr(FeatmaskSet) theirs = featmask_set_new(map);
            g_autoptr(FeatmaskSet) diff = NULL;
            g_autofree char *only_ours = NULL;
            g_autofree char *only_theirs = NULL;
            size_t k;

            if (!props) {
                continue;           /* a model this QEMU does not have */
            }
            ours = x86_model_features(&models[i], v + 1, &error_abort);
            for (k = 0; k < featmask_map_size(map); k++) {
                if (GPOINTER_TO_INT(g_hash_table_lookup(props,
                        featmask_map_get(map, k)->name)) == 2) {
                    featmask_set_add(theirs, k);
                }
            }
            /*
             * What the accelerator changes in every model: TCG (used
             * here) adds hypervisor and takes vme away.
             */
            featmask_set_del(theirs, featmask_map_lookup(map, "hypervisor"));
            featmask_set_del(ours, featmask_map_lookup(map, "vme"));
            diff = featmask_set_copy(ours);
            featmask_set_subtract(diff, theirs);
            only_ours = featmask_set_format(diff);
            featmask_set_free(diff);
            diff = featmask_set_copy(theirs);
            featmask_set_subtract(diff, ours);
            only_theirs = featmask_set_format(diff);
            if (strcmp(only_ours, "none") || strcmp(only_theirs, "none")) {
                g_test_message("%s: only featmask's table has %s; only QEMU"
                               " has %s", name, only_ours, only_theirs);
            }
            g_assert_cmpstr(only_ours, ==, "none");
            g_assert_cmpstr(only_theirs, ==, "none");
            checked++;
        }
    }
    qmp_quit(q);
    g_test_message("%zu model versions agree with QEMU's expansion",
                   checked);
    g_assert_cmpuint(checked, >, 0);
}

static FeatmaskSet *host_dump_features(const char *rel)
{
    g_autofree char *path = g_build_filename(g_getenv("FEATMASK_DATA"),
                                             "cpu", rel, NULL);
    g_autoptr(X86CpuidData) d = NULL;

    if (g_str_has_suffix(rel, ".rec")) {
        g_autoptr(KvmCpuidRecord) r = kvm_cpuid_record_load(path,
                                                            &error_abort);

        d = kvm_cpuid_record_data(r);
    } else {
        d = cpuid_dump_load(path, NULL, &error_abort);
    }
    return x86_cpuid_host_features(d, NULL, NULL, &error_abort);
}

/*
 * The "-cpu Model-vN,+x,+y" line of a baseline starts under TCG, and the
 * CPU QEMU builds has only features of the baseline.
 */
static void test_model_line_runs(void)
{
    g_autoptr(FeatmaskMap) map = x86_featmask_map();
    g_autoptr(FeatmaskSet) a = NULL;
    g_autoptr(FeatmaskSet) b = NULL;
    g_autoptr(FeatmaskBaseline) bl = NULL;
    g_autoptr(X86ModelChoice) c = NULL;
    g_autoptr(JsonNode) cpus = NULL;
    g_autoptr(FeatmaskSet) outside = featmask_set_new(map);
    g_autoptr(FeatmaskSet) named = featmask_set_new(map);
    g_autoptr(GPtrArray) known = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(JsonNode) defs = NULL;
    g_autoptr(GHashTable) max = NULL;
    g_autofree char *line = NULL;
    g_autofree char *path = NULL;
    g_autofree char *bad = NULL;
    const FeatmaskSet *hosts[2];
    size_t i, nchecked = 0;
    Qmp *q;

    if (skip_without_qemu()) {
        return;
    }
    /* This project's CI CPU, from a dump and from the KVM record. */
    a = host_dump_features("dumps/host-cpuid-tool.txt");
    b = host_dump_features("kvm/amd-host.rec");
    hosts[0] = a;
    hosts[1] = b;
    bl = featmask_negotiate(map, hosts, 2, 0, &error_abort);
    /*
     * An older QEMU does not know every name or model: leave those out,
     * and choose among the models it knows, removing only what it names.
     */
    q = qmp_start((const char *[]) { "-machine", "none", NULL });
    max = expand(q, "max");
    defs = qmp(q, "{\"execute\": \"query-cpu-definitions\"}");
    qmp_quit(q);
    for (i = 0; i < json_array_get_length(json_node_get_array(defs)); i++) {
        g_ptr_array_add(known, g_strdup(json_object_get_string_member(
            json_array_get_object_element(json_node_get_array(defs), i),
            "name")));
    }
    g_ptr_array_add(known, NULL);
    for (i = 0; i < featmask_map_size(map); i++) {
        if (g_hash_table_contains(max, featmask_map_get(map, i)->name)) {
            featmask_set_add(named, i);
        }
    }
    c = x86_model_choose_full(featmask_baseline_common(bl), "AuthenticAMD",
                              (const char *const *)known->pdata, named,
                              &error_abort);
    featmask_set_intersect(c->extra, named);
    line = x86_model_choice_format(c);
    g_test_message("-cpu %s", line);

    q = qmp_start((const char *[]) { "-machine", "pc", "-accel", "tcg",
                                      "-S", "-cpu", line, NULL });
    cpus = qmp(q, "{\"execute\": \"query-cpus-fast\"}");
    g_assert_nonnull(cpus);
    path = g_strdup(json_object_get_string_member(
        json_array_get_object_element(json_node_get_array(cpus), 0),
        "qom-path"));
    for (i = 0; i < featmask_map_size(map); i++) {
        const char *name = featmask_map_get(map, i)->name;
        g_autofree char *cmd = g_strdup_printf(
            "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"%s\","
            " \"property\": \"%s\"}}", path, name);
        g_autoptr(JsonNode) v = qmp_full(q, cmd, true);

        if (!v) {
            continue;       /* a property this QEMU does not have */
        }
        nchecked++;
        if (json_node_get_boolean(v) &&
            !featmask_set_has(featmask_baseline_common(bl), i)) {
            featmask_set_add(outside, i);
        }
    }
    qmp_quit(q);
    bad = featmask_set_format(outside);
    g_test_message("%zu features read from the running CPU", nchecked);
    g_assert_cmpuint(nchecked, >, 300);
    g_assert_cmpstr(bad, ==, "none");
}

int main(int argc, char **argv)
{
    g_autofree char *built = NULL;
    const char *cache = g_getenv("FEATMASK_CACHE");

    g_test_init(&argc, &argv, NULL);
    built = g_build_filename(cache ? cache : "/var/cache/featmask",
                             "qemu-build", "prefix", "bin",
                             "qemu-system-x86_64", NULL);
    if (g_getenv("FEATMASK_QEMU")) {
        qemu_bin = g_strdup(g_getenv("FEATMASK_QEMU"));
    } else if (g_file_test(built, G_FILE_TEST_IS_EXECUTABLE)) {
        qemu_bin = g_strdup(built);
    } else if (g_file_test("/usr/bin/qemu-system-x86_64",
                           G_FILE_TEST_IS_EXECUTABLE)) {
        qemu_bin = g_strdup("/usr/bin/qemu-system-x86_64");
    }
    g_test_add_func("/featmask/cpu/qemu/names-and-models",
                    test_names_and_models);
    g_test_add_func("/featmask/cpu/qemu/model-features",
                    test_model_features);
    g_test_add_func("/featmask/cpu/qemu/model-line-runs",
                    test_model_line_runs);
    return g_test_run();
}
