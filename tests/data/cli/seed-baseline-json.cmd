baseline --json --explain seed/host-a.json seed/host-b.json
