baseline --explain cli/same-type/a-h0.json cli/same-type/a-h1.json
