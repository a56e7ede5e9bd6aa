"""Matching texts to the claim registry with ``loa.search``.

Each claim and each of its known phrasings is a document, also in its diacritics-folded form (so a post typed
without accents meets its claim in every lexical stage); a longer post is searched whole and by sentence;
the fused score comes from a ranker fitted for claim matching (``data/ranker.json``, written by
``bench/claims_matching.py --train`` from variants of the registry itself). A text that denies the claim or the
phrasing it matched (:func:`loa.search.negation.contradicts`) is never a match of it, and a text that does not
name the epidemic, or credits a remedy the claim never names, is at most suggested (:func:`automatic`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loa.claims import agents
from loa.claims.config import ClaimsSettings
from loa.claims.models import MATCHABLE, Claim
from loa.config import Settings
from loa.db import session_scope
from loa.search import Index, contradicts, embed, store
from loa.search.rank import Ranker
from loa.text import expand_abbreviations, normalize, sentences, strip_diacritics

RANKER = Path(__file__).parent / "data" / "ranker.json"
# the e5 vectors of the starter registry's documents, written by bench/starter_vectors.py
STARTER_VECTORS = Path(__file__).parent / "data" / "starter_vectors.npz"
embed.ship(STARTER_VECTORS)
_REPORTED = re.compile(
    r"^.*?\b(?:nói|bảo|kể|đồn|rằng|bàn tán|truyền tai nhau|chia sẻ|viết)\b\s*(?:là|rằng)?\s*:?\s*", re.IGNORECASE
)


def ranker(semantic: bool) -> Ranker | None:
    """The claims ranker for a lexical or hybrid index (None: loa.search's default)."""
    if not RANKER.exists():
        return None
    return Ranker.from_dict(json.loads(RANKER.read_text()).get("hybrid" if semantic else "lexical"))


def documents(claims: list[Claim]) -> list[tuple[str, str, dict]]:
    """Every claim text and phrasing, as written and folded."""
    docs = []
    for c in claims:
        for n, body in enumerate([c.text, *(c.phrasings or [])]):
            meta = {"claim_id": c.id, "status": c.status}
            docs.append((f"{c.id}:{n}", body, meta))
            docs.append((f"{c.id}:{n}:f", strip_diacritics(body), meta))
    return docs


def _documents(db: Session) -> list[tuple[str, str, dict]]:
    return documents(list(db.scalars(select(Claim).where(Claim.status.in_(MATCHABLE)).order_by(Claim.id))))


def _signature(db: Session) -> tuple:
    """Changes whenever a claim is added, changed (phrasings, status) or deleted."""
    return tuple(db.execute(select(func.count(Claim.id), func.max(Claim.updated_at))).one())


INDEX = store.Stored("claims", _documents, _signature)


def _maker(semantic: bool, fitted: bool = True):
    return lambda: Index("claims", semantic=semantic, ranker=ranker(semantic) if fitted else None, group="claim_id")


def registry_index(db: Session, semantic: bool = False, fitted: bool = True, directory: Path | None = None) -> Index:
    """The index of matchable claims, kept under ``directory`` (default: where ``loa.search.store.use`` put the
    instance's indexes; none: in memory), loaded from its stored build when the registry changed."""
    semantic = semantic and embed.available()
    return INDEX.get(db, _maker(semantic, fitted), f"{semantic}-{fitted}", directory)


def rebuild_index(settings: Settings) -> bool:
    """Build and store the registry index (e5 stage as ``LOA_CLAIMS_SEMANTIC`` says) when the matchable claims
    changed since the stored build (a periodic job); True when it built."""
    with session_scope(settings.db_url) as db:
        return INDEX.rebuild(db, _maker(ClaimsSettings().semantic and embed.available()), settings.data_dir / "indexes")


def warm(settings: Settings) -> None:
    """Load the registry index and match one text (loads the word segmenter and the e5 model), so that the
    first text checked after a start waits for none of it."""
    with session_scope(settings.db_url) as db:
        best(db, "Uống nước chanh có chữa được covid không?", ClaimsSettings(), directory=settings.data_dir / "indexes")


# The epidemic the registry is about: a text that names none of it is not linked automatically to a claim that
# does ("ăn ớt nhiều dễ đau bao tử" shares words with "ăn ớt phòng covid" but is not about covid).
TOPIC = re.compile(r"\b(?:covid|co vy|corona|virus|vi rut|sars|ncov|f0|f1|dich|vac xin|vacxin|vaccine|vx|tiem|chich)\b")


def on_topic(text: str, claim_texts: list[str]) -> bool:
    """False when the claim names the epidemic and the text does not."""
    folded = strip_diacritics(expand_abbreviations(normalize(text))).lower()
    return bool(TOPIC.search(folded)) or not any(TOPIC.search(strip_diacritics(t).lower()) for t in claim_texts)


def automatic(text: str, claim_texts: list[str]) -> bool:
    """May a high score link the text to the claim without a person? Not when the text is off the epidemic
    (:func:`on_topic`) or credits a remedy the claim never names (:func:`loa.claims.agents.foreign`)."""
    return on_topic(text, claim_texts) and not agents.foreign(text, claim_texts)


def passages(text: str) -> list[str]:
    """The whole text and, for a longer post, each sentence of it, also without a leading reported-speech frame
    ("nghe bà con nói ...", "... bàn tán rằng ..."). Not clause by clause: a clause such as "không bao giờ bị
    covid" keeps too little of what the post claims."""
    parts = [text]
    if len(text.split()) > 10:
        for s in sentences(text):
            parts.append(s)
    parts += [_REPORTED.sub("", p, count=1) for p in parts]
    return list(dict.fromkeys(p.strip() for p in parts if len(p.split()) >= 3))


def queries(text: str) -> list[str]:
    return list(dict.fromkeys(q for p in passages(text) for q in (p, expand_abbreviations(p))))


def best(db: Session, text: str, settings: ClaimsSettings, directory: Path | None = None) -> dict:
    """The decision for ``text``: ``match`` | ``suggest`` | ``none``, with the claim and evidence."""
    empty = {"decision": "none", "claim_id": None, "claim": None, "score": 0.0, "negated": False, "verdict": None}
    if not text.strip():
        return empty
    index = registry_index(db, settings.semantic, directory=directory)
    top = None
    for query in queries(text):
        for hit in index.search(query, k=3):
            if top is None or hit.score > top.score:
                top = hit
    if top is None or top.score < settings.suggest_threshold:
        return empty
    claim = db.get(Claim, top.meta["claim_id"])
    texts = [claim.text, *(claim.phrasings or [])]
    matched = texts[int(top.doc_id.split(":")[1])]  # document ids are "claim:phrasing[:f]"
    negated = denies(text, list(dict.fromkeys([claim.text, matched])))
    decision = "none" if negated else ("match" if top.score >= settings.match_threshold else "suggest")
    if decision == "match" and not automatic(text, texts):
        decision = "suggest"
    return {
        "decision": decision,
        "claim_id": claim.id,
        "claim": claim.text,
        "score": round(top.score, 4),
        "negated": negated,
        "verdict": claim.verdict,
    }


_CURE_FOLDED = re.compile(
    r"\b(khong|ko|k|la|thuoc|de|giup|se|duoc|va|phong)\s+chua\b"
    r"|\bchua(?=\s+(?:(?:dc|duoc)\s+)?(khoi|benh|tri|covid|dut|corona|f0)\b)",
    re.IGNORECASE,
)


def _for_negation(text: str) -> str:
    """Spell "chữa" (to cure) as its synonym "trị" before the negation check, so that text typed without
    accents is read the same way: "chua" after a negator or a copula, or before "khỏi"/"bệnh", is "chữa"."""
    text = re.sub(r"\b([cC])hữa\b", lambda m: "trị" if m.group(1) == "c" else "Trị", normalize(text))
    return _CURE_FOLDED.sub(lambda m: (m.group(1) + " tri") if m.group(1) else "tri", text)


def denies(text: str, claim_texts: list[str]) -> bool:
    """True when the text contradicts one of the claim's texts (:func:`loa.search.negation.contradicts`): the
    claim itself and the phrasing the text matched."""
    mine = _for_negation(text)
    return any(contradicts(_for_negation(t), mine) for t in claim_texts)
