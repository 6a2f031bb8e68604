"""Full-text search in a region: titles, bodies and shown replies, ranked, kept in step by
the database on every write, hide, restore and erasure, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import text, update
from sqlmodel import col, select

from forum.concerns import queries
from forum.concerns.filters import read_filters
from forum.models import Concern, Reply, Role
from tests.factories import html, log_in, post


def found(db, region, words: str, *, after: str = "", languages=("pt_PT", "en"), limit: int = 20):
    filters = read_filters({"q": words, "after": after}, audiences=[], topics=[])
    views, more = queries.region_page(db, region.id, filters, limit=limit, languages=languages)
    return [view.concern.title for view in views], more


def titles(db, region, words: str, **options) -> list[str]:
    return found(db, region, words, **options)[0]


@pytest.fixture
def region(make):
    return make.region("alentejo", default_locale="pt_PT")


@pytest.fixture
def citizen(make):
    return make.user("ana")


def test_it_finds_words_in_titles_bodies_and_replies_best_match_first(db, make, region, citizen):
    in_title = make.concern(region, citizen, title="Flooded road to Mértola")
    make.concern(region, citizen, title="Late bus", body="The road is flooded again.")
    replied = make.concern(region, citizen, title="Power cut")
    make.reply(replied, citizen, body="It happened because the road flooded.")
    make.concern(region, citizen, title="Nothing about it")

    assert titles(db, region, "flooded") == [
        in_title.title,
        "Late bus",
        "Power cut",
    ]
    # Every word must be in the concern or one of its replies, wherever each one is.
    assert titles(db, region, "power flooded") == ["Power cut"]
    assert titles(db, region, "power tractor") == []


def test_it_stays_in_its_region(db, make, region, citizen):
    make.concern(make.region("lappi"), citizen, title="Reindeer on the road")
    make.concern(region, citizen, title="Cows on the road")
    lappi = [f"r{region.id + 1}", "lappi"]

    assert titles(db, region, "road") == ["Cows on the road"]
    assert titles(db, region, "reindeer") == []
    for word in lappi:  # nor does the region's own mark in the index match anything
        assert titles(db, region, word) == []
    assert titles(db, region, f"r{region.id}") == []


def test_it_finds_other_forms_of_a_word(db, make, region, citizen):
    make.concern(region, citizen, title="Os autocarros não param", language="pt_PT")

    assert titles(db, region, "autocarro", languages=("pt_PT",)) == ["Os autocarros não param"]
    assert titles(db, region, "AUTOCARROS", languages=("pt_PT",)) == ["Os autocarros não param"]


def test_hidden_posts_are_not_found_and_come_back_when_shown(client, db, make, region, citizen):
    concern = make.concern(region, citizen, title="Broken streetlight")
    reply = make.reply(concern, citizen, body="Also the bench is vandalised.")
    moderator = make.user("mod", roles={Role.moderator: [region]})
    log_in(client, moderator)

    post(client, f"/moderation/replies/{reply.id}/hide", {"reason": "Off topic"})
    assert titles(db, region, "vandalised") == []
    post(client, f"/moderation/replies/{reply.id}/restore", {"reason": ""})
    assert titles(db, region, "vandalised") == ["Broken streetlight"]

    post(client, f"/moderation/concerns/{concern.id}/hide", {"reason": "Advertising"})
    assert titles(db, region, "streetlight") == titles(db, region, "vandalised") == []
    post(client, f"/moderation/concerns/{concern.id}/restore", {"reason": ""})
    assert titles(db, region, "streetlight") == ["Broken streetlight"]


def test_posts_erased_with_their_account_are_not_found(client, db, make, region, citizen):
    others = make.concern(region, make.user("rui"), title="Noisy wind turbine")
    bea = make.user("bea")
    make.concern(region, bea, title="Bea's turbine concern")
    make.reply(others, bea, body="The turbine keeps me awake at night.")
    log_in(client, bea)

    assert set(titles(db, region, "turbine")) == {"Bea's turbine concern", "Noisy wind turbine"}
    post(client, "/account/delete", {"confirm": "1", "remove_posts": "1"})

    assert titles(db, region, "turbine") == ["Noisy wind turbine"]
    assert titles(db, region, "awake") == []


def test_new_posts_and_bulk_changes_are_found_at_once(client, db, make, region, citizen):
    concern = make.concern(region, citizen, title="Water meter")
    log_in(client, citizen)
    post(client, f"/c/{concern.id}/replies", {"body": "The reading seems doubled."})
    assert titles(db, region, "doubled") == ["Water meter"]

    db.execute(update(Concern).where(col(Concern.id) == concern.id).values(title="Gas meter"))
    db.execute(update(Reply).where(col(Reply.concern_id) == concern.id).values(body="Fixed."))
    db.commit()
    assert titles(db, region, "gas") == ["Gas meter"]
    assert titles(db, region, "water") == titles(db, region, "doubled") == []


@pytest.mark.parametrize(
    "typed",
    [
        '"',
        'road"',
        "*",
        "NEAR(road",
        "road -bus",
        "OR",
        "AND road",
        "region:r1",
        "{title}:x",
        "'",
        "(",
        "!!!",
        "road" * 60,
        "é ü ß",
        "\t",
    ],
)
def test_any_input_is_searched_for_as_words(db, make, region, citizen, typed):
    make.concern(region, citizen, title="The road")

    result = titles(db, region, typed)

    assert result in ([], ["The road"])


def test_it_pages_through_matches_without_repeating_one(db, make, region, citizen):
    for number in range(7):
        make.concern(region, citizen, title=f"Pothole {number}", body="pothole " * number)

    first, more = found(db, region, "pothole", limit=3)
    second, more_still = found(db, region, "pothole", limit=3, after=more.encode())
    last, none = found(db, region, "pothole", limit=3, after=more_still.encode())

    assert first[0] == "Pothole 6"  # said most often
    assert len(set(first + second + last)) == 7 and none is None


def test_the_region_page_says_how_matches_are_ordered_and_when_none_match(
    client, make, region, citizen
):
    make.concern(region, citizen, title="Slow internet")

    english = {"Accept-Language": "en"}
    shown = html(client.get("/r/alentejo?q=internet", headers=english)).get_text(" ")
    assert "Slow internet" in shown and "best matches first" in shown
    nothing = html(client.get("/r/alentejo?q=tractor", headers=english)).get_text(" ")
    assert "No concern has all these words" in nothing
    assert client.get("/r/alentejo?q=internet&after=xyz").status_code == 200
    assert client.get("/api/regions/alentejo/concerns?q=internet&after=xyz").status_code == 400


def test_the_index_matches_the_posts_after_every_kind_of_write(client, db, make, region, citizen):
    """The triggers keep one document per shown concern, with its shown replies: after
    writes of every kind it is what writing every document afresh would give."""
    concern = make.concern(region, citizen, title="Bins not collected")
    hidden = make.concern(region, citizen, title="Spam", hidden=True)
    make.reply(concern, citizen, body="Still not collected.")
    make.reply(hidden, citizen, body="More spam.")
    gone = make.reply(concern, citizen, body="To be deleted.")
    make.reply(concern, citizen, body="Hidden words", hidden=True)
    moved = make.reply(make.concern(region, citizen), citizen, body="Moved here.")
    db.delete(gone)
    db.execute(update(Reply).where(col(Reply.id) == moved.id).values(concern_id=concern.id))
    db.commit()

    assert _documents(db) == _documents(db, afresh=True)
    assert len(_documents(db)) == 2


def _documents(db, *, afresh: bool = False) -> list[tuple]:
    if db.get_bind().dialect.name == "sqlite":
        if not afresh:
            return db.execute(
                text("SELECT rowid, region, title, body, replies FROM concern_search ORDER BY 1")
            ).all()
        return db.execute(
            text(
                "SELECT id, 'r' || region_id, title, body, coalesce((SELECT group_concat(body, ' ')"
                " FROM reply WHERE concern_id = concern.id AND NOT hidden), '')"
                " FROM concern WHERE NOT hidden ORDER BY 1"
            )
        ).all()
    if not afresh:
        return db.execute(
            text("SELECT concern_id, region_id, document FROM concern_search ORDER BY 1")
        ).all()
    ids = db.execute(text("SELECT id FROM concern")).scalars().all()
    db.execute(text("SAVEPOINT afresh"))
    for concern_id in ids:
        db.execute(text("SELECT agora_search_refresh(:id)"), {"id": concern_id})
    rows = db.execute(
        text("SELECT concern_id, region_id, document FROM concern_search ORDER BY 1")
    ).all()
    db.execute(text("ROLLBACK TO SAVEPOINT afresh"))
    return rows


def test_the_migration_indexes_the_posts_already_there(database_url, db, make, region, citizen):
    from forum.db import downgrade, upgrade

    concern = make.concern(region, citizen, title="Old pothole")
    make.reply(concern, citizen, body="Reported in 2019 already")
    make.concern(region, citizen, title="Hidden pothole", hidden=True)
    db.close()

    downgrade(database_url, "0010")
    upgrade(database_url)

    assert titles(db, region, "pothole") == titles(db, region, "2019") == ["Old pothole"]


def test_a_search_takes_the_same_statements_for_few_or_many_matches(app, client, make, region):
    from tests.factories import count_queries

    counts = []
    for many in (2, 12):
        for number in range(many):
            concern = make.concern(region, make.user(), title=f"Hedge {number}")
            make.reply(concern, make.user(), body="The hedge hides the road sign.")
        with count_queries(app.state.engine) as statements:
            assert client.get("/r/alentejo?q=hedge+sign").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_replies_posted_at_the_same_moment_are_all_found(app, db, make, region):
    """Each reply writes its concern's document again: done at once, none is left out."""
    from fastapi.testclient import TestClient

    from tests.test_races import at_once

    concern = make.concern(region, make.user(), title="Street flooding")
    people = [make.user(f"neighbour{number}") for number in range(4)]
    clients = []
    for number, person in enumerate(people):
        client = TestClient(app, client=(f"192.0.2.{number}", 50000))
        log_in(client, person)
        client.get(f"/c/{concern.id}")  # the CSRF token
        clients.append(client)
    words = iter(["heron", "otter", "beaver", "kingfisher"])
    try:
        statuses = at_once(
            clients,
            lambda client: post(client, f"/c/{concern.id}/replies", {"body": f"A {next(words)}"}),
        )
    finally:
        for client in clients:
            client.close()

    assert statuses == [303] * 4
    for word in ("heron", "otter", "beaver", "kingfisher"):
        assert titles(db, region, word) == ["Street flooding"], word


def test_seeded_posts_are_indexed_and_the_triggers_work_after(app, db, make, citizen):
    """`forum seed` writes each concern's document once on PostgreSQL, its triggers off."""
    from forum.models import Region
    from forum.seed import seed

    seed(app.state.engine, regions=1, concerns=40, replies=150, random_seed=3)

    assert _documents(db) == _documents(db, afresh=True)
    assert (
        len(_documents(db))
        == db.execute(text("SELECT count(*) FROM concern WHERE NOT hidden")).scalar_one()
    )
    if db.get_bind().dialect.name == "postgresql":  # the planner knows what is there
        counted = "SELECT reltuples FROM pg_class WHERE relname = 'concern_search'"
        assert db.execute(text(counted)).scalar_one() == len(_documents(db))
    seeded = db.exec(select(Region).where(Region.slug == "seed-1")).one()
    concern = make.concern(seeded, citizen, title="Fallen tree after the seed")
    make.reply(concern, citizen, body="Still blocking the lane")
    assert titles(db, seeded, "tree lane") == ["Fallen tree after the seed"]
