mask virtio-gpu-pci all,-edids
