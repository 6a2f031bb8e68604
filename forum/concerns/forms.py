"""The forms of concerns, as sent by a browser: every field text, every field optional.
Each turns into what the domain takes; `typed()` (web/forms.py) gives what is shown back."""

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import File, UploadFile

from forum import photos
from forum.concerns.assisted import Met
from forum.concerns.texts import Draft, ReplyDraft, client_key
from forum.i18n import Message
from forum.web.forms import Text

Upload = Annotated[UploadFile | None, File()]


def prepared_photo(upload: UploadFile | None) -> photos.Photo | Message | None:
    """The photo chosen in the form, re-encoded, or why it cannot be taken; None when no file
    was chosen (a browser still sends an empty part). Done when the form is read, before the
    request touches the database: decoding a photo takes a while, and a SQLite writer holds
    the write lock from its first query."""
    if upload is None or not upload.filename:
        return None
    data = upload.file.read(photos.MAX_BYTES + 1)
    return photos.prepare(data) if data else None


@dataclass
class ConcernForm:
    title: Text = ""
    body: Text = ""
    topic: Text = ""
    language: Text = ""
    client_key: Text = ""
    photo: Upload = None
    photo_alt: Text = ""
    service: Text = ""
    prepared: photos.Photo | Message | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.prepared = prepared_photo(self.photo)

    def draft(self) -> Draft:
        return Draft(
            self.title,
            self.body,
            self.topic,
            client_key(self.client_key),
            self.language,
            self.prepared,
            self.photo_alt,
            self.service,
        )


@dataclass
class RecordForm(ConcernForm):
    """A concern recorded for someone met at a meeting or on the phone."""

    source: Text = ""
    person: Text = ""
    meeting: Text = ""
    date: Text = ""
    consent: Text = ""

    def met(self) -> Met:
        return Met(self.source, self.person, self.meeting, self.date, bool(self.consent))


@dataclass
class ReplyForm:
    body: Text = ""
    official: Text = ""
    client_key: Text = ""

    def draft(self) -> ReplyDraft:
        return ReplyDraft(self.body, bool(self.official), client_key(self.client_key))


@dataclass
class StatusForm:
    """Its fields are what concerns.status.change_status takes."""

    status: Text = ""
    reason: Text = ""
    duplicate_of: Text = ""
