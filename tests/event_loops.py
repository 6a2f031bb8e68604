"""Running a test's own event loop."""

from __future__ import annotations

import asyncio
import threading


def in_a_thread_of_its_own(run) -> None:  # type: ignore[no-untyped-def]
    """asyncio.run, where the main thread may have an event loop running already (the
    browser tests' Playwright leaves one)."""
    failed: list[BaseException] = []

    def main() -> None:
        try:
            asyncio.run(run())
        except BaseException as error:
            failed.append(error)

    thread = threading.Thread(target=main)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]
