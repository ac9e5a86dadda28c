"""The HTTP protocol of ``timeledger serve --workers N``'s worker processes, by import
name: each worker builds it from the environment's settings (``http.server``)."""

from __future__ import annotations

from timeledger.config import Settings
from timeledger.http.server import ConnectionLimits, protocol_with

WorkerHttpProtocol = protocol_with(ConnectionLimits.of(Settings()))
