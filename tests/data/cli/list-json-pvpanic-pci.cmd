list --json pvpanic-pci
