"""The migrations build exactly the tables the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel, select

from forum.models import Audience, Topic


def test_it_finds_no_difference_between_models_and_migrations(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def test_it_seeds_the_three_audiences_and_the_topics(db):
    audiences = db.exec(select(Audience.slug).order_by(Audience.id)).all()
    topics = db.exec(select(Topic.slug)).all()
    assert audiences == ["local_administration", "technology_providers", "citizens"]
    assert {"energy", "mobility", "health", "tourism", "agri_food"} <= set(topics)


def test_it_has_every_table_after_upgrade(database_url):
    engine = create_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(SQLModel.metadata.tables) <= tables
