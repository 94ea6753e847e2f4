/*
 * featmask host profiles: what the model (profile.c) shares with the
 * reader (profile-read.c), outside the public API of profile.h
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_PROFILE_INTERNAL_H
#define FEATMASK_PROFILE_INTERNAL_H

/* Frees a FeatmaskProfileSwitches: the free function of p->qemu_switches. */
void profile_switches_free(void *opaque);

#endif
