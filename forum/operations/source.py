"""The source code of the running Agora, offered to every user (AGPL section 13)."""

from __future__ import annotations

import io
import tarfile
from functools import cache
from pathlib import Path

from forum.resources import resource_dir
from forum.version import VERSION

PACKAGE = Path(__file__).resolve().parent.parent
DATA = ("templates", "locales", "migrations")
LEFT_OUT = {"__pycache__", "_data"}
LEFT_OUT_ENDINGS = (".pyc", ".mo", ".partial")


def _kept(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    name = Path(info.name)
    if LEFT_OUT.intersection(name.parts) or name.name.endswith(LEFT_OUT_ENDINGS):
        return None
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


@cache
def archive() -> bytes:
    """A .tar.gz of the package and its templates, catalogs and migrations, made once."""
    top = f"agora-forum-{VERSION}"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(PACKAGE, arcname=f"{top}/forum", filter=_kept)
        for name in DATA:
            tar.add(resource_dir(name), arcname=f"{top}/{name}", filter=_kept)
        for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "LICENSE", "README.md"):
            path = PACKAGE.parent / name
            if path.is_file():
                tar.add(path, arcname=f"{top}/{name}")
    return buffer.getvalue()
