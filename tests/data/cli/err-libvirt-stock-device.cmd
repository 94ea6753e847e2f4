plan --format libvirt --cpu-form model --qemu-kind stock ../../examples
