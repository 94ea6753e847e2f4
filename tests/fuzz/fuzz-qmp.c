/*
 * libFuzzer harness: QMP replies as `featmask probe --qemu` reads them,
 * from a QEMU that answers anything
 *
 * A thread plays QEMU on a unix socket: it sends the input as the whole
 * reply stream (greeting, replies, events), reads what the client sends
 * and closes.  The real QMP client (tools/featmask/qmp.c) connects and
 * featmask_probe_qemu_qmp() (tools/featmask/probe-qemu.c) decodes the
 * devices, on the patched path (query-device-features) or the stock one
 * (qom-list, x-query-virtio-status).
 *
 * Invariants: no glib critical (a reply of the wrong shape must be an
 * error, not a g_return_if_fail); a failure has a message; a probe that
 * succeeds makes a profile that loads again.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "probe-qemu.h"
#include "fuzz-util.h"

static int listen_fd = -1;
static char *sock_path;
static char *profile_path;

typedef struct Server {
    const uint8_t *data;
    size_t size;
} Server;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autofree char *dummy = NULL;

    fuzz_setup();
    signal(SIGPIPE, SIG_IGN);
    dummy = fuzz_write("qmp.sock", "", 0);
    unlink(dummy);
    sock_path = g_steal_pointer(&dummy);
    profile_path = fuzz_write("probed.json", "", 0);
    g_assert(strlen(sock_path) < sizeof(addr.sun_path));
    strcpy(addr.sun_path, sock_path);
    listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd < 0 ||
        bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(listen_fd, 1) < 0) {
        perror("fuzz-qmp: socket");
        exit(1);
    }
    return 0;
}

/* QEMU: send everything, then read until the client is gone. */
static void *serve(void *opaque)
{
    Server *s = opaque;
    int fd = accept(listen_fd, NULL, NULL);
    size_t done = 0;
    char buf[4096];

    if (fd < 0) {
        return NULL;
    }
    while (done < s->size) {
        ssize_t n = write(fd, s->data + done, s->size - done);

        if (n <= 0) {
            break;
        }
        done += n;
    }
    shutdown(fd, SHUT_WR);
    while (read(fd, buf, sizeof(buf)) > 0) {
        /* the client's commands */
    }
    close(fd);
    return NULL;
}

static void check_reload(const FeatmaskProfile *p)
{
    g_autofree char *text = featmask_profile_to_json(p);
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(GPtrArray) again = NULL;
    FILE *f = fopen(profile_path, "w");
    Error *err = NULL;

    fuzz_check(f && fputs(text, f) >= 0 && !fclose(f), "cannot write");
    again = featmask_profiles_load((const char *const *)&profile_path, 1,
                                   maps, &err);
    fuzz_check(again, "the probed profile does not load: %s\n%s",
               err ? error_get_pretty(err) : "", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Server s = { .data = data, .size = size };
    g_autoptr(FeatmaskMaps) maps = featmask_maps_new();
    g_autoptr(FeatmaskProfile) p = featmask_profile_new("fuzz");
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(FeatmaskQmp) q = NULL;
    g_autofree char *version = NULL;
    Error *err = NULL;
    pthread_t server;
    bool ok = false;

    if (pthread_create(&server, NULL, serve, &s)) {
        abort();
    }
    q = featmask_qmp_connect(sock_path, &version, &err);
    if (q) {
        p->qemu_version = g_steal_pointer(&version);
        ok = featmask_probe_qemu_qmp(q, maps, p, notes, &err);
        g_clear_pointer(&q, featmask_qmp_close);
    }
    pthread_join(server, NULL);
    if (!ok) {
        fuzz_check(err && *error_get_pretty(err), "failed without a message");
        error_free(err);
        return 0;
    }
    check_reload(p);
    return 0;
}
