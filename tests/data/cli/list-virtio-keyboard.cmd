list virtio-keyboard-pci
