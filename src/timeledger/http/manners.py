"""HTTP manners every response keeps: security headers, ``/`` for API clients, and the
``Allow`` header of a 405 listing every method the path takes (docs/api.md, "HTTP")."""

from __future__ import annotations

from starlette.routing import BaseRoute, Match
from starlette.types import Scope

# Sent on every response. A JSON answer also gets a Content-Security-Policy that lets it
# do nothing at all; HTML pages (the docs, the web app) set their own.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
JSON_CSP = "default-src 'none'; frame-ancestors 'none'"
# HSTS only when the configured public URL is https: over plain HTTP it means nothing.
HSTS = "max-age=31536000; includeSubDomains"

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(routes: list[BaseRoute], scope: Scope) -> list[str]:
    """Every method some route takes at ``scope``'s path, in a fixed order."""
    allowed = []
    for method in _METHODS:
        probe = {**scope, "method": method}
        if any(route.matches(probe)[0] == Match.FULL for route in routes):
            allowed.append(method)
    return allowed


ROOT_MESSAGE = "Not Found. The API is under /api/v1/; its documentation is at /docs."


def root_message() -> str:
    """What ``/`` answers API clients: a 404 that says where to go (no path echoed)."""
    return ROOT_MESSAGE
