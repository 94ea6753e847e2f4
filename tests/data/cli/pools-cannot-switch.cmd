plan pools/old-gds.json pools/new.json
