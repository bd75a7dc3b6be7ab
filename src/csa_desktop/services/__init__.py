"""Use cases the GUI and the CLI call; they return plain values, never live ORM objects."""
