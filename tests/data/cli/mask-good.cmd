mask virtio-net-pci all,-host_uso,-guest_uso4
