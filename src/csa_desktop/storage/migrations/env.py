"""Alembic environment: runs on the connection the app hands over (config.attributes)."""

from alembic import context

from csa_desktop.storage import models, sync_models  # noqa: F401 (their tables)
from csa_desktop.storage.base import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
