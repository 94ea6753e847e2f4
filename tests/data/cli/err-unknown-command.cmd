baselin seed/host-a.json
