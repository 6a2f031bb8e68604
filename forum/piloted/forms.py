"""The forms of piloted services, as a browser sends them: every field text, every field
optional (the rules say what is missing)."""

from dataclasses import asdict, dataclass
from typing import Annotated

from fastapi import Form

from forum.piloted.texts import ServiceFields
from forum.web.forms import Text

# The form's `slug` (the service's short name) is not the region's in the URL's path.
ShortName = Annotated[str, Form(alias="slug")]


@dataclass
class ServiceForm:
    """The fields of the form that describes a service; `shown()` gives them back by their
    names in the form."""

    lang: Text = ""
    short_name: ShortName = ""
    name: Text = ""
    summary: Text = ""
    value_local_administration: Text = ""
    value_technology_providers: Text = ""
    value_citizens: Text = ""
    steps: Text = ""
    organisation: Text = ""
    stage: Text = ""

    def fields(self) -> ServiceFields:
        typed = asdict(self)
        return ServiceFields(slug=typed.pop("short_name"), **typed)


@dataclass
class VerdictForm:
    verdict: Text = ""
    why: Text = ""


def shown(form: ServiceForm) -> dict[str, str]:
    """What was typed, by the form's field names."""
    return asdict(form.fields())
