plan --format yaml seed
