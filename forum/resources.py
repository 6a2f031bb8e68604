"""Where the templates, catalogs and migrations are: in a source checkout, or installed."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder `name` (templates, locales, migrations) of this installation."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


STATIC_DIR = _PACKAGE / "static"
