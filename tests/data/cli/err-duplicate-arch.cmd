baseline bad/duplicate-arch.json seed/host-a.json
