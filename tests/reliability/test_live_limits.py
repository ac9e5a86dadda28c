"""The body limit on a real server, where a body really arrives in chunks."""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from tests.reliability.live import LiveServer

MIB = 1024 * 1024


def test_a_chunked_upload_over_1_mib_gets_413_and_the_server_carries_on(
    live_server: LiveServer,
) -> None:
    def ten_mib() -> Iterator[bytes]:
        for _ in range(160):
            yield b" " * 65536

    with httpx.Client(base_url=live_server.url, timeout=30.0) as client:
        chunked = client.post(
            "/api/v1/time-entry", content=ten_mib(), headers={"Content-Type": "application/json"}
        )
        declared = client.post(
            "/api/v1/time-entry",
            content=b" " * (2 * MIB),
            headers={"Content-Type": "application/json"},
        )
        health = client.get("/healthz")
    assert "content-length" not in chunked.request.headers
    assert chunked.status_code == 413
    assert declared.status_code == 413
    assert declared.json() == {"message": f"The request body may not be larger than {MIB} bytes."}
    assert health.status_code == 200
