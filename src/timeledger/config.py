"""The one settings object. Every value comes from the environment, prefix ``TIMELEDGER_``."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from pydantic import Field, model_validator
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
    log_format: LogFormat = LogFormat.TEXT
    log_level: str = "INFO"

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


def get_settings() -> Settings:
    return Settings()
