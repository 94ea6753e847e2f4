check devices/dev-c.json devices/dev-a.json
