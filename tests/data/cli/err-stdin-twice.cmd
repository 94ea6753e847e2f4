baseline - -
