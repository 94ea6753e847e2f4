list vhost-vsock-pci
