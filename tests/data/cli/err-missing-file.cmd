baseline seed/host-a.json seed/no-such-host.json
