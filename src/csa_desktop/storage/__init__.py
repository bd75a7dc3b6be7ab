"""Storage: the SQLite copy through SQLAlchemy 2, its migrations and backups."""
