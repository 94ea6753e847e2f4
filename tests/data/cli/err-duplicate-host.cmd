baseline seed/host-a.json seed/host-a.json
