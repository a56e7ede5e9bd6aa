"""Named hooks: how one module offers something to the others without their importing it (pluggy).

A module implements hooks in its ``hooks.py`` with ``@impl``; a caller asks ``call().<hook>(...)`` with keyword
arguments. A hook nobody implements answers ``None`` (first-result hooks) or ``[]``, so a module can be left out.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

import pluggy
from sqlalchemy.orm import Session

from loa import modules

spec = pluggy.HookspecMarker("loa")
impl = pluggy.HookimplMarker("loa")


class Spec:
    """Every hook, with who calls it."""

    @spec
    def dashboard_panel(self, db: Session, user) -> dict | None:
        """The home page asks each module for its card (``order``, ``title``, ``lines``...), or None."""

    @spec
    def reports_offered(self, db: Session, user) -> list[dict]:
        """The reports page asks each module for the reports this user may produce."""

    @spec(firstresult=True)
    def public_text_observed(
        self, db: Session, text: str, reach: int, origin: str, ref: str, batch: dict
    ) -> dict | None:
        """A public text was observed: a citizen's question (answers) or a story (listening). The misinformation
        desk answers with its finding (``decision``, ``claim_id``, ``score``, and ``kind``: "question" when the
        text asks about the claim rather than asserts it, never counted as spreading it). ``batch`` is a dict the
        caller keeps over one batch of texts, where the handler may keep what it reads once."""

    @spec(firstresult=True)
    def claim_titles(self, db: Session, ids: list[int]) -> dict[int, str] | None:
        """Titles of known claims by id (the listening report names the claims it saw)."""

    @spec(firstresult=True)
    def claim_verdicts(self, db: Session, ids: list[int]) -> dict[int, str | None] | None:
        """The verdict in force of known claims by id (``false``, ``misleading``, ``unproven``, ``true``...; None
        while unchecked): the listening report lists only misinformation as such."""

    @spec(firstresult=True)
    def unanswered_questions(self, db: Session, since: datetime, until: datetime, limit: int) -> list[dict] | None:
        """The most asked questions still without an answer in [since, until): ``{"text", "count"}``."""

    @spec(firstresult=True)
    def fact_check_published(self, db: Session, title: str, body: str, author, source: str) -> int | None:
        """A correction was published (claims): the content library answers with the id of the draft it made."""

    @spec(firstresult=True)
    def tipline_counts(self, db: Session, refs: list[str]) -> dict[str, dict[str, int]] | None:
        """How many messages each tipline platform brought to each of these queue items (``"triage:8"``,
        ``"group:3"``, ``"claim:5"``): ref → the platform's name (Zalo, Telegram, Messenger, SMS) → count
        (messaging). Counts only, nobody named."""

    @spec
    def question_answered(self, db: Session, group_id: int, entry_id: int) -> None:
        """Staff's answer to a queued question group was approved (answers): whoever waits for it is told."""

    @spec
    def claim_published(self, db: Session, claim_id: int) -> None:
        """A claim's verdict was published (claims): whoever sent that rumour is told."""

    @spec(firstresult=True)
    def latest_bulletin(self, db: Session, district: str) -> dict | None:
        """The latest situation bulletin approved for the public that covers a district (GSO code): the
        district's own, else its province's (bulletins): ``{"key", "title", "day", "text"}``."""

    @spec
    def emergency_notice(self, db: Session, districts: list[str], text: str) -> list[int]:
        """An emergency notice for these districts (GSO codes): the tiplines send it to their subscribers and
        answer how many they reach."""

    @spec
    def current_emergency_notices(self, db: Session) -> list[dict]:
        """The emergency notices in force now, for the public home page and the banner: each
        ``{"title", "url", "level", "expires"}`` (``expires``: the local end time as shown, "18:00 08/12/2026")."""

    @spec
    def period_figures(self, db: Session, start: date, end: date) -> dict | None:
        """The situation room and the periodic report (situation) ask each module for its figures over the local
        days [start, end] as they stood at the end of ``end`` (history, not today's state), so a past period gives
        the same numbers later. JSON-serialisable: ``{"section", "order", "title", "as_of", "url", ...}`` with the
        section's keys (``docs/modules/situation.md``), or None."""

    @spec(firstresult=True)
    def place_register(self, db: Session) -> dict | None:
        """The province's places for finding them in public texts (listening, at ingestion and ``loa listening
        classify``): ``{"province": name, "districts": [(official district name with its unit type, [commune
        names])]}``. Channels answers from its commune register; bulletins, tried last, with the gazetteer's
        districts only (no communes) when there is no register."""

    @spec
    def public_texts_rescrubbed(self, db: Session) -> dict[str, list[int]]:
        """Scrub again, as on their first write, the texts from the public a module keeps (listening stories;
        questions; claim sightings and triage texts) once ``loa.text.scrub`` finds more: each module answers
        {what: [texts read, texts changed]} (``loa.text.stored``). Run again, it changes nothing."""


@cache
def manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("loa")
    pm.add_hookspecs(Spec)
    for module in reversed(modules.find("hooks")):  # pluggy calls the last registered first: keep module order
        pm.register(module)
    return pm


def call() -> Any:
    """The hook relay: ``call().public_text_observed(db=db, text=...)``."""
    return manager().hook
