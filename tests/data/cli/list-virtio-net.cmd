list virtio-net-pci
