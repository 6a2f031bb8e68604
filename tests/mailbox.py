"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1) that keeps what it receives."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from forum.settings import Settings


class Mailbox:
    """A real SMTP server that keeps what it receives, parsed with the email package."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[EmailMessage] = []
        self.senders: list[str] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.senders.append(envelope.mail_from)
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def link(self, address: str, path: str) -> str:
        """The path of the newest link to this site's `path`... in the last email to address."""
        found = re.findall(
            rf"https?://[^/\s]+({re.escape(path)}[^\s\"<>]*)", text_of(self.to(address)[-1])
        )
        assert found, f"no link to {path} in the email to {address}"
        return found[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()  # type: ignore[union-attr]


def sending_to(settings: Settings, mailbox: Mailbox) -> Settings:
    """The app's settings, sending mail to this mailbox."""
    return settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{mailbox.port}"})
