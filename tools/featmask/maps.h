/*
 * featmask: internals of the map registry shared by profile-read.c
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_MAPS_H
#define FEATMASK_MAPS_H

/*
 * Give @type, which has no shipped map, a dynamic map of @names (in the
 * order given, duplicates once).
 */
bool featmask_maps_add_dynamic(FeatmaskMaps *maps, const char *type,
                               const char *const *names, Error **errp);

#endif
