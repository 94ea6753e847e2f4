check - ../../examples/host-c.json
