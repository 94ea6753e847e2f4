baseline @no-such.list
