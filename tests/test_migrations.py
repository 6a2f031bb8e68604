"""The migrations build exactly the tables the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel, select

from forum.db import compared_with_models
from forum.models import Audience, Topic


def test_it_finds_no_difference_between_models_and_migrations(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        opts = {"compare_type": True, "include_object": compared_with_models}
        context = MigrationContext.configure(connection, opts=opts)
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


def test_it_turns_free_text_organisations_into_rows(databases):
    """Migration 0007: each organisation name people had (in any letter case) becomes one
    organisation, and each person points at theirs."""
    from sqlalchemy import text

    from forum.db import downgrade, upgrade

    url = databases.create()
    try:
        downgrade(url, "0006")
        engine = create_engine(url)
        with engine.begin() as connection:
            for name, organisation in (
                ("ana", "Energia Lda"),
                ("rui", "energia lda"),
                ("jo", None),
            ):
                connection.execute(
                    text(
                        'INSERT INTO "user" (name, name_key, password_hash, organisation, '
                        "is_admin, created_at) VALUES (:name, :name, 'x', :organisation, "
                        "false, CURRENT_TIMESTAMP)"
                    ),
                    {"name": name, "organisation": organisation},
                )
        upgrade(url)
        with engine.connect() as connection:
            organisations = connection.execute(text("SELECT id, name, kind FROM organisation"))
            found = [(name, kind) for _id, name, kind in organisations]
            people = dict(
                connection.execute(text('SELECT name, organisation_id FROM "user"')).all()
            )
        engine.dispose()
    finally:
        databases.drop(url)
    assert found == [("Energia Lda", "technology_provider")]
    assert people["ana"] == people["rui"] is not None and people["jo"] is None
