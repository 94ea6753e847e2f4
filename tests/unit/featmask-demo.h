/*
 * A small feature map for the unit tests: net-like dependencies, an
 * alias-rich name and an unmigratable feature
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_DEMO_H
#define FEATMASK_DEMO_H

#include "qemu/featmask.h"

/* Indexes of the demo map's features. */
enum {
    DEMO_CSUM, DEMO_GUEST_CSUM, DEMO_HOST_TSO4, DEMO_HOST_TSO6, DEMO_HOST_ECN,
    DEMO_SSE4_1, DEMO_INVTSC, DEMO__MAX,
};

FeatmaskMap *demo_map(void);

/* A set of the demo map from names, which must be valid. */
FeatmaskSet *demo_set(FeatmaskMap *map, const char *names);

#endif
