plan bad/unknown-accelerator.json pools/new.json
