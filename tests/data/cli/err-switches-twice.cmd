plan bad/switches-twice.json pools/new.json
