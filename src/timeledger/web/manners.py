"""What every answer under ``/app`` carries besides its content (docs/web.md, "HTTP"):

- ``Cache-Control: no-store`` on every page, fragment, download and redirect (the static
  files excepted), so Back after signing out, or another person at the same browser,
  finds nothing private in the browser's cache;
- a Content-Security-Policy on every HTML page that allows scripts and styles from the
  server only; the few inline styles the server itself writes (pygal's chart ``<style>``
  and its ``style`` attributes) are allowed by their SHA-256 hashes, computed from the
  page as sent.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import unescape

from starlette.types import ASGIApp, Message, Receive, Scope, Send

NO_STORE = "no-store"
_BASE_CSP = (
    "default-src 'none'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(r"""\sstyle="([^"]*)\"""")


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def page_csp(html: str = "") -> str:
    """The Content-Security-Policy of a page whose text is ``html``: the base policy, and
    ``style-src 'self'`` plus a hash of each inline ``<style>`` and ``style`` attribute the
    page holds (templates autoescape every value, so only the server writes these)."""
    # Inside an <svg> a <style>'s text is read with its character references decoded (in
    # HTML it is raw text), and an attribute's always is: the browser hashes what it read.
    texts = _STYLE_ELEMENT.findall(html)
    elements = sorted({_hash(text) for text in texts} | {_hash(unescape(t)) for t in texts})
    attributes = sorted({_hash(unescape(found)) for found in _STYLE_ATTRIBUTE.findall(html)})
    sources = ["'self'", *elements]
    if attributes:
        sources += ["'unsafe-hashes'", *attributes]
    return f"{_BASE_CSP}; style-src {' '.join(sources)}"


class AppManners:
    """Adds ``Cache-Control: no-store`` to every answer under ``/app`` but the static files
    (unless the answer set its own), and the base Content-Security-Policy to an HTML
    answer that set none (pages made by ``render`` set theirs with their hashes)."""

    def __init__(self, app: ASGIApp, *, static_url: str) -> None:
        self.app = app
        self.static_prefix = static_url.rstrip("/") + "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path.startswith(self.static_prefix):
            await self.app(scope, receive, send)
            return

        async def with_manners(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = _with_manners(message)
            await send(message)

        await self.app(scope, receive, with_manners)


def _with_manners(message: Message) -> Message:
    headers = list(message.get("headers", []))
    names = {bytes(name).lower(): bytes(value) for name, value in headers}
    if b"cache-control" not in names:
        headers.append((b"cache-control", NO_STORE.encode()))
    if b"content-security-policy" not in names and b"html" in names.get(b"content-type", b""):
        headers.append((b"content-security-policy", page_csp().encode()))
    return {**message, "headers": headers}
