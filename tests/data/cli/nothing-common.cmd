baseline bad/e1000e-a.json bad/e1000e-c.json
