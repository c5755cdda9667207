"""Writers at once: the same work in several threads, each with an app (and so a
connection pool) of its own, as several gunicorn workers would."""

from __future__ import annotations

import threading
from collections.abc import Callable

from .conftest import make_app


def at_once(database_url: str, writers: int, work: Callable[[], None]) -> None:
    """Runs `work` in `writers` threads at once, each inside its own app's context;
    any exception in any of them fails the calling test."""
    each_at_once(database_url, writers, lambda _writer: work())


def each_at_once(database_url: str, writers: int, work: Callable[[int], None]) -> None:
    """As `at_once`, each thread's `work` told which writer it is (0, 1, ...)."""
    failures: list[BaseException] = []
    apps = [make_app(database_url) for _ in range(writers)]

    def run(app, writer: int) -> None:
        try:
            with app.app_context():
                work(writer)
        except BaseException as exc:  # reported below, in the test's own thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(app, n)) for n, app in enumerate(apps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
