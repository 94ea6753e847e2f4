list vhost-user-scmi-pci
