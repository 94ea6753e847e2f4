list pvpanic
