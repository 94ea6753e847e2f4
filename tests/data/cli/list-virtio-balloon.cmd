list virtio-balloon-pci
