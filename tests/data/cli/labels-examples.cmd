labels ../../examples/host-c.json
