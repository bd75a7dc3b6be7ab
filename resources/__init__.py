"""Package data: fonts, icons, demo data (loaded with importlib.resources)."""
