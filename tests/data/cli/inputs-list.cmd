baseline @cli/seed.list
