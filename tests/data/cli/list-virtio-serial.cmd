list virtio-serial-pci
