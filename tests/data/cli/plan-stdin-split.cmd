plan -
