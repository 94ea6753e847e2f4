/*
 * A vhost-user backend for the featmask qtests, in the test's own
 * process: libvhost-user answering on a unix socket, offering the device
 * features a "host" has (net, blk, or any vhost-user device type given
 * its features, config space and queue count).  It has no data path:
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
 * FeatmaskVhostUserConf: what a backend serves
 * @features: the device feature bits it offers (GET_FEATURES; libvhost-user
 *            adds the transport bits its virtqueue code supports and the
 *            vhost-user bits)
 * @queues: the queues it has (GET_QUEUE_NUM); 0 for 1
 * @config: the config space GET_CONFIG answers with (zeros past
 *          @config_len), or NULL for a device without one (no CONFIG
 *          protocol feature)
 * @config_len: its size in bytes
 */
typedef struct FeatmaskVhostUserConf {
    uint64_t features;
    uint16_t queues;
    const void *config;
    size_t config_len;
} FeatmaskVhostUserConf;

/**
 * featmask_vhost_user_start_conf: listen on @path and serve @conf (copied)
 * to the QEMU that connects.  The socket exists when this returns.
 */
FeatmaskVhostUser *featmask_vhost_user_start_conf(
    const char *path, const FeatmaskVhostUserConf *conf);

/**
 * featmask_vhost_user_start: a virtio-net backend offering @features,
 * two queues, no config space
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
