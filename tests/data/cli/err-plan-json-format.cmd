plan --json --format libvirt seed
