plan devices/dev-a.json devices/dev-b.json
