"""The numbers that keep the code a newcomer can read, measured from the source itself.

    python -m tests.architecture          # print them (and the `duplicates` pairs, if that
                                          # tool is on this machine)

tests/test_architecture.py holds them to their limits: no module over 400 lines and the median
under 150; no function over 60 lines; no route handler over 25; no import cycle between
modules; and the domain (rules, queries, summaries, notifications) loads no web framework.
"""

from __future__ import annotations

import ast
import shutil
import statistics
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "forum"
MAX_MODULE, MAX_MEDIAN, MAX_FUNCTION, MAX_HANDLER = 400, 150, 60, 25
ROUTE_DECORATORS = {"get", "post", "put", "delete", "patch", "head", "api_route"}
WEB_FRAMEWORKS = ("fastapi", "starlette")
# The domain: what must load no web framework, even indirectly. Routes, the app, the web
# layer, the JSON API and the operator's endpoints are the web; everything else is domain.
WEB_MODULES = ("forum.app", "forum.web", "forum.api", "forum.cli", "forum.__main__")


def modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if "static" not in path.parts)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def lines_of(path: Path) -> int:
    return len(path.read_text().splitlines())


@dataclass(frozen=True)
class Function:
    where: str
    lines: int
    is_route: bool


def functions(path: Path) -> Iterator[Function]:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno is not None
            yield Function(
                f"{path.relative_to(ROOT)}:{node.lineno} {node.name}",
                node.end_lineno - node.lineno + 1,
                any(_is_route(decorator) for decorator in node.decorator_list),
            )


def _is_route(decorator: ast.expr) -> bool:
    call = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(call, ast.Attribute) and call.attr in ROUTE_DECORATORS


def imports(path: Path) -> set[str]:
    """The forum modules this module imports (at any depth of its code)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("forum")}


def import_cycles() -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan)."""
    names = {module_name(path): path for path in modules()}
    graph = {name: sorted(imports(path) & names.keys() - {name}) for name, path in names.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        for other in graph[name]:
            if other not in index:
                visit(other)
                low[name] = min(low[name], low[other])
            elif other in stack:
                low[name] = min(low[name], index[other])
        if low[name] == index[name]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == name:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for name in graph:
        if name not in index:
            visit(name)
    return cycles


def domain_modules() -> list[str]:
    names = [module_name(path) for path in modules()]
    return [
        name
        for name in names
        if not name.startswith(WEB_MODULES)
        and not name.endswith(("routes", "forms", "deps"))
        and name not in ("forum.operations.requests",)
    ]


def web_frameworks_loaded_by(names: list[str]) -> list[str]:
    """The web framework modules that importing `names` loads, in a fresh interpreter."""
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        f"print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in {WEB_FRAMEWORKS!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return done.stdout.split()


def duplicates() -> str | None:
    """What the `duplicates` tool says of forum/ and templates/, where it is installed."""
    tool = shutil.which("duplicates")
    if tool is None:
        return None
    said = []
    for folder in ("forum", "templates"):
        run = subprocess.run(
            [tool, "--repo", folder, "--seconds", "60"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        said.append(f"{folder}/: {run.stdout.splitlines()[0] if run.stdout else run.stderr}")
    return "\n".join(said)


def report() -> str:
    sizes = {str(path.relative_to(ROOT)): lines_of(path) for path in modules()}
    found = [function for path in modules() for function in functions(path)]
    handlers = [function for function in found if function.is_route]
    longest = max(found, key=lambda function: function.lines)
    longest_handler = max(handlers, key=lambda function: function.lines)
    biggest = max(sizes, key=sizes.__getitem__)
    domain = domain_modules()
    lines = [
        f"modules: {len(sizes)}, median {statistics.median(sizes.values()):.0f} lines "
        f"(at most {MAX_MEDIAN}), largest {sizes[biggest]} ({biggest}; at most {MAX_MODULE})",
        f"functions: {len(found)}, longest {longest.lines} lines ({longest.where}; "
        f"at most {MAX_FUNCTION})",
        f"route handlers: {len(handlers)}, longest {longest_handler.lines} lines "
        f"({longest_handler.where}; at most {MAX_HANDLER})",
        f"import cycles between modules: {len(import_cycles())}",
        f"web framework modules the domain loads: {len(web_frameworks_loaded_by(domain))}",
    ]
    said = duplicates()
    lines.append(said if said is not None else "duplicates: the tool is not on this machine")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
