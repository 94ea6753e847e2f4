labels -
