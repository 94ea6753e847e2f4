plan --verify --qemu old=/bin/false pools/old.json pools/new.json
