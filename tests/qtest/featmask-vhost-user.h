/*
 * A vhost-user net or blk backend for featmask-device-test, in the test's
 * own process: libvhost-user answering on a unix socket, offering the
 * virtio-net or virtio-blk features a "host" has.  It has no data path:
 * the test needs the features negotiation, the memory table and the dirty
 * log.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_QTEST_FEATMASK_VHOST_USER_H
#define TESTS_QTEST_FEATMASK_VHOST_USER_H

typedef struct FeatmaskVhostUser FeatmaskVhostUser;

/**
 * featmask_vhost_user_start: listen on @path and offer @features (the
 * device feature bits; libvhost-user adds the transport bits its
 * virtqueue code supports and the vhost-user bits) to the QEMU that
 * connects.  The socket exists when this returns.
 */
FeatmaskVhostUser *featmask_vhost_user_start(const char *path,
                                             uint64_t features);

/**
 * featmask_vhost_user_start_blk: the same for vhost-user-blk: a 1 GiB
 * disk with @queues queues (GET_QUEUE_NUM, and num_queues in the config
 * space QEMU reads with GET_CONFIG)
 */
FeatmaskVhostUser *featmask_vhost_user_start_blk(const char *path,
                                                 uint64_t features,
                                                 uint16_t queues);

/**
 * featmask_vhost_user_stop: drop the connection and the socket; QEMU
 * sees its backend go away
 */
void featmask_vhost_user_stop(FeatmaskVhostUser *s);

/**
 * featmask_vhost_user_acked: the features QEMU set (VHOST_USER_SET_FEATURES)
 */
uint64_t featmask_vhost_user_acked(FeatmaskVhostUser *s);

#endif
