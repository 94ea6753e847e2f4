mask virtio-net-pci csum,-csum
