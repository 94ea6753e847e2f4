baseline --explain cli/same-type/a2-h0.json cli/same-type/a2-h1.json
