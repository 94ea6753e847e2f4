list vhost-user-blk-pci
