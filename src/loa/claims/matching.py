"""Matching texts to the claim registry with ``loa.search``: each claim and each of its known phrasings is a
document; a long post is also searched sentence by sentence; a denial of a claim is never a match of it."""

from __future__ import annotations

import hashlib
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.claims.config import ClaimsSettings
from loa.claims.models import Claim
from loa.search import Index
from loa.text import expand_abbreviations, sentences

_lock = threading.Lock()
_cache: dict[str, tuple[str, Index]] = {}


def documents(claims: list[Claim]) -> list[tuple[str, str, dict]]:
    docs = []
    for c in claims:
        for n, body in enumerate([c.text, *(c.phrasings or [])]):
            docs.append((f"{c.id}:{n}", body, {"claim_id": c.id, "status": c.status}))
    return docs


def registry_index(db: Session, semantic: bool = False) -> Index:
    """The in-memory index of matchable claims, rebuilt when the registry changes."""
    from loa.claims.service import MATCHABLE

    claims = list(db.scalars(select(Claim).where(Claim.status.in_(MATCHABLE)).order_by(Claim.id)))
    docs = documents(claims)
    signature = hashlib.sha1(repr([(d[0], d[1], d[2]["status"]) for d in docs]).encode()).hexdigest()
    url = f"{db.get_bind().url}|{semantic}"
    with _lock:
        cached = _cache.get(url)
        if cached and cached[0] == signature:
            return cached[1]
        index = Index("claims", semantic=semantic)
        if docs:
            index.add(docs)
        _cache[url] = (signature, index)
        return index


def passages(text: str) -> list[str]:
    """The whole text and, for a longer post, each of its sentences."""
    parts = [text]
    if len(text.split()) > 12:
        parts += [s for s in sentences(text) if len(s.split()) >= 3]
    return parts


def best(db: Session, text: str, settings: ClaimsSettings) -> dict:
    """The decision for ``text``: ``match`` | ``suggest`` | ``none``, with the claim and evidence."""
    empty = {"decision": "none", "claim_id": None, "claim": None, "score": 0.0, "negated": False, "verdict": None}
    if not text.strip():
        return empty
    index = registry_index(db, settings.semantic)
    top = None
    for part in passages(text):
        for query in dict.fromkeys([part, expand_abbreviations(part)]):
            for hit in index.search(query, k=3):
                if top is None or hit.score > top.score:
                    top = hit
    if top is None or top.score < settings.suggest_threshold:
        return empty
    claim = db.get(Claim, top.meta["claim_id"])
    negated = _denies(text, index, claim.id)
    decision = "none" if negated else ("match" if top.score >= settings.match_threshold else "suggest")
    return {"decision": decision, "claim_id": claim.id, "claim": claim.text, "score": round(top.score, 4),
            "negated": negated, "verdict": claim.verdict}


def _denies(text: str, index: Index, claim_id: int) -> bool:
    """True when any passage of ``text`` that retrieves the claim denies it."""
    for part in passages(text):
        for hit in index.search(part, k=5, filters={"claim_id": claim_id}):
            if hit.negated:
                return True
    return False
