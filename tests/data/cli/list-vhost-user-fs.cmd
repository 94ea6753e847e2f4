list vhost-user-fs-pci
