list virtio-nett
