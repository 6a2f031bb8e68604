"""Errors the domain raises, with messages ready to translate for the person who caused them."""

from datetime import timedelta

from forum.i18n import Message


class FormErrors(Exception):
    """One or more fields are wrong; the form comes back with a message beside each."""

    def __init__(self, errors: dict[str, Message]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


class NotAllowed(Exception):
    """The rule table said no (403)."""


class Refused(Exception):
    """Allowed in general, but not in this state (a closed concern, a post sent twice)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.msgid)
        self.message = message


class TooSoon(Exception):
    """Allowed, but not this often (429): the form comes back with when to send it again."""

    def __init__(self, message: Message, wait: timedelta) -> None:
        super().__init__(message.msgid)
        self.message = message
        self.wait = wait
