check ../../examples/host-a.json ../../examples/host-c.json
