check seed ../../examples/host-c.json
