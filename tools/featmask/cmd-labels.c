/*
 * featmask labels: a host's Kubernetes node labels
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "cli.h"
#include "labels.h"

static char *opt_output;
static char *opt_dir;

static const GOptionEntry labels_options[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
      "write the labels to FILE (one profile)", "FILE" },
    { "output-dir", 'd', 0, G_OPTION_ARG_FILENAME, &opt_dir,
      "write one file per host, named after it, into DIR", "DIR" },
    { NULL }
};

static bool write_file(const char *path, const char *text, Error **errp)
{
    g_autoptr(GError) gerr = NULL;

    if (!g_file_set_contents(path, text, -1, &gerr)) {
        error_setg(errp, "cannot write %s: %s", path, gerr->message);
        return false;
    }
    return true;
}

/* Where the labels of @p go: stdout (NULL), -o FILE or DIR/HOST. */
static bool labels_path(const FeatmaskProfile *p, char **path, Error **errp)
{
    if (!opt_dir) {
        *path = g_strdup(opt_output);
        return true;
    }
    /* node-feature-discovery skips files whose names start with '.' */
    if (!*p->host || p->host[0] == '.' || strchr(p->host, '/')) {
        error_setg(errp, "host '%s' cannot name a file in %s", p->host,
                   opt_dir);
        return false;
    }
    *path = g_build_filename(opt_dir, p->host, NULL);
    return true;
}

int cmd_labels(int argc, char **argv)
{
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(GPtrArray) profiles = NULL;
    Error *err = NULL;
    guint i;

    if (!cli_parse("labels", "PROFILE...", "Writes a host's Kubernetes "
                   "node labels as a node-feature-discovery local\nfeature "
                   "file (features.d): the CPU with KubeVirt's label names, "
                   "the devices\nunder featmask's prefixes.  "
                   "'featmask plan --format selector' selects on them.",
                   labels_options, &argc, &argv)) {
        return FEATMASK_EXIT_USAGE;
    }
    if (argc < 2) {
        return cli_usage("labels", "no host profile given");
    }
    if (opt_output && opt_dir) {
        return cli_usage("labels", "-o and --output-dir exclude each other");
    }
    profiles = cli_load_profiles(argv + 1, argc - 1, maps, &err);
    if (!profiles) {
        cli_error(err);
        return FEATMASK_EXIT_USAGE;
    }
    if (profiles->len > 1 && !opt_dir) {
        return cli_usage("labels", "%u profiles: give --output-dir DIR for "
                         "one file per host", profiles->len);
    }
    if (opt_dir && g_mkdir_with_parents(opt_dir, 0755) < 0) {
        fprintf(stderr, "featmask: cannot create %s: %s\n", opt_dir,
                g_strerror(errno));
        return FEATMASK_EXIT_USAGE;
    }
    for (i = 0; i < profiles->len; i++) {
        FeatmaskProfile *p = profiles->pdata[i];
        g_autoptr(GPtrArray) labels = featmask_labels_host(p, &err);
        g_autofree char *text = NULL;
        g_autofree char *path = NULL;

        if (!labels) {
            error_prepend(&err, "%s: ", p->host);
            cli_error(err);
            return FEATMASK_EXIT_USAGE;
        }
        text = featmask_labels_format(labels, p->host);
        if (!labels_path(p, &path, &err) ||
            (path && !write_file(path, text, &err))) {
            cli_error(err);
            return FEATMASK_EXIT_USAGE;
        }
        if (!path) {
            fputs(text, stdout);
        }
    }
    return FEATMASK_EXIT_OK;
}
