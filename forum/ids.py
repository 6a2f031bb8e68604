"""The numbers that name rows, and the keyset cursors made of them. Ids are 32-bit integer
columns: a larger number names nothing (and PostgreSQL would refuse it), so it is read as no
id at all."""

from datetime import UTC, datetime

MAX_ID = 2**31 - 1


def parse_id(raw: str | int) -> int | None:
    """A positive id from a URL or a form ("12", "#12"), or None for anything else: other
    digits than ASCII ("²" passes isdigit()), signs, spaces inside, or too large a number."""
    text = str(raw).strip().removeprefix("#")
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def moment_and_id(moment: str, number: str) -> tuple[datetime, int] | None:
    """A cursor's time and id as a link wrote them, read back; None when either is made up.
    The time comes back in UTC: one near the ends of the calendar cannot be moved there later."""
    try:
        when, found = datetime.fromisoformat(moment), int(number)
        when = (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return (when, found) if 0 < found <= MAX_ID else None
