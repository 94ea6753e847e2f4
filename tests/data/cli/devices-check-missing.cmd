check devices/dev-a.json devices/dev-c.json
