"""Forms as typed dependencies: a dataclass whose fields are the form's fields.

    @dataclass
    class ReplyForm:
        body: Text = ""

    def reply(form: Annotated[ReplyForm, Depends()]) -> Response: ...

Every field is text and optional: a missing or empty field is the domain's to judge, with a
message the person can read, never a validation error page.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Annotated, Any

from fastapi import Form

Text = Annotated[str, Form()]
Texts = Annotated[list[str], Form()]


def typed(form: Any) -> dict[str, str]:
    """What the person typed, by field, to show back in the form."""
    values = {field.name: getattr(form, field.name) for field in fields(form)}
    return {name: value for name, value in values.items() if isinstance(value, str)}
