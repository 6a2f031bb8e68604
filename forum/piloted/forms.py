"""The forms of piloted services, as a browser sends them: every field text, every field
optional (the rules say what is missing)."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Form

from forum.piloted.texts import ServiceFields
from forum.web.forms import Text

# The form's `slug` (the service's short name) is not the region's in the URL's path.
ShortName = Annotated[str, Form(alias="slug")]


@dataclass
class ServiceForm:
    """The fields of the form that describes a service; `typed()` shows them back by their
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
        return ServiceFields(
            lang=self.lang,
            slug=self.short_name,
            name=self.name,
            summary=self.summary,
            value_local_administration=self.value_local_administration,
            value_technology_providers=self.value_technology_providers,
            value_citizens=self.value_citizens,
            steps=self.steps,
            organisation=self.organisation,
            stage=self.stage,
        )


@dataclass
class VerdictForm:
    verdict: Text = ""
    why: Text = ""


def shown(form: ServiceForm) -> dict[str, str]:
    """What was typed, by the form's field names."""
    fields = vars(form.fields())
    return {name: value for name, value in fields.items() if isinstance(value, str)}
