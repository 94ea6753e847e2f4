list virtio-9p-pci
