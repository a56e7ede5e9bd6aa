"""Listening's tunable numbers, from environment variables (prefix ``LOA_LISTENING_``) or ``.env``."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ListeningSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOA_LISTENING_", env_file=".env", extra="ignore")

    retention_days: int = Field(default=90, description="Raw (scrubbed) texts are deleted after this many days")
    fetch_timeout_s: float = Field(default=20, description="A feed or page that answers slower fails")
    max_fetch_mb: int = Field(default=10, description="Largest feed or page accepted")
    max_import_mb: int = Field(
        default=200, description="Largest uploaded export accepted (CLI; web uses LOA_MAX_UPLOAD_MB)"
    )
    batch_size: int = Field(default=500, description="Rows per committed batch of an import")
    chunk_size: int = Field(
        default=1000,
        description="Rows per chunk of an import that other workers prepare "
        "(scrub, hash, classify) while the import merges earlier rows",
    )
    prepare_jobs: int = Field(
        default=3,
        description="Helper jobs an import submits to prepare its chunks on "
        "other workers (0: the import prepares every row itself)",
    )
    near_duplicate_threshold: float = Field(default=0.6, description="MinHash Jaccard at or above: same story")
    dedupe_window: int = Field(default=50_000, description="Recent stories kept in the near-duplicate index")
    alert_p_value: float = Field(
        default=0.001, description="Tail probability (negative binomial) under which a topic's day count rises"
    )
    alert_min_count: int = Field(default=5, description="Fewest items a day for an alert")
    alert_min_ratio: float = Field(default=2.0, description="Day count at least this many times the baseline mean")
    baseline_days: int = Field(default=28, description="Trailing days the baseline is taken over")
    alert_guard_days: int = Field(default=2, description="Days just before the tested day left out of its baseline")
    max_backoff_hours: int = Field(default=24, description="Longest wait before retrying a failing source")
