"""'How it works', drawn: a service's steps as boxes one under the other, joined by arrows,
as an inline SVG made on the server. It has a title and a description (every step in words)
for screen readers, its labels are real text, and it is narrow enough to read on a 320 px
phone and in black and white on paper. No JavaScript."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from markupsafe import Markup

from forum.piloted.texts import Step

WIDTH = 300
LINE = 21  # the height of a line of text
CHARACTERS = 30  # the characters of a line that fit the box's width
PADDING = 10
GAP = 28  # between two boxes: room for the arrow


def _box(number: int, step: Step, top: int) -> tuple[Markup, int]:
    """One step's box from `top`, and its height."""
    lines = textwrap.wrap(step.explanation, CHARACTERS) or [""]
    height = PADDING * 2 + LINE * (len(lines) + 1)
    parts = [
        Markup('<rect x="1" y="{}" width="{}" height="{}" rx="6" class="diagram-box"/>').format(
            top, WIDTH - 2, height
        ),
        Markup('<text x="{}" y="{}" class="diagram-label">{}. {}</text>').format(
            PADDING + 4, top + PADDING + LINE - 4, number, step.label
        ),
    ]
    for index, line in enumerate(lines, start=2):
        parts.append(
            Markup('<text x="{}" y="{}" class="diagram-text">{}</text>').format(
                PADDING + 4, top + PADDING + LINE * index - 4, line
            )
        )
    return Markup("").join(parts), height


def _arrow(top: int) -> Markup:
    middle = WIDTH // 2
    return Markup(
        '<path d="M{m} {a} V{b}" class="diagram-arrow"/>'
        '<path d="M{l} {c} L{m} {b} L{r} {c} Z" class="diagram-arrowhead"/>'
    ).format(m=middle, a=top + 4, b=top + GAP - 4, l=middle - 6, r=middle + 6, c=top + GAP - 12)


def diagram(svg_id: str, title: str, steps: Sequence[Step]) -> Markup:
    """The steps drawn top to bottom. `title` names the picture; its description, read in
    its place, says every step in order."""
    description = " ".join(
        f"{number}. {step.label}: {step.explanation}" for number, step in enumerate(steps, start=1)
    )
    parts, top = [], 0
    for number, step in enumerate(steps, start=1):
        if number > 1:
            parts.append(_arrow(top))
            top += GAP
        box, height = _box(number, step, top)
        parts.append(box)
        top += height
    return Markup(
        '<svg id="{id}" class="diagram" role="img" viewBox="0 0 {w} {h}" width="{w}" '
        'height="{h}" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>'
    ).format(
        id=svg_id,
        w=WIDTH,
        h=top + 2,
        title=title,
        desc=description,
        body=Markup("").join(parts),
    )
