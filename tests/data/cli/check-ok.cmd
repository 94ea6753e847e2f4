check vm-small.json ../../examples/host-a.json
