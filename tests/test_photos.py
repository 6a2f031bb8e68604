"""Photos on concerns: any phone photo in, nothing about the person out. Re-encoded without
metadata, turned upright, small on the page; refused files come back with the form kept;
hidden or removed photos are no longer served."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from forum import photos
from forum.models import Concern, Role
from tests.factories import csrf_token, html, log_in, post

GPS = 0x8825


def phone_photo(size=(4000, 3000), fmt="JPEG", orientation: int | None = 6) -> bytes:
    """A photo as a phone writes it: big, with GPS, a camera, a comment and an orientation."""
    image = Image.effect_noise(size, 64).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    if orientation:
        exif[0x0112] = orientation
    exif.get_ifd(GPS).update({1: "N", 2: (38.0, 1.0, 2.0), 3: "W", 4: (7.0, 51.0, 3.0)})
    out = io.BytesIO()
    extra = {"comment": b"Maria's house"} if fmt == "JPEG" else {}
    image.save(out, fmt, exif=exif, **extra)
    return out.getvalue()


@pytest.fixture
def region(make):
    return make.region("vale")


@pytest.fixture
def citizen(client, make):
    maria = make.user("maria")
    log_in(client, maria)
    return maria


def send(client, files=None, **fields):
    data = {
        "csrf_token": csrf_token(client),
        "title": "The bus stop sign fell",
        "body": "It lies in the grass.",
        **fields,
    }
    return client.post("/r/vale/new", data=data, files=files, follow_redirects=False)


def stored(db) -> list[Concern]:
    return list(db.exec(select(Concern)).all())


def test_a_phone_photo_is_stored_without_metadata_upright_and_small(
    client, db, region, citizen, settings
):
    response = send(
        client,
        files={"photo": ("IMG_0001.JPG", phone_photo(), "image/jpeg")},
        photo_alt="The sign lies in the grass",
    )

    assert response.status_code == 303
    [concern] = stored(db)
    page = html(client.get(response.headers["location"]))
    img = page.select_one("figure.photo img")
    assert img["alt"] == "The sign lies in the grass" and img["loading"] == "lazy"
    served = client.get(img["src"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert len(served.content) < 100_000
    small = Image.open(io.BytesIO(served.content))
    assert (small.width, small.height) == (int(img["width"]), int(img["height"]))
    assert small.height > small.width  # turned as its EXIF orientation said (portrait)
    large = Image.open(io.BytesIO(client.get(f"/photos/{concern.photo}.large.jpg").content))
    assert max(large.size) == 1600
    for picture in (small, large):
        assert not picture.getexif() and "comment" not in picture.info
        assert "exif" not in picture.info and "icc_profile" not in picture.info
    for content in (served.content, client.get(f"/photos/{concern.photo}.large.jpg").content):
        assert b"PhoneMaker" not in content and b"Maria's house" not in content
    files = sorted(path.name for path in (Path(settings.upload_dir) / "photos").iterdir())
    assert files == [f"{concern.photo}.large.jpg", f"{concern.photo}.phone.jpg"]


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_taken_too(client, db, region, citizen, fmt):
    data = phone_photo((800, 600), fmt=fmt, orientation=None)
    response = send(
        client, files={"photo": ("x.bin", data, "application/octet-stream")}, photo_alt="A sign"
    )

    assert response.status_code == 303
    assert stored(db)[0].photo is not None


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")  # tiny file, 400 million pixels
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "declared", "message"),
    [
        ("photo.jpg", b"%PDF-1.4 not a photo", "image/jpeg", photos.NOT_A_PHOTO),
        ("photo.svg", SVG, "image/svg+xml", photos.NOT_A_PHOTO),
        ("photo.gif", b"GIF89a" + b"\x00" * 100, "image/gif", photos.NOT_A_PHOTO),
        ("bomb.png", bomb(), "image/png", photos.NOT_A_PHOTO),
        ("big.jpg", b"\xff\xd8" + b"x" * (10 * 1024 * 1024), "image/jpeg", photos.TOO_BIG),
    ],
    ids=["pdf-named-jpg", "svg", "gif", "decompression-bomb", "over-10-MB"],
)
def test_a_refused_file_comes_back_with_the_form_kept(
    client, db, region, citizen, name, data, declared, message
):
    response = send(client, files={"photo": (name, data, declared)}, photo_alt="A sign")

    assert response.status_code == 400
    page = html(response)
    assert page.select_one("#photo-error").get_text(" ", strip=True).endswith(message.msgid)
    assert page.select_one("input[name=title]")["value"] == "The bus stop sign fell"
    assert page.select_one("textarea[name=body]").get_text() == "It lies in the grass."
    assert page.select_one("input[name=photo_alt]")["value"] == "A sign"
    assert stored(db) == []


def test_a_photo_needs_a_description_and_must_be_chosen_again(
    client, db, region, citizen, settings
):
    response = send(client, files={"photo": ("a.jpg", phone_photo((400, 300)), "image/jpeg")})

    page = html(response)
    assert response.status_code == 400
    assert page.select_one("#photo_alt-error") is not None
    assert "Choose the photo again" in page.select_one("#photo-error").get_text()
    assert stored(db) == []
    assert not (Path(settings.upload_dir) / "photos").exists()  # nothing written


def test_no_photo_is_fine(client, db, region, citizen):
    assert send(client, files={"photo": ("", b"", "application/octet-stream")}).status_code == 303
    assert stored(db)[0].photo is None


def test_a_hidden_concerns_photo_is_not_served_and_a_moderator_removes_one(
    client, db, make, region, citizen, settings
):
    send(
        client,
        files={"photo": ("a.jpg", phone_photo((400, 300)), "image/jpeg")},
        photo_alt="A sign",
    )
    [concern] = stored(db)
    url = f"/photos/{concern.photo}.phone.jpg"
    assert client.get(url).status_code == 200
    assert client.get(f"/photos/{'A' * 32}.phone.jpg").status_code == 404  # guessed

    moderator = make.user("mod", roles={Role.moderator: [region]})
    client.cookies.clear()
    log_in(client, moderator)
    post(client, f"/moderation/concerns/{concern.id}/hide", {"reason": "Faces"})
    assert client.get(url).status_code == 404
    post(client, f"/moderation/concerns/{concern.id}/restore", {"reason": ""})
    assert client.get(url).status_code == 200

    removed = post(client, f"/moderation/concerns/{concern.id}/photo/remove")

    assert removed.status_code == 303
    assert client.get(url).status_code == 404
    assert list((Path(settings.upload_dir) / "photos").iterdir()) == []
    db.refresh(concern)
    assert (concern.photo, concern.photo_alt) == (None, None)
