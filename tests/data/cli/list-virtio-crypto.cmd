list virtio-crypto-pci
