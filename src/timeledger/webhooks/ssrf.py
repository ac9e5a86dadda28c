"""The SSRF guard: where a webhook may be sent.

A URL must be ``https`` (``http`` only to an allow-listed host), and every address its
host resolves to must be public: loopback, private, link-local (cloud metadata lives at
169.254.169.254), shared, reserved, multicast and unspecified addresses are refused unless
``TIMELEDGER_WEBHOOK_ALLOW_HOSTS`` lists the host name, the address or a CIDR range holding
it. The check runs when a subscription is saved and again before every attempt, since DNS
answers change.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]
MAX_URL_LENGTH = 2048


class UrlRefused(ValueError):
    """The URL may not receive webhooks; the message says why, in a user's words."""


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True, slots=True)
class AllowList:
    """``TIMELEDGER_WEBHOOK_ALLOW_HOSTS``: host names, addresses and CIDR ranges."""

    hosts: frozenset[str]
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    @classmethod
    def parse(cls, raw: str | Sequence[str] | None) -> AllowList:
        items = raw.split(",") if isinstance(raw, str) else list(raw or [])
        hosts: set[str] = set()
        networks = []
        for item in (i.strip().lower() for i in items):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.add(item.rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def allows_address(self, address: IPAddress) -> bool:
        return any(address in network for network in self.networks)


def _is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return _is_public(address.ipv4_mapped)
    return address.is_global and not address.is_multicast


def check_url(url: str, allow: AllowList, resolve: Resolver = system_resolver) -> None:
    """Raise ``UrlRefused`` unless webhooks may be POSTed to ``url`` now."""
    if len(url) > MAX_URL_LENGTH:
        raise UrlRefused(f"The url may not be longer than {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlRefused("The url must be a valid URL.") from exc
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise UrlRefused("The url must be a valid http or https URL.")
    if parts.username or parts.password:
        raise UrlRefused("The url may not carry a user name or password.")
    host_allowed = allow.allows_host(host)
    if parts.scheme == "http" and not host_allowed and not _literal_allowed(host, allow):
        raise UrlRefused(
            "The url must use https; plain http is only for hosts listed in "
            "TIMELEDGER_WEBHOOK_ALLOW_HOSTS."
        )
    if host_allowed:
        return
    for address in _addresses(host, port or (443 if parts.scheme == "https" else 80), resolve):
        if not _is_public(address) and not allow.allows_address(address):
            raise UrlRefused(
                f"The url's host resolves to {address}, a private, loopback, link-local or "
                "reserved address; list it in TIMELEDGER_WEBHOOK_ALLOW_HOSTS to allow it."
            )


def _literal_allowed(host: str, allow: AllowList) -> bool:
    try:
        return allow.allows_address(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return False


def _addresses(host: str, port: int, resolve: Resolver) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        found = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise UrlRefused(f"The url's host {host} could not be resolved.") from exc
    if not found:
        raise UrlRefused(f"The url's host {host} could not be resolved.")
    return [ipaddress.ip_address(a.split("%", 1)[0]) for a in found]
