"""A person's name for the browser a sign-in came from ("Firefox 133 on Linux"), read
from its User-Agent by ua-parser's maintained rules."""

from __future__ import annotations

from functools import lru_cache

from ua_parser import parse

UNKNOWN = "An unknown browser"


@lru_cache(maxsize=256)
def describe(user_agent: str) -> str:
    found = parse(user_agent)
    if found.user_agent is None or found.user_agent.family == "Other":
        browser = UNKNOWN
    else:
        browser = " ".join(filter(None, (found.user_agent.family, found.user_agent.major)))
    if found.os is None or found.os.family == "Other":
        return browser
    system = " ".join(filter(None, (found.os.family, found.os.major)))
    return f"{browser} on {system}"
