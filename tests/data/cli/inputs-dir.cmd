baseline seed
