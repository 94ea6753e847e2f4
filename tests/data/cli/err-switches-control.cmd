plan cli/qemu-key/a.json cli/qemu-key/b.json
