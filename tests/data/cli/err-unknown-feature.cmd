baseline bad/unknown-feature.json
