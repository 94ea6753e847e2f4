plan --format selector --host host-a seed
