plan --format libvirt --host host-b seed
