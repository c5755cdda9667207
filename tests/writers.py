"""Writers at once: the same work in several threads, each with an app (and so a
connection pool) of its own, as several gunicorn workers would."""

from __future__ import annotations

import threading
from collections.abc import Callable

from .conftest import make_app


def at_once(database_url: str, writers: int, work: Callable[[], None]) -> None:
    """Runs `work` in `writers` threads at once, each inside its own app's context;
    any exception in any of them fails the calling test."""
    failures: list[BaseException] = []
    apps = [make_app(database_url) for _ in range(writers)]

    def run(app) -> None:
        try:
            with app.app_context():
                work()
        except BaseException as exc:  # reported below, in the test's own thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
