"""Alembic environment: every module's models, one migration tree with a branch per module (each module keeps
its migrations in its own ``migrations`` folder; ``loa.modules.migration_folders`` lists them)."""

from alembic import context
from sqlalchemy import create_engine, pool

from loa.db import Base
from loa.modules import load_models

load_models()
config = context.config
target_metadata = Base.metadata


def run() -> None:
    url = config.get_main_option("sqlalchemy.url", "")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
