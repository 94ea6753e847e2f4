list --json virtio-gpu
