list vhost-user-i2c-pci
