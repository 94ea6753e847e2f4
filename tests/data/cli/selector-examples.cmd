plan --format selector ../../examples
