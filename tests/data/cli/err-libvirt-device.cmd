plan --format libvirt bad/e1000e-a.json bad/e1000e-b.json
