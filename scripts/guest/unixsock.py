#
# Connecting to the unix sockets QEMU creates (-serial unix:..., -qmp
# unix:..., with server=on,wait=off), which appear some time after QEMU
# starts.  Standard library only.
#
# Copyright (c) featmask contributors
# SPDX-License-Identifier: GPL-2.0-or-later

import socket
import time


def connect(path, timeout=30.0, what='socket'):
    """Connect to the unix socket at @path, retrying every 50 ms while it
    does not exist or nobody listens yet; raise TimeoutError after
    @timeout seconds, naming @what."""
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except (FileNotFoundError, ConnectionRefusedError):
            sock.close()
            if time.monotonic() >= deadline:
                raise TimeoutError(f'cannot connect to the {what} at {path}')
            time.sleep(0.05)
