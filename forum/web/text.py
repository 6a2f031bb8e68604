"""Plain text for people: escaped, line breaks kept, web addresses made into links."""

import re

from markupsafe import Markup, escape

_URL = re.compile(r"""\bhttps?://[^\s<>"']+""")
_TRAILING = ".,;:!?)]}"


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    trail = ""
    while url and url[-1] in _TRAILING:
        trail = url[-1] + trail
        url = url[:-1]
    return f'<a href="{url}" rel="nofollow ugc noopener">{url}</a>{trail}'


def plain_text(text: str) -> Markup:
    """Escape everything, then link addresses and turn line breaks into <br>."""
    escaped = str(escape(text))
    linked = _URL.sub(_link, escaped)
    return Markup(linked.replace("\n", "<br>\n"))
