"""Settings read from environment variables (prefix ``LOA_``) and an optional ``.env`` file."""

from __future__ import annotations

import ipaddress
import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LANGUAGES = ("vi", "en")
TIMEZONE = "Asia/Ho_Chi_Minh"


class Settings(BaseSettings):
    """All configuration of a Loa instance."""

    model_config = SettingsConfigDict(env_prefix="LOA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("loa-data"), description="Uploads, generated files, indexes, secret key")
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means SQLite under data_dir")
    secret_key: str = Field(default="", description="Signs session cookies; generated on first run when empty")
    default_language: str = Field(default="vi", description="Interface language when the user chose none")
    province: str = Field(default="Trà Vinh", description="Province this instance serves")
    session_hours: int = Field(default=12, description="A login lasts this many hours")
    secure_cookies: bool = Field(default=False, description="Send the session cookie over HTTPS only")
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed logins of one user from one address before each next one doubles a pause"
    )
    login_address_max_failures: int = Field(
        default=20, ge=1, description="Failed logins from one address (any users) before each next one doubles a pause"
    )
    login_spray_users: int = Field(
        default=10, ge=2, description="Users one address fails for within the window: password spraying, refused"
    )
    login_window_minutes: int = Field(default=15, ge=1, description="Window in which failed logins are counted")
    trusted_proxies: str = Field(
        default="",
        description="Reverse proxies (IP addresses or networks, comma-separated) whose X-Forwarded-For and "
        "X-Forwarded-Proto headers are believed; empty: none, the connecting address is the client's",
    )
    max_upload_mb: int = Field(default=20, description="Largest accepted upload")
    anonymous_rate: str = Field(
        default="10/minute;60/hour",
        description="Questions one client may ask without logging in (/hoi-dap, the widget, the ask API: per "
        "address; a tipline: per sender), in the `limits` notation; beyond it: 429",
    )
    anonymous_total_rate: str = Field(
        default="300/minute", description="Questions all anonymous clients together may ask; beyond it: 429"
    )
    argon2_time_cost: int = Field(default=3, description="Argon2 iterations for password hashing")
    argon2_memory_kib: int = Field(default=65536, description="Argon2 memory for password hashing")
    smtp_host: str = Field(default="", description="SMTP server for e-mail digests; empty shows them in the app only")
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "loa@localhost"
    host: str = "127.0.0.1"
    port: int = 8000
    web_workers: int = Field(default=1, ge=1, description="Web server processes started by `loa serve`")
    broker_url: str = Field(
        default="",
        description="Job queue: empty = SQLite file under data_dir (one machine), "
        "redis://host:6379/0 for several machines, 'immediate' = run jobs at once in-process",
    )
    worker_threads: int = Field(default=2, description="Jobs a `loa worker` process runs at the same time")
    embedded_worker: bool = Field(default=True, description="`loa serve` starts a worker process beside itself")
    periodic: dict[str, str] = Field(
        default_factory=dict,
        description="Periodic job timings, e.g. "
        '{"listening.poll": "every 5m", "plans.digest": "daily 07:00", "x": "off"}',
    )
    job_stale_s: int = Field(default=120, description="A running job whose worker is silent this long is retried")

    @field_validator("anonymous_rate", "anonymous_total_rate")
    @classmethod
    def _rates(cls, value: str) -> str:
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a rate such as '10/minute;60/hour'") from None
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        entries = [v.strip() for v in value.split(",") if v.strip()]
        for entry in entries:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"LOA_TRUSTED_PROXIES: {entry!r} is not an IP address or network") from None
        return ",".join(entries)

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'loa.sqlite3').resolve()}"

    @property
    def files_dir(self) -> Path:
        """Where modules keep uploaded and generated files."""
        return self.data_dir / "files"

    def prepare(self) -> Settings:
        """Create the data directory and fill the secret key from (or into) ``data_dir/secret.key``."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.files_dir.mkdir(parents=True, exist_ok=True)
        if self.default_language not in LANGUAGES:
            raise ValueError(f"LOA_DEFAULT_LANGUAGE must be one of {LANGUAGES}")
        if not self.secret_key:
            key_file = self.data_dir / "secret.key"
            if not key_file.exists():
                create_secret_file(key_file)
            self.secret_key = key_file.read_text().strip()
        return self


def create_secret_file(key_file: Path) -> None:
    """Write a new secret to ``key_file`` atomically: a complete private temporary file is linked into place,
    which fails if another process got there first (then its secret stands)."""
    fd, temporary = tempfile.mkstemp(dir=key_file.parent, prefix=f".{key_file.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
        os.link(temporary, key_file)
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, prepared on first use."""
    return Settings().prepare()
