plan pools/old.json pools/new.json
