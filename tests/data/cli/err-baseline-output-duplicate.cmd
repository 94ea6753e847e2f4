baseline -o /dev/null bad/duplicate-type.json
