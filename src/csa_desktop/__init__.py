"""CSA Desktop: write, merge and print a Community Safety Agreement and its local plans."""

__version__ = "0.1.0"
APP_NAME = "CSA Desktop"
