list vhost-user-snd-pci
