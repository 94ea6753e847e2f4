list virtio-gpu-pci
