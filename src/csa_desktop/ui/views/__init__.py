"""Editor pages: one module per kind of navigator node."""
