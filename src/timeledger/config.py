"""The one settings object. Every value comes from the environment, prefix ``TIMELEDGER_``."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from enum import StrEnum
from pathlib import Path

from pydantic import Field
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
    database_url: str = "sqlite:///./timeledger.db"
    # Echo SQL to the log; for debugging only.
    database_echo: bool = False
    token_lifetime_days: int = Field(default=365, ge=1, le=3650)
    # Seconds the SQLite driver waits for another process's write lock before failing.
    sqlite_busy_timeout_seconds: float = Field(default=30.0, gt=0)
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
    redis_url: str | None = None
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


def get_settings() -> Settings:
    return Settings()
