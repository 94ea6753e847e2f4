baseline bad/net0-only.json bad/no-net0.json
