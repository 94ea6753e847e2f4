plan --json ../../examples/host-a.json ../../examples/host-b.json ../../examples/host-c.json
