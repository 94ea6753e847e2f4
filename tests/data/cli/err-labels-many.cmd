labels seed
