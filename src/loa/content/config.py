"""The content hub's tunable numbers, from environment variables (prefix ``LOA_CONTENT_``) or ``.env``."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ContentSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOA_CONTENT_", env_file=".env", extra="ignore")

    broadcast_grace_minutes: int = Field(
        default=60,
        ge=0,
        description="A loudspeaker or radio/TV slot reached "
        "later than this after its time is recorded as missed, not aired",
    )
