/*
 * featmask: Kubernetes node labels of a host, and the node selector of a
 * pool
 *
 * The labels are node-feature-discovery's local feature format (a file in
 * /etc/kubernetes/node-feature-discovery/features.d/: one "name=value" a
 * line, '#' comments).  CPU features and models carry KubeVirt's names
 * (cpu-feature.node.kubevirt.io/<libvirt name>,
 * cpu-model.node.kubevirt.io/<libvirt model>,
 * cpu-vendor.node.kubevirt.io/<vendor>), so that existing KubeVirt
 * selectors keep working; what KubeVirt has no name for, and devices, go
 * under featmask's own prefixes (FEATMASK_LABEL_*).
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_LABELS_H
#define FEATMASK_LABELS_H

#include "pool.h"

#define KUBEVIRT_LABEL_CPU_FEATURE "cpu-feature.node.kubevirt.io/"
#define KUBEVIRT_LABEL_CPU_MODEL "cpu-model.node.kubevirt.io/"
#define KUBEVIRT_LABEL_CPU_VENDOR "cpu-vendor.node.kubevirt.io/"
/* A CPU feature libvirt (so KubeVirt) cannot name: QEMU's name */
#define FEATMASK_LABEL_CPU_FEATURE "cpu-feature.featmask.io/"
/* device-type.featmask.io/<device id>=<QEMU device type> */
#define FEATMASK_LABEL_DEVICE_TYPE "device-type.featmask.io/"
/* device-feature.featmask.io/<device id>.<feature>=true */
#define FEATMASK_LABEL_DEVICE_FEATURE "device-feature.featmask.io/"

/**
 * FeatmaskLabel: one label; @value is "true" for features and models
 */
typedef struct FeatmaskLabel {
    char *name;
    char *value;
} FeatmaskLabel;

/**
 * featmask_labels_host: the labels of host @p, in a stable order
 * Returns an array of FeatmaskLabel *, or NULL if a device id or feature
 * cannot be a label name (Kubernetes: 63 characters of [A-Za-z0-9._-],
 * alphanumeric at both ends).
 */
GPtrArray *featmask_labels_host(const FeatmaskProfile *p, Error **errp);

/**
 * featmask_labels_selector: the labels a node must have to run the common
 * set of @pool: its vendor, every common CPU feature, every device's type
 * and common features.  The hosts of the pool all have them; any other
 * node labelled by featmask_labels_host() has them exactly when it can run
 * what the pool runs.
 */
GPtrArray *featmask_labels_selector(const FeatmaskPool *pool, Error **errp);

/**
 * featmask_labels_format: the features.d file of @labels, with a header
 * comment naming @host
 */
char *featmask_labels_format(GPtrArray *labels, const char *host);

#endif
