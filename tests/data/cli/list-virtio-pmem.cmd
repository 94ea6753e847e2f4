list virtio-pmem-pci
