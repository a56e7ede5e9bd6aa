"""The desk's typed inputs: the edits of a claim, and the JSON API's request bodies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ClaimChanges(BaseModel):
    """Edits of a claim (``service.update_claim``): only the fields given are applied. Tags and phrasings come as
    lists, or as a form's text (tags comma-separated, phrasings one a line)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str | None = None
    verdict: str | None = None
    explanation: str | None = None
    tags: list[str] | str | None = None
    phrasings: list[str] | str | None = None
    original_text: str | None = None
    original_language: str | None = None
    spoken_text: str | None = None
    social_text: str | None = None


class SourceIn(BaseModel):
    publisher: str
    url: str
    title: str = ""
    date: str | None = None


class ClaimIn(BaseModel):
    text: str
    verdict: str | None = None
    explanation: str = ""
    tags: list[str] = Field(default_factory=list)
    phrasings: list[str] = Field(default_factory=list)
    original_text: str = ""
    original_language: str = "vi"
    sources: list[SourceIn] = Field(default_factory=list)


class ClaimPatch(ClaimChanges):
    """The API's edits: tags and phrasings as lists only; unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    tags: list[str] | None = None
    phrasings: list[str] | None = None


class TransitionIn(BaseModel):
    to: str
    note: str = ""


class CheckIn(BaseModel):
    text: str
    reach: int = 1
    origin: str = "api"
    ref: str | None = None


class LinkIn(BaseModel):
    claim_id: int


class OpenIn(BaseModel):
    text: str = ""


class DismissIn(BaseModel):
    reason: str
