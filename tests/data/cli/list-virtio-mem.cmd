list virtio-mem-pci
