"""The SSRF guard, with a stub resolver: what a host name resolves to decides."""

from __future__ import annotations

import pytest

from timeledger.webhooks.ssrf import AllowList, UrlRefused, check_url


def resolver(answers: dict[str, list[str]]):
    def resolve(host: str, _port: int) -> list[str]:
        if host not in answers:
            raise OSError("no such host")
        return answers[host]

    return resolve


DNS = resolver(
    {
        "crm.example.com": ["93.184.216.34"],
        "internal.example.com": ["10.0.0.7"],
        "sneaky.example.com": ["93.184.216.34", "127.0.0.1"],
        "metadata.example.com": ["169.254.169.254"],
        "mapped.example.com": ["::ffff:192.168.1.1"],
        "crm.lan": ["192.168.1.20"],
    }
)


@pytest.mark.parametrize(
    "url",
    [
        "https://internal.example.com/hook",
        "https://sneaky.example.com/hook",
        "https://metadata.example.com/hook",
        "https://mapped.example.com/hook",
        "https://100.64.0.1/hook",
        "https://0.0.0.0/hook",
        "https://[fe80::1]/hook",
        "https://[fc00::1]/hook",
        "https://224.0.0.1/hook",
        "https://nowhere.example.com/hook",
        "http://crm.example.com/hook",
        "https://crm.example.com:99999/hook",
    ],
)
def test_refused(url: str) -> None:
    with pytest.raises(UrlRefused):
        check_url(url, AllowList.parse(""), DNS)


def test_public_https_is_allowed() -> None:
    check_url("https://crm.example.com/hook", AllowList.parse(""), DNS)


@pytest.mark.parametrize(
    ("allow", "url"),
    [
        ("crm.lan", "http://crm.lan:8080/hook"),
        ("192.168.0.0/16", "https://crm.lan/hook"),
        ("192.168.0.0/16", "http://192.168.1.20/hook"),
        (" 10.0.0.7 , other", "https://internal.example.com/hook"),
    ],
)
def test_allow_list(allow: str, url: str) -> None:
    check_url(url, AllowList.parse(allow), DNS)


def test_allow_list_is_exact() -> None:
    with pytest.raises(UrlRefused):
        check_url("https://crm.lan/hook", AllowList.parse("192.168.2.0/24"), DNS)
