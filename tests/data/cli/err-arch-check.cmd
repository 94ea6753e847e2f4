check seed/host-a.json bad/arch-aarch64.json
