baseline bad/malformed.json seed/host-a.json
