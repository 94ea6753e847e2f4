labels --output-dir /tmp -
