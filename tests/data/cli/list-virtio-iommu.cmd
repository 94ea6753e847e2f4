list virtio-iommu-pci
