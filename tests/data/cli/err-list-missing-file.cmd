baseline @cli/missing.list
