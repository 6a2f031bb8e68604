"""Ship the top-level templates/, locales/ and migrations/ inside the installed package.

The repository keeps them at the top level (where translators and reviewers look for them);
an installed Agora finds them under forum/_data/ (see forum.resources).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_DIRS = ("templates", "locales", "migrations")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        root = Path(__file__).parent
        target = Path(self.build_lib) / "forum" / "_data"
        for name in DATA_DIRS:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(
                root / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )


setup(cmdclass={"build_py": BuildWithData})
