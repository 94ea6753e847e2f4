plan seed/host-a.json seed/host-b.json
