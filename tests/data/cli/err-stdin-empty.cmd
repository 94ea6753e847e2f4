baseline -
