plan --format libvirt --host host-x seed
