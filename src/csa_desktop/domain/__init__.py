"""Plain values and rules of the agreement: no Qt, no SQLAlchemy."""
