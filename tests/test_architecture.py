"""The code stays a house a newcomer understands: small rooms, short functions, thin routes,
no import cycles, and a domain that loads no web framework (tests/architecture.py)."""

import statistics

from tests import architecture


def test_no_module_is_over_400_lines_and_the_median_is_under_150():
    sizes = {str(path): architecture.lines_of(path) for path in architecture.modules()}

    assert {path: n for path, n in sizes.items() if n > architecture.MAX_MODULE} == {}
    assert statistics.median(sizes.values()) < architecture.MAX_MEDIAN


def test_no_function_is_over_60_lines_and_no_route_handler_over_25():
    found = [f for path in architecture.modules() for f in architecture.functions(path)]

    assert [f.where for f in found if f.lines > architecture.MAX_FUNCTION] == []
    assert [f.where for f in found if f.is_route and f.lines > architecture.MAX_HANDLER] == []
    assert sum(f.is_route for f in found) > 40  # the measure finds the routes


def test_no_modules_import_each_other():
    assert architecture.import_cycles() == []


def test_the_domain_loads_no_web_framework():
    domain = architecture.domain_modules()
    assert {
        "forum.concerns.service",
        "forum.summaries.writers",
        "forum.notifications.emails",
    } <= set(domain)

    assert architecture.web_frameworks_loaded_by(domain) == []


def test_the_measure_sees_what_the_web_loads():
    """The check above can fail: the web layer does load FastAPI."""
    assert "fastapi" in architecture.web_frameworks_loaded_by(["forum.web.deps"])
