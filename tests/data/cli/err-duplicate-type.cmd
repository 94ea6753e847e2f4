check bad/duplicate-type.json seed/host-a.json
