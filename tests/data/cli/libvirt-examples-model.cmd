plan --format libvirt --cpu-form model --host host-c ../../examples
