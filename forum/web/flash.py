"""One-time messages shown on the next page, kept in the session as translatable messages."""

from typing import Any

from fastapi import Request

from forum.i18n import Message

SESSION_KEY = "flash"


def flash(request: Request, message: Message, kind: str = "success") -> None:
    request.session.setdefault(SESSION_KEY, []).append([kind, message.msgid, message.params])


def pop_flashes(request: Request) -> list[tuple[str, Message]]:
    stored: list[list[Any]] = request.session.pop(SESSION_KEY, None) or []
    return [(kind, Message(msgid, params or {})) for kind, msgid, params in stored]
