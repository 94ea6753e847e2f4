list virtio-rng-pci
