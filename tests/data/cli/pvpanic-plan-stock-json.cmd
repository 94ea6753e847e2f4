plan --json cli/pvpanic/pv-a.json cli/pvpanic/pv-b.json cli/pvpanic/pv-c.json
