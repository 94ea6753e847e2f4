list vhost-user-gpio-pci
