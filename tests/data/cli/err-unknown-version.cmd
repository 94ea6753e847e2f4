baseline bad/unknown-version.json
