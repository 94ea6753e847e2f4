plan --verify --qemu nohost=/bin/false pools/old.json pools/new.json
