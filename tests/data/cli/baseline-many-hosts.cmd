baseline --explain -
