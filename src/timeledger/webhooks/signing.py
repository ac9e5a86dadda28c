"""Secrets and the two signature schemes every delivery carries.

- Plannr's ``X-Signature``: the hex HMAC-SHA256 of the raw body, keyed with the
  subscription's ``signing_secret`` as text (upstream-api.md §4).
- Standard Webhooks 1.0 (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``),
  made by the ``standardwebhooks`` package: its key is the secret base64-decoded, so a
  receiver verifies with ``Webhook(signing_secret)``.

During a rotation's overlap both secrets sign: ``webhook-signature`` lists both
signatures (space-separated, as the standard says) and ``X-Signature-Previous`` carries
the old secret's hex signature beside ``X-Signature``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime

from standardwebhooks.webhooks import Webhook

from timeledger import __version__

# 45 random bytes are 60 base64 characters: Plannr's secrets are 60 characters long.
SECRET_BYTES = 45
USER_AGENT = f"timeledger-webhooks/{__version__}"


def new_secret() -> str:
    """A fresh signing secret: 60 characters of base64 (360 random bits)."""
    return base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def hex_signature(secret: str, body: bytes) -> str:
    """Plannr's ``X-Signature``: hex HMAC-SHA256 of ``body`` keyed with ``secret``."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def headers(
    *, secrets_: Sequence[str], message_id: str, timestamp: datetime, body: bytes
) -> dict[str, str]:
    """The signed headers of one attempt. ``secrets_`` is the current secret first, then
    the previous one while it still signs; ``timestamp`` is the attempt's time (UTC)."""
    text = body.decode("utf-8")
    standard = " ".join(
        Webhook(secret).sign(msg_id=message_id, timestamp=timestamp, data=text)
        for secret in secrets_
    )
    signed = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Signature": hex_signature(secrets_[0], body),
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": standard,
    }
    if len(secrets_) > 1:
        signed["X-Signature-Previous"] = hex_signature(secrets_[1], body)
    return signed
