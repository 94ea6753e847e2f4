plan bad/features-not-array.json
