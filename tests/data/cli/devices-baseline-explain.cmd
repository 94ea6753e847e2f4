baseline --explain devices/dev-a.json devices/dev-b.json devices/dev-c.json
