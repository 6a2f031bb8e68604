"""Pages kept for visitors (forum.web.page_cache): a visitor's page is made once and sent again
while nothing it shows has changed, whoever changed it and however; a page that depends on
anything else (who is asking, their language, a form's token) is never sent to another."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Iterator

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from forum.app import create_app
from forum.models import Role
from forum.page_changes import (
    APPLICATION_NAME,
    PostgresNotifications,
    SqliteVersion,
    Unknown,
    stamp_for,
)
from forum.web import page_cache
from forum.web.page_cache import Kept, PageCache
from tests.conftest import IN_CI
from tests.event_loops import in_a_thread_of_its_own
from tests.factories import log_in, post

# What no page shows, so no change to it makes a kept page stale (migration 0012).
NOT_ON_ANY_PAGE = {
    "attempt",
    "invitation",
    "notification",
    "notification_setting",
    "outbox",
    "password_reset",
    "user_session",
}
EVENTS = ("insert", "update", "delete")
POSTGRES_FOR_SQLITE_RUN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture
def region(make):
    return make.region("alentejo")


@pytest.fixture
def concern(make, region):
    return make.concern(region, make.user("ana"), title="The bus stop has no shelter")


def counting(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The pages the app makes, by template: a page sent from the cache is not made."""
    names: list[str] = []
    render = app.state.templates.render

    def counted(request, name, *args, **kwargs):  # type: ignore[no-untyped-def]
        names.append(name)
        return render(request, name, *args, **kwargs)

    app.state.templates.render = counted
    return names


@pytest.fixture
def made(app) -> list[str]:
    return counting(app)


@pytest.fixture
def visitor(app) -> Iterator[TestClient]:
    with TestClient(app) as client:
        listening(app)
        yield client


def listening(app) -> None:
    """On PostgreSQL the app hears of changes once its connection listens, a moment after
    it starts; until then it keeps nothing."""
    deadline = time.monotonic() + 10
    while app.state.page_stamp.now() is None:
        assert time.monotonic() < deadline, "the app never listened for changed pages"
        time.sleep(0.01)


def test_a_visitors_page_is_made_once_and_sent_again(visitor, made, concern):
    first = visitor.get(f"/c/{concern.id}")
    again = visitor.get(f"/c/{concern.id}")
    head = visitor.head(f"/c/{concern.id}")

    assert first.status_code == again.status_code == head.status_code == 200
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"] == head.headers["etag"]
    assert again.headers["content-security-policy"]
    assert "set-cookie" not in again.headers
    assert made == ["concerns/show.html"]


def test_a_kept_page_is_logged_with_its_route(visitor, made, concern, caplog):
    caplog.set_level(logging.INFO, logger="forum.requests")
    visitor.get(f"/c/{concern.id}")
    visitor.get(f"/c/{concern.id}")

    lines = [record for record in caplog.records if record.name == "forum.requests"]
    assert [(line.route, line.status) for line in lines] == [("/c/{concern_id}", 200)] * 2
    assert len(made) == 1


def test_many_visitors_at_once_wait_for_the_one_page_being_made(app, made, concern):
    async def run() -> None:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                await until(app.state.page_stamp.now, lambda now: now is not None)
                pages = await asyncio.gather(*(client.get(f"/c/{concern.id}") for _ in range(8)))
        assert {page.status_code for page in pages} == {200}
        assert len({page.content for page in pages}) == 1

    in_a_thread_of_its_own(run)
    assert made == ["concerns/show.html"]


def test_a_new_reply_is_on_the_next_visitors_page(visitor, made, make, concern):
    visitor.get(f"/c/{concern.id}")
    make.reply(concern, make.user("rui"), body="The council will put one up in May.")

    assert "put one up in May" in visitor.get(f"/c/{concern.id}").text
    assert len(made) == 2


def test_a_hidden_reply_is_gone_from_the_next_visitors_page(app, visitor, make, region, concern):
    reply = make.reply(concern, make.user("rui"), body="Buy cheap watches here.")
    link = f'href="/c/{concern.id}"'
    assert "cheap watches" in visitor.get(f"/c/{concern.id}").text
    assert link in visitor.get(f"/r/{region.slug}?q=watches").text

    with TestClient(app) as moderator:
        log_in(moderator, make.user("mod", roles={Role.moderator: [region]}))
        hidden = post(moderator, f"/moderation/replies/{reply.id}/hide", {"reason": "Spam"})
        assert hidden.status_code == 303

    assert "cheap watches" not in visitor.get(f"/c/{concern.id}").text
    assert link not in visitor.get(f"/r/{region.slug}?q=watches").text


def test_a_change_from_elsewhere_is_heard(app, visitor, database_url, concern):
    """Another worker, another instance or the CLI: a plain connection, no session here."""
    assert "no shelter" in visitor.get(f"/c/{concern.id}").text
    elsewhere = create_engine(database_url, poolclass=NullPool)
    with elsewhere.begin() as connection:
        connection.execute(
            text("UPDATE concern SET title = 'The shelter is broken' WHERE id = :id"),
            {"id": concern.id},
        )
    elsewhere.dispose()

    # SQLite: at once. PostgreSQL: when the notification comes, a moment after the commit.
    deadline = time.monotonic() + 5
    while "no shelter" in (page := visitor.get(f"/c/{concern.id}").text):
        assert isinstance(app.state.page_stamp, PostgresNotifications)
        assert time.monotonic() < deadline, "the change was never heard"
        time.sleep(0.02)
    assert "The shelter is broken" in page


def test_someone_logged_in_never_gets_a_kept_page_nor_leaves_one(app, visitor, made, make, concern):
    with TestClient(app) as member:
        log_in(member, make.user("bea"))
        made.clear()
        visitor.get(f"/c/{concern.id}")
        theirs = member.get(f"/c/{concern.id}")
        assert 'name="body"' in theirs.text  # the reply form, for them
        member.get(f"/c/{concern.id}")

    after = visitor.get(f"/c/{concern.id}")
    assert 'name="body"' not in after.text
    assert made == ["concerns/show.html"] * 3  # the visitor's, then the member's twice


def test_each_language_has_its_own_page(visitor, made, region, concern):
    english = visitor.get(f"/r/{region.slug}", headers={"Accept-Language": "en"})
    portuguese = visitor.get(f"/r/{region.slug}", headers={"Accept-Language": "pt-PT"})
    visitor.cookies.set("lang", "de")
    german = visitor.get(f"/r/{region.slug}", headers={"Accept-Language": "en"})
    visitor.cookies.clear()
    again = visitor.get(f"/r/{region.slug}", headers={"Accept-Language": "pt-PT"})

    languages = [page.headers["content-language"] for page in (english, portuguese, german)]
    assert languages == ["en", "pt-PT", "de"]
    assert again.content == portuguese.content
    assert len(made) == 3


def test_htmx_gets_its_block_and_a_browser_the_page(visitor, make, settings, region):
    author = make.user("ana")
    for number in range(settings.page_size + 1):
        make.concern(region, author, title=f"Concern number {number}")
    more = re.search(r'href="(/r/alentejo\?after=[^"]+)"', visitor.get("/r/alentejo").text)
    assert more, "no link to the next page"
    url = more.group(1).replace("&amp;", "&")

    block = visitor.get(url, headers={"HX-Request": "true"})
    page = visitor.get(url)
    block_again = visitor.get(url, headers={"HX-Request": "true"})

    assert "<html" not in block.text and "<html" in page.text
    assert block_again.content == block.content


def test_a_page_with_a_form_is_made_for_each_visitor(app, made):
    """The login form carries a CSRF token of the visitor's own session."""
    with TestClient(app) as one, TestClient(app) as other:
        listening(app)
        first = one.get("/login")
        second = other.get("/login")

    assert first.cookies["agora_session"] != second.cookies["agora_session"]
    assert first.text != second.text
    assert made == ["accounts/login.html"] * 2


def test_errors_are_made_each_time(visitor, made):
    assert visitor.get("/c/999999").status_code == 404
    assert visitor.get("/c/999999").status_code == 404
    assert len(made) == 2


def test_a_kept_page_is_sent_for_a_few_seconds_at_most(monkeypatch, visitor, made, concern):
    """Its "3 minutes ago" grows older even when nothing changes."""
    visitor.get(f"/c/{concern.id}")
    later = time.monotonic() + 11
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: later)
    visitor.get(f"/c/{concern.id}")

    assert len(made) == 2


def test_nothing_is_kept_when_the_setting_says_so(settings, concern):
    app = create_app(settings.model_copy(update={"page_cache_seconds": 0}))
    made = counting(app)
    with TestClient(app) as client:
        client.get(f"/c/{concern.id}")
        client.get(f"/c/{concern.id}")
    app.state.engine.dispose()

    assert made == ["concerns/show.html"] * 2


def test_the_oldest_pages_make_room_within_the_budget():
    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        pass

    cache = PageCache(app, stamp=Unknown(), session_cookie="s", seconds=10, budget_bytes=800)
    for number in range(10):
        cache._keep(("page", str(number)), Kept(1, 0.0, 200, [], b"x" * 100))
    cache._keep(("too big",), Kept(1, 0.0, 200, [], b"x" * 101))

    assert [key[1] for key in cache.pages] == [str(number) for number in range(2, 10)]
    assert cache.size == 800


def test_the_stamp_is_the_databases(database_url):
    stamp = stamp_for(database_url)
    expected = SqliteVersion if database_url.startswith("sqlite") else PostgresNotifications
    assert isinstance(stamp, expected)
    assert isinstance(stamp_for("sqlite://"), Unknown)


def test_every_table_a_page_shows_marks_its_changes(database_url):
    """A table added later has the triggers of migration 0012, or is said here to be on no
    page; on SQLite, a migration that copies a table must create them again."""
    engine = create_engine(database_url, poolclass=NullPool)
    shown = set(SQLModel.metadata.tables) - NOT_ON_ANY_PAGE
    assert shown <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            names = connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            ).scalars()
            marked = {name.removeprefix("pages_changed_") for name in names}
            expected = {f"{table}_{event}" for table in shown for event in EVENTS}
            assert expected <= marked
        else:
            tables = connection.execute(
                text(
                    "SELECT tgrelid::regclass::text FROM pg_trigger "
                    "WHERE tgname = 'pages_changed' AND tgenabled = 'O'"
                )
            ).scalars()
            assert shown <= {table.strip('"') for table in tables}
    engine.dispose()


def test_a_lost_listener_keeps_nothing_until_it_listens_again(database_url):
    """PostgreSQL (on the SQLite run too, with the PostgreSQL CI always has): a change is
    heard; while the connection is lost there is no stamp; back, the stamp is a new one."""
    url = database_url if database_url.startswith("postgresql") else POSTGRES_FOR_SQLITE_RUN
    stamp = PostgresNotifications(url)
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        psycopg.connect(conninfo, connect_timeout=5).close()
    except psycopg.OperationalError as error:
        if IN_CI:
            raise
        pytest.skip(f"PostgreSQL is not reachable at {url}: {error}")

    async def run() -> None:
        async with stamp.listening():
            first = await until(stamp.now, lambda now: now is not None)
            with psycopg.connect(conninfo, autocommit=True) as elsewhere:
                elsewhere.execute("NOTIFY agora_pages")
                heard = await until(stamp.now, lambda now: now not in (None, first))
                elsewhere.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = %s AND datname = current_database()",
                    (APPLICATION_NAME,),
                )
            await until(stamp.now, lambda now: now is None)
            again = await until(stamp.now, lambda now: now is not None)
            assert again not in (first, heard)

    in_a_thread_of_its_own(run)


async def until(read, ok, seconds: float = 10):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not ok(value := read()):
        assert time.monotonic() < deadline, f"still {value!r}"
        await asyncio.sleep(0.005)
    return value
