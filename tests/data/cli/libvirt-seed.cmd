plan --format libvirt seed
