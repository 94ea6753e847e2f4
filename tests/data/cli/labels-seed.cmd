labels seed/host-a.json
