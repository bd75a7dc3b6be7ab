"""Bundle files: write, read, verify and sign."""
