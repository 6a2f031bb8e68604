"""A person's own data: downloaded whole (and nobody else's), or erased for good, with or
without their posts; the privacy notice and the accessibility statement on every footer;
the limits' counts forgotten once they no longer count."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import col, func, select

from forum import limits
from forum.models import Attempt, Concern, ModerationEvent, Reply, Role, Support, User, utcnow
from tests.factories import PASSWORD, csrf_token, html, log_in, post
from tests.test_photos import phone_photo


@pytest.fixture
def region(make):
    return make.region("vale")


def raise_with_photo(client, title: str) -> str:
    data = {
        "csrf_token": csrf_token(client),
        "title": title,
        "body": "Look at it.",
        "photo_alt": "A fallen sign",
    }
    photo = {"photo": ("a.jpg", phone_photo((800, 600)), "image/jpeg")}
    response = client.post("/r/vale/new", data=data, files=photo, follow_redirects=False)
    assert response.status_code == 303
    return response.headers["location"]


def test_a_person_downloads_everything_they_wrote_and_nothing_of_anyone_else(
    client, db, make, region
):
    ana = make.user("ana", email="ana@example.org")
    other = make.concern(region, make.user("rui"), title="Rui's concern")
    make.reply(other, make.user("rui2"), body="Not Ana's reply")
    log_in(client, ana)
    raise_with_photo(client, "The bus stop sign fell")
    post(client, f"/c/{other.id}/replies", {"body": "Me too, on my street."})
    post(client, f"/c/{other.id}/support")

    response = client.get("/account/data")

    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("agora-data.json"))
    assert data["account"]["name"] == "ana" and data["account"]["email"] == "ana@example.org"
    assert [c["title"] for c in data["concerns"]] == ["The bus stop sign fell"]
    assert [r["body"] for r in data["replies"]] == ["Me too, on my street."]
    assert [s["concern"] for s in data["me_too"]] == [other.id]
    photo = data["concerns"][0]["photo"]
    assert Image.open(io.BytesIO(archive.read(photo))).format == "JPEG"
    assert "Rui's concern" not in response.text and "Not Ana's reply" not in json.dumps(data)


def test_the_download_is_for_the_person_logged_in_only(client):
    response = client.get("/account/data", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_an_erased_account_leaves_its_concern_to_a_former_member(
    client, db, make, region, settings
):
    ana = make.user("ana", email="ana@example.org")
    log_in(client, ana)
    url = raise_with_photo(client, "The bus stop sign fell")
    moderator = make.user("mod", roles={Role.moderator: [region]})
    concern = db.exec(select(Concern)).one()

    refused = post(client, "/account/delete", {})
    assert refused.status_code == 400
    assert html(refused).select_one("#confirm-error") is not None
    response = post(client, "/account/delete", {"confirm": "1"})

    assert response.status_code == 303
    page = html(client.get(url))
    assert "Raised by former member" in page.get_text(" ")
    assert "ana" not in page.select_one("article.concern").get_text(" ")
    assert client.get(f"/photos/{concern.photo}.phone.jpg").status_code == 200  # the post stays
    db.refresh(ana)
    assert (ana.name, ana.email, ana.erased_at is not None) == ("", None, True)
    assert client.get("/account", follow_redirects=False).status_code == 303  # logged out
    again = post(client, "/login", {"name": "ana", "password": PASSWORD})
    assert again.status_code == 400  # the name cannot log in
    assert db.exec(select(User).where(User.name == "ana")).first() is None
    # Another person may take the name now.
    assert (
        post(client, "/register", {"name": "ana", "password": "a long passphrase"}).status_code
        == 303
    )
    client.cookies.clear()
    log_in(client, moderator)
    assert "former member" in html(client.get(url)).get_text(" ")


def test_an_erased_account_with_its_posts_takes_them_and_their_photos_away(
    client, db, make, region, settings
):
    bea = make.user("bea")
    others = make.concern(region, make.user("rui"))
    log_in(client, bea)
    url = raise_with_photo(client, "Remove me with my account")
    post(client, f"/c/{others.id}/replies", {"body": "A reply that goes too"})
    post(client, f"/c/{others.id}/support")
    moderator = make.user("mod", roles={Role.moderator: [region]})
    with log_in_elsewhere(client, moderator) as staff:
        post(staff, f"/moderation/concerns/{others.id}/lock")

    response = post(client, "/account/delete", {"confirm": "1", "remove_posts": "1"})

    assert response.status_code == 303
    assert client.get(url).status_code == 404
    assert db.exec(select(Concern.title)).all() == [others.title]
    assert db.exec(select(func.count()).select_from(Reply)).one() == 0
    db.refresh(others)
    assert others.reply_count == 0
    assert list((Path(settings.upload_dir) / "photos").iterdir()) == []
    # The moderation log keeps what was done, and names nobody erased.
    assert db.exec(select(func.count()).select_from(ModerationEvent)).one() == 1
    assert db.exec(select(func.count()).select_from(Support)).one() == 1  # anonymous now


class log_in_elsewhere:
    def __init__(self, client, user) -> None:
        from fastapi.testclient import TestClient

        self.other = TestClient(client.app)
        self.user = user

    def __enter__(self):
        log_in(self.other, self.user)
        return self.other

    def __exit__(self, *_exc) -> None:
        self.other.close()


@pytest.mark.parametrize("path", ["/privacy", "/accessibility"])
def test_every_footer_links_the_notices_and_they_say_what_the_code_does(client, path):
    footer = html(client.get("/")).select_one("footer")
    assert footer.select_one(f"a[href='{path}']") is not None

    page = html(client.get(path))

    assert page.h1 is not None
    if path == "/privacy":
        text = page.get_text(" ")
        assert "30 days" in text and "forgotten within a day" in text


def test_the_limits_forget_old_tries(db):
    db.add(Attempt(action="login-client", key="k", at=utcnow() - timedelta(days=2)))
    db.add(Attempt(action="concern-person", key="k", at=utcnow()))
    db.commit()

    assert limits.forget_old(db) == 1
    db.commit()
    assert db.exec(select(col(Attempt.action))).all() == ["concern-person"]


def test_the_moderation_log_keeps_what_an_erased_moderator_did_without_their_name(
    client, db, make, region
):
    moderator = make.user("Modesta", roles={Role.moderator: [region]})
    concern = make.concern(region, make.user("ana"))
    log_in(client, moderator)
    post(client, f"/moderation/concerns/{concern.id}/lock")
    post(client, "/account/delete", {"confirm": "1"})

    log_in(client, make.user("boss", admin=True))
    page = html(client.get("/moderation/log"))

    assert "Modesta" not in page.get_text(" ")
    assert "former member" in page.select_one("ol, ul.log, main").get_text(" ")
    assert "former member" in [
        option.get_text(strip=True) for option in page.select("#actor option")
    ]
