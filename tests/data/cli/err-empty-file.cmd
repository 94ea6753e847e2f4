baseline bad/empty.json
