"""The pseudo-locale sweep: every page, rendered in en_XA, has no text outside the catalog.

en_XA wraps each translated string in ⟦markers⟧. User content in this fixture is made of the
word "xyzzy" only, so whatever text is left after removing markers and user content skipped
the catalog.
"""

import re
from datetime import date

import pytest
from bs4 import BeautifulSoup

from forum.i18n import OFFERED_LOCALES, autonym
from forum.models import Role
from tests.factories import log_in, post

USER_WORD = re.compile(r"xyzzy", re.IGNORECASE)
MARKED = re.compile(r"⟦[^⟦⟧]*⟧")
LETTER = re.compile(r"[^\W\d_]")
PERCEIVED_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"pseudo_locale": True})


def leftovers(page: str) -> list[str]:
    """Visible text (and attributes people perceive) that is not from the catalog."""
    soup = BeautifulSoup(page, "html.parser")
    for hidden in soup(["script", "style", "time", "code"]):  # code: addresses, not words
        hidden.decompose()
    chunks = [soup.title.get_text()] if soup.title else []
    chunks += list(soup.body.stripped_strings) if soup.body else list(soup.stripped_strings)
    for element in soup.find_all(True):
        chunks += [str(element[name]) for name in PERCEIVED_ATTRIBUTES if element.get(name)]
        if element.name == "input" and element.get("type") in ("submit", "button"):
            chunks.append(str(element.get("value", "")))
    names = [autonym(locale) for locale in OFFERED_LOCALES]
    found = []
    for chunk in chunks:
        rest = chunk
        while MARKED.search(rest):
            rest = MARKED.sub("", rest)
        rest = USER_WORD.sub("", rest)
        for name in names:
            rest = rest.replace(name, "")
        if LETTER.search(rest):
            found.append(chunk)
    return found


@pytest.fixture
def world(make):
    region = make.region("xyzzy", name="Xyzzy", description="Xyzzy xyzzy")
    other = make.region("xyzzy-two", name="Xyzzy xyzzy")
    roles = {
        Role.partner: [region],
        Role.moderator: [region],
        Role.leader: [region],
    }
    staff = make.user("xyzzy1", roles=roles, organisation="Xyzzy")
    admin = make.user("xyzzy2", admin=True)
    author = make.user("xyzzy3")
    concern = make.concern(
        region,
        author,
        title="Xyzzy",
        body="xyzzy\nxyzzy",
        language="en",
        topic_id=1,
        audiences=["citizens", "technology_providers"],
    )
    make.reply(concern, staff, official=True, body="Xyzzy")
    make.reply(concern, author, body="xyzzy", language="pt_PT")
    closed = make.concern(
        region,
        author,
        title="Xyzzy xyzzy",
        body="xyzzy",
        status="closed",
        close_reason="duplicate",
        duplicate_of_id=concern.id,
    )
    make.concern(other, author, title="Xyzzy")
    service = make.service(
        region, "xyzzy", name="Xyzzy", summary="Xyzzy", value_citizens="Xyzzy", steps="Xyzzy: xyzzy"
    )
    concern.service_id = service.id
    make.db.add(concern)
    make.db.commit()
    return {
        "region": region,
        "staff": staff,
        "admin": admin,
        "author": author,
        "concern": concern,
        "closed": closed,
    }


PUBLIC_PAGES = [
    "/",
    "/r/xyzzy",
    "/r/xyzzy?status=nonsense",
    "/login",
    "/register",
    "/c/999999",
    "/nowhere",
    "/privacy",
    "/accessibility",
    "/guide",
    "/r/xyzzy/services",
    "/r/xyzzy/services/xyzzy",
]


def sweep(client, paths):
    problems = {}
    client.cookies.set("lang", "en_XA")
    for path in paths:
        response = client.get(path)
        assert response.headers["content-language"] == "en-XA", path
        found = leftovers(response.text)
        if found:
            problems[path] = found[:5]
    assert not problems, problems


def test_it_translates_every_public_page(client, world):
    concern, closed = world["concern"], world["closed"]
    sweep(client, [*PUBLIC_PAGES, f"/c/{concern.id}", f"/c/{closed.id}"])


def test_it_translates_every_page_a_citizen_sees(client, world):
    log_in(client, world["author"])
    concern = world["concern"]
    sweep(client, ["/", "/r/xyzzy", "/r/xyzzy/new", f"/c/{concern.id}", "/account"])


def test_it_translates_every_page_staff_see(client, world):
    log_in(client, world["staff"])
    concern, closed = world["concern"], world["closed"]
    sweep(client, ["/r/xyzzy", f"/c/{concern.id}", f"/c/{closed.id}", "/account"])
    sweep(
        client,
        [
            "/r/xyzzy/services/xyzzy",
            "/r/xyzzy/services/new",
            "/r/xyzzy/services/xyzzy/edit",
            "/monitoring",
        ],
    )


def test_it_translates_the_partner_queue_and_recorded_concerns(client, world, make):
    recorded = make.concern(
        world["region"],
        world["staff"],
        title="Xyzzy",
        body="xyzzy",
        source="meeting",
        source_person="Xyzzy",
        source_meeting="Xyzzy",
        source_date=date(2025, 3, 14),
        audiences=["technology_providers"],
    )
    log_in(client, world["staff"])
    sweep(client, ["/partner", "/r/xyzzy/record", f"/c/{recorded.id}"])
    for response in (
        post(client, "/r/xyzzy/record", {"source": "meeting", "date": "xyzzy"}),
        post(client, f"/partner/answers/{recorded.id}", {"body": ""}),
    ):
        assert response.status_code == 400
        assert not leftovers(response.text)


def test_it_translates_every_page_an_admin_sees(client, world):
    log_in(client, world["admin"])
    sweep(client, ["/", f"/c/{world['concern'].id}"])


def test_it_translates_error_messages_and_forms_with_errors(client, world):
    client.cookies.set("lang", "en_XA")
    for response in (
        post(client, "/register", {"name": "", "password": "x", "email": "nope"}),
        post(client, "/login", {"name": "xyzzy", "password": "xyzzy"}),
    ):
        assert response.status_code == 400
        assert not leftovers(response.text)
    log_in(client, world["author"])
    client.cookies.set("lang", "en_XA")
    for response in (
        post(client, "/r/xyzzy/new", {"title": "", "body": ""}),
        post(client, f"/c/{world['concern'].id}/replies", {"body": ""}),
        post(client, f"/c/{world['closed'].id}/replies", {"body": "xyzzy"}),
        post(client, f"/c/{world['concern'].id}/audiences", {"audience": "citizens"}),
        post(client, "/account", {"locale": "xyzzy"}),
    ):
        assert response.status_code in (400, 403, 409), response.status_code
        assert not leftovers(response.text)


def test_it_translates_the_moderation_pages_reports_and_a_blocked_account(client, db, make, world):
    concern, author, staff = world["concern"], world["author"], world["staff"]
    reply = make.reply(concern, author, body="xyzzy")
    log_in(client, staff)
    post(
        client,
        f"/c/{concern.id}/flag",
        {"reply": str(reply.id), "reason": "other", "text": "xyzzy"},
    )
    post(client, f"/moderation/concerns/{concern.id}/lock")
    post(client, f"/moderation/concerns/{world['closed'].id}/hide", {"reason": "xyzzy"})
    post(client, f"/moderation/users/{author.id}/block", {"region": "xyzzy", "reason": "xyzzy"})
    sweep(
        client,
        [
            "/moderation",
            f"/moderation?reply={reply.id}",
            "/moderation/log",
            f"/c/{concern.id}/flag",
            f"/c/{concern.id}/flag?reply={reply.id}",
            f"/c/{concern.id}",
        ],
    )
    for response in (
        post(client, f"/moderation/concerns/{concern.id}/hide", {"reason": ""}),
        post(client, f"/moderation/concerns/{concern.id}/duplicate", {"duplicate_of": "xyzzy"}),
        post(client, f"/c/{concern.id}/flag", {"reason": "other"}),
    ):
        assert response.status_code == 400
        assert not leftovers(response.text)
    client.cookies.clear()
    log_in(client, author)
    sweep(client, [f"/c/{concern.id}", "/r/xyzzy", "/r/xyzzy/new"])
    refused = post(client, f"/c/{concern.id}/support")
    assert refused.status_code == 403
    assert not leftovers(refused.text)


ADMIN_PAGES = [
    "/admin",
    "/admin/regions",
    "/admin/regions/xyzzy",
    "/admin/topics",
    "/admin/organisations",
    "/admin/people?region=xyzzy",
    "/account/password",
    "/account/delete",
]


def test_it_translates_the_administration_pages_and_their_errors(client, world):
    log_in(client, world["admin"])
    sweep(client, ADMIN_PAGES)
    for response in (
        post(client, "/admin/regions", {"slug": "", "name": "", "default_locale": "xyzzy"}),
        post(client, "/admin/regions/xyzzy", {"name": "", "default_locale": "xyzzy"}),
        post(client, "/admin/topics", {"slug": "Xyzzy!", "name": ""}),
        post(client, "/admin/organisations", {"name": "", "kind": "xyzzy"}),
        post(client, "/admin/people", {"region": "xyzzy", "name": "xyzzy", "role": "xyzzy"}),
        post(client, "/admin/invitations", {"region": "xyzzy", "email": "xyzzy", "role": ""}),
        post(client, "/account/password", {"current": "xyzzy", "password": "x"}),
        post(client, "/account/delete", {}),
    ):
        assert response.status_code == 400, response.request.url
        assert not leftovers(response.text), response.request.url


def test_it_translates_the_password_and_invitation_pages(client, world, make):
    token = make.invitation(world["region"], world["staff"], organisation="Xyzzy")
    sweep(client, ["/password/forgot", f"/invite/{token}"])
    for path in ("/password/reset/xyzzy", "/invite/xyzzy"):
        gone = client.get(path)
        assert gone.status_code == 410
        assert not leftovers(gone.text)
    taken = post(client, f"/invite/{token}", {"name": "xyzzy1", "password": "x"})
    assert taken.status_code == 400
    assert not leftovers(taken.text)
