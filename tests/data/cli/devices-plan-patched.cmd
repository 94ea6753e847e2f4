plan --qemu-kind patched devices/dev-a.json devices/dev-b.json
