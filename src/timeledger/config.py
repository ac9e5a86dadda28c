"""The one settings object. Every value comes from the environment, prefix ``TIMELEDGER_``."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from enum import StrEnum
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TIMELEDGER_", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    # A relative SQLite path is relative to the folder the command runs in; the CLI and the
    # server say which file they use (docs/admin.md).
    database_url: str = "sqlite:///./timeledger.db"
    # Echo SQL to the log; for debugging only.
    database_echo: bool = False
    token_lifetime_days: int = Field(default=365, ge=1, le=3650)
    # Seconds the SQLite driver waits for another process's write lock before failing
    # (then the API answers 503 with Retry-After); also how long a request waits for the
    # one SQLite connection.
    sqlite_busy_timeout_seconds: float = Field(default=10.0, gt=0, le=600)
    # PostgreSQL: seconds to establish a connection (libpq's minimum is 2), and the longest
    # a statement may run on the server before it is cancelled.
    database_connect_timeout_seconds: int = Field(default=5, ge=2, le=600)
    database_statement_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)
    # Seconds to wait for Redis (connect, and each answer) before counting in memory.
    redis_timeout_seconds: float = Field(default=0.2, gt=0, le=30)
    # Seconds a SIGTERM waits for requests in flight before the server closes them.
    shutdown_timeout_seconds: int = Field(default=10, ge=1, le=600)
    # Seconds an idle keep-alive connection stays open.
    keep_alive_seconds: int = Field(default=5, ge=1, le=300)
    # Open connections (or requests in flight) past which a new one gets 503.
    max_connections: int = Field(default=1000, ge=1, le=100_000)
    # Largest request line plus headers, in bytes (431 past it).
    max_header_bytes: int = Field(default=16 * 1024, ge=1024, le=1024 * 1024)
    # Seconds to send the headers (408 past it), the body, and to read a response.
    header_timeout_seconds: float = Field(default=10.0, gt=0, le=600)
    body_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)
    send_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)
    # How far ahead of the server clock a client may send a running entry's start.
    clock_skew_seconds: int = Field(default=60, ge=0, le=3600)

    @property
    def clock_skew(self) -> timedelta:
        return timedelta(seconds=self.clock_skew_seconds)

    # Where clients reach the API; used in the curl examples the CLI prints.
    public_url: str = "http://127.0.0.1:8000"

    # Requests per minute per user (upstream: 500); counted in Redis when redis_url is set,
    # else in this process's memory.
    rate_limit_per_minute: int = Field(default=500, ge=1, le=1_000_000)
    # How long a token's caller is remembered (auth/cache.py, docs/security.md): a token
    # revoked or a role changed by another process applies within this many seconds;
    # 0 turns the cache off.
    auth_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    redis_url: str | None = None
    # Wrong passwords allowed per 15 minutes, per user and per client address (then 429).
    password_attempts_per_user: int = Field(default=10, ge=1, le=10_000)
    password_attempts_per_address: int = Field(default=50, ge=1, le=100_000)
    # Prefix of every Redis key timeledger writes.
    redis_key_prefix: str = "timeledger"
    # Hours an Idempotency-Key is remembered; at least a day, as promised.
    idempotency_key_hours: int = Field(default=24, ge=24, le=24 * 30)
    # Largest request body accepted, in bytes.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, le=64 * 1024 * 1024)
    # The server secret: keys the HMAC of Idempotency-Key fingerprints (and the web app's
    # sessions). Required in production; elsewhere one is generated and kept in a 0600
    # file beside the SQLite database (or in data_dir): see ``resolve_secret_key``.
    secret_key: str | None = Field(default=None, min_length=32, repr=False)
    # Where timeledger keeps its own files when the database is not an SQLite file.
    data_dir: Path | None = None
    # Days a web-app sign-in lasts (docs/web.md); sign-out or revoking it ends it sooner.
    web_session_days: int = Field(default=14, ge=1, le=365)
    log_format: LogFormat = LogFormat.TEXT
    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def _driver_spelled_out(cls, url: str) -> str:
        """Hosting settings often say ``postgres://`` or ``postgresql://``; both mean
        PostgreSQL through psycopg 3, the driver timeledger ships with."""
        return normalise_database_url(url)

    # Webhooks (docs/webhooks.md): hosts, addresses and CIDR ranges webhooks may reach
    # although private, loopback or plain http; comma-separated.
    webhook_allow_hosts: str = ""
    # `timeledger serve` runs a dispatcher in its own process (single-node installs); set
    # to false when separate `timeledger worker` processes deliver.
    webhook_worker_in_serve: bool = True
    # Deliveries one worker sends at once, and how often it looks for due ones (seconds).
    webhook_concurrency: int = Field(default=8, ge=1, le=256)
    webhook_poll_seconds: float = Field(default=2.0, gt=0, le=300)
    # Seconds one attempt may take in all (connecting: at most 5 of them).
    webhook_timeout_seconds: float = Field(default=15.0, gt=0, le=60)
    # How long a claimed delivery stays a worker's: a worker killed mid-delivery leaves it
    # to be sent again (same webhook-id) this long after the claim. Must exceed the timeout.
    webhook_lease_seconds: float = Field(default=60.0, gt=0, le=3600)

    @model_validator(mode="after")
    def _lease_outlasts_an_attempt(self) -> Settings:
        if self.webhook_lease_seconds <= self.webhook_timeout_seconds:
            raise ValueError(
                "TIMELEDGER_WEBHOOK_LEASE_SECONDS must be longer than "
                "TIMELEDGER_WEBHOOK_TIMEOUT_SECONDS, or a slow attempt could be sent twice."
            )
        return self

    @property
    def idempotency_retention(self) -> timedelta:
        return timedelta(hours=self.idempotency_key_hours)

    @property
    def token_lifetime(self) -> timedelta:
        return timedelta(days=self.token_lifetime_days)

    @property
    def web_session_lifetime(self) -> timedelta:
        return timedelta(days=self.web_session_days)


SECRET_KEY_FILE = "timeledger-secret-key"


class SecretKeyMissing(RuntimeError):
    """Production without ``TIMELEDGER_SECRET_KEY``: the server refuses to start."""


def secret_key_path(settings: Settings) -> Path:
    """Where a generated secret is kept: beside the SQLite database file, else in
    ``data_dir``, else in ``$XDG_DATA_HOME/timeledger`` (``~/.local/share/timeledger``)."""
    if settings.data_dir is not None:
        return settings.data_dir / SECRET_KEY_FILE
    url = settings.database_url
    if url.startswith("sqlite") and ":memory:" not in url and "///" in url:
        database = url.split("///", 1)[1].split("?", 1)[0]
        if database:
            return Path(database).expanduser().resolve().parent / SECRET_KEY_FILE
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "timeledger" / SECRET_KEY_FILE


def resolve_secret_key(settings: Settings) -> bytes:
    """The server secret as bytes (at least 32 characters of text).

    ``TIMELEDGER_SECRET_KEY`` when set. Otherwise, in production, raises
    ``SecretKeyMissing``; elsewhere reads the key file at ``secret_key_path`` or creates
    it (mode 0600, 43 URL-safe characters from ``secrets``), so the key survives restarts.
    """
    if settings.secret_key:
        return settings.secret_key.encode()
    if settings.environment is Environment.PRODUCTION:
        raise SecretKeyMissing(
            "TIMELEDGER_SECRET_KEY is not set; production needs a secret of at least 32 "
            "characters (for example: python -c 'import secrets; print(secrets.token_urlsafe())')."
        )
    path = secret_key_path(settings)
    try:
        existing = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        existing = ""
    if len(existing) >= 32:
        return existing.encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    # O_EXCL: two processes starting at once agree on the first one's key.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if existing:  # a too-short key file: replace it
            path.unlink()
            return resolve_secret_key(settings)
        return path.read_text(encoding="ascii").strip().encode()
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key.encode()


_POSTGRES_SCHEMES = ("postgres://", "postgresql://", "postgres+psycopg://")


def normalise_database_url(url: str) -> str:
    """``url`` with a PostgreSQL scheme spelled the way SQLAlchemy finds psycopg 3
    (``postgresql+psycopg://``); any other URL unchanged."""
    stripped = url.strip()
    for scheme in _POSTGRES_SCHEMES:
        if stripped.startswith(scheme):
            return "postgresql+psycopg://" + stripped[len(scheme) :]
    return stripped


def get_settings() -> Settings:
    return Settings()
