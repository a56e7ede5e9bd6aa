"""The bulletins' tunable numbers, from environment variables (prefix ``LOA_BULLETINS_``) or ``.env``."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class BulletinsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOA_BULLETINS_", env_file=".env", extra="ignore")

    stale_days: int = Field(
        default=3, ge=0, description="A figure on the home page older than this many days is marked old"
    )
