plan --format libvirt ../../examples/host-b.json ../../examples/host-c.json
