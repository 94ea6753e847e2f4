plan --cpu-form model pools/old.json pools/new.json
