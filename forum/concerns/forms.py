"""The forms of concerns, as sent by a browser: every field text, every field optional.
Each turns into what the domain takes; `typed()` (web/forms.py) gives what is shown back."""

from dataclasses import dataclass

from forum.concerns.assisted import Met
from forum.concerns.texts import Draft, ReplyDraft, client_key
from forum.web.forms import Text


@dataclass
class ConcernForm:
    title: Text = ""
    body: Text = ""
    topic: Text = ""
    language: Text = ""
    client_key: Text = ""

    def draft(self) -> Draft:
        return Draft(self.title, self.body, self.topic, client_key(self.client_key), self.language)


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
