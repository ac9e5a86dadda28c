"""A sign-in's browser in words: "Chrome 131 on Windows 10", read from its user agent
by ua-parser (the maintained Python port of uap-core's rules)."""

from __future__ import annotations

from functools import lru_cache

from ua_parser import parse

UNKNOWN = "Unknown browser"


@lru_cache(maxsize=256)
def browser_words(user_agent: str) -> str:
    """The browser family and major version, and the OS (with its version when known):
    ``Firefox 133 on Ubuntu``, ``Mobile Safari 17 on iOS 17.5``; ``Unknown browser`` when
    the string names none (a program, an empty header)."""
    result = parse(user_agent[:1000])
    agent, system = result.user_agent, result.os
    if agent is None or agent.family == "Other":
        browser = UNKNOWN if not user_agent.strip() else f"{UNKNOWN} ({user_agent[:40]})"
    else:
        browser = f"{agent.family} {agent.major}" if agent.major else agent.family
    if system is None or system.family == "Other":
        return browser
    version = ".".join(part for part in (system.major, system.minor) if part)
    return f"{browser} on {system.family} {version}".rstrip()
