mask virtio-net-pci all,-host_usoo
