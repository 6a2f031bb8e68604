"""A service's words as a leader types them into its form, cleaned and checked, with a
message beside each field that is wrong; and its "how it works" steps, one a line as
`label: explanation`. No database, no web framework."""

from __future__ import annotations

from dataclasses import dataclass

from forum.concerns.texts import clean_text, one_line
from forum.i18n import N_, Message

MAX_NAME = 120
MAX_TEXT = 2000
MAX_STEPS = 8
MAX_LABEL = 40
MAX_EXPLANATION = 160
MAX_WHY = 1000
# The three audiences a service brings something to, in the order its page shows them.
VALUES = ("value_local_administration", "value_technology_providers", "value_citizens")
WORDS = ("name", "summary", *VALUES, "steps")


@dataclass(frozen=True)
class ServiceFields:
    """A service as typed into its form: the language of its words, its short name (new
    services only), its words, the organisation that runs it (a number) and its stage."""

    lang: str = ""
    slug: str = ""
    name: str = ""
    summary: str = ""
    value_local_administration: str = ""
    value_technology_providers: str = ""
    value_citizens: str = ""
    steps: str = ""
    organisation: str = ""
    stage: str = ""


@dataclass(frozen=True)
class Step:
    label: str
    explanation: str


def steps_of(raw: str) -> list[Step]:
    """The steps of stored (checked) text: one per line, `label: explanation`."""
    found = []
    for line in raw.splitlines():
        label, colon, explanation = line.partition(":")
        if colon and label.strip() and explanation.strip():
            found.append(Step(label.strip(), explanation.strip()))
    return found


def check_steps(raw: str) -> tuple[str, Message | None]:
    """The steps cleaned (one a line, `label: explanation`, no empty lines), or why they
    cannot be taken (and the lines as typed, to show back)."""
    lines = [one_line(line) for line in clean_text(raw).split("\n")]
    lines = [line for line in lines if line]
    if len(lines) > MAX_STEPS:
        return "\n".join(lines), N_("Use at most %(max)d steps.", max=MAX_STEPS)
    cleaned = []
    for number, line in enumerate(lines, start=1):
        label, colon, explanation = (part.strip() for part in line.partition(":"))
        if not colon or not label or not explanation:
            return "\n".join(lines), N_(
                "Step %(number)d needs a colon between its name and what happens, for "
                "example: Sensor: measures the water level.",
                number=number,
            )
        if len(label) > MAX_LABEL or len(explanation) > MAX_EXPLANATION:
            return "\n".join(lines), N_(
                "Step %(number)d is too long: use at most %(label)d characters before the "
                "colon and %(text)d after it.",
                number=number,
                label=MAX_LABEL,
                text=MAX_EXPLANATION,
            )
        cleaned.append(f"{label}: {explanation}")
    return "\n".join(cleaned), None


def check_words(fields: ServiceFields, errors: dict[str, Message]) -> dict[str, str]:
    """The service's words in one language, cleaned; a message in `errors` for each that is
    wrong. A name and a summary are needed; what it brings to each audience may wait."""
    name = one_line(fields.name)
    if not name:
        errors["name"] = N_("Enter the name of the service.")
    elif len(name) > MAX_NAME:
        errors["name"] = N_("Use a name of at most %(max)d characters.", max=MAX_NAME)
    words = {"name": name}
    for field in ("summary", *VALUES):
        words[field] = clean_text(getattr(fields, field))
        if len(words[field]) > MAX_TEXT:
            errors[field] = N_("Use at most %(max)d characters.", max=MAX_TEXT)
    if not words["summary"]:
        errors["summary"] = N_("Say in plain words what the service is.")
    words["steps"], problem = check_steps(fields.steps)
    if problem:
        errors["steps"] = problem
    return words
