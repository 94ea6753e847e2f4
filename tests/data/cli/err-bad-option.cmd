plan --cpu-form hosted seed/host-a.json
