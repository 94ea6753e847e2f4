plan --cpu-form model pools/old-gds.json pools/new.json
