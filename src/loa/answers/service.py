"""The question service: ask → an approved answer, or an honest "not yet" and a scrubbed, grouped queue entry;
staff answer a group once, a reviewer approves, and the next asker gets the new entry."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loa import hooks, text
from loa.answers import confidence
from loa.answers.models import STATUSES, FaqEntry, FaqHit, QuestionGroup, UnansweredQuestion
from loa.auth.models import User
from loa.clock import utcnow
from loa.config import Settings
from loa.db import get_or_404, session_scope
from loa.errors import UserError
from loa.i18n import N_
from loa.links import http_url
from loa.search import Index, embed, store

ANSWER_THRESHOLD = 0.5  # calibrated score at or above which an approved entry answers
SUGGEST_THRESHOLD = 0.35  # other entries shown as "you may mean" above this score
PAGE_CHANNELS = frozenset({"web", "widget", "api", "cli"})  # the asker sees the score and the alternatives; any
# other channel is a chat (zalo, telegram, messenger, sms...) where the one answer sent is all the person sees
GROUP_SIMILARITY = 0.6  # Dice overlap of content syllables for two questions to share a group
_STOP = {
    "có",
    "không",
    "ko",
    "k",
    "được",
    "thì",
    "là",
    "và",
    "ạ",
    "à",
    "vậy",
    "nào",
    "gì",
    "cho",
    "em",
    "tôi",
    "mình",
    "bạn",
    "ơi",
    "hỏi",
    "xin",
    "của",
    "bị",
    "với",
    "như",
    "thế",
    "nhé",
    "nha",
    "hay",
    "hoặc",
}


def content_hash(question: str, answer: str) -> str:
    return hashlib.sha1(f"{text.normalize(question)}\n{text.normalize(answer)}".encode()).hexdigest()


# ---- FAQ entries
def create_entry(db: Session, data: dict, *, author: User | None = None, status: str = "draft") -> FaqEntry:
    """A new entry (``data``: question, alternatives, answer, source, source_url, source_date, tags, language)."""
    question, answer = text.normalize(data.get("question") or ""), (data.get("answer") or "").strip()
    if len(question) < 3 or len(answer) < 3:
        raise UserError("Cần có câu hỏi và câu trả lời.", "A question and an answer are required.")
    if not (data.get("source") or "").strip():
        raise UserError("Mỗi câu trả lời cần ghi nguồn.", "Every answer needs a source.")
    if status not in STATUSES:
        raise UserError("Trạng thái không hợp lệ.", "Invalid status.")
    entry = FaqEntry(
        question=question,
        alternatives=[text.normalize(a) for a in data.get("alternatives") or [] if a.strip()],
        answer=answer,
        source=data["source"].strip(),
        source_url=http_url(data.get("source_url"), max_length=500),
        source_date=_date(data.get("source_date")),
        tags=[t.strip() for t in data.get("tags") or [] if t.strip()],
        language=data.get("language") or "vi",
        status="draft",
        author_id=author.id if author else None,
        content_hash=content_hash(question, answer),
    )
    db.add(entry)
    db.flush()
    if status == "approved":
        approve(db, entry, author)
    elif status == "retired":
        entry.status = "retired"
    return entry


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise UserError(
            f"Ngày nguồn không hợp lệ: {value} (cần dạng YYYY-MM-DD).",
            f"Invalid source date: {value} (expected YYYY-MM-DD).",
        ) from None


def approve(db: Session, entry: FaqEntry, reviewer: User | None) -> FaqEntry:
    """Approve ``entry``: it answers from now on; a queued group it answers is closed. The reviewer is a second
    person: whoever wrote or imported the entry may not approve it (administrators included)."""
    if entry.status == "approved":
        raise UserError("Mục này đã được duyệt.", "This entry is already approved.", 409)
    if not may_approve(entry, reviewer):
        raise UserError(
            "Người viết hoặc nhập câu trả lời không được tự duyệt.",
            "Whoever wrote or imported an answer may not approve it.",
            403,
        )
    entry.status = "approved"
    entry.reviewer_id = reviewer.id if reviewer else None
    entry.reviewed_at = utcnow()
    for group in db.scalars(select(QuestionGroup).where(QuestionGroup.entry_id == entry.id)):
        group.status, group.closed_at = "answered", group.closed_at or entry.reviewed_at
        hooks.call().question_answered(db=db, group_id=group.id, entry_id=entry.id)  # the askers are told
    offer_to_waiting_groups(db, entry)
    db.flush()
    return entry


def may_approve(entry: FaqEntry, reviewer: User | None) -> bool:
    """Whether ``reviewer`` is a second person for ``entry`` (None: Loa's own starter data, from the command line)."""
    return reviewer is None or entry.author_id is None or reviewer.id != entry.author_id


def retire(db: Session, entry: FaqEntry) -> FaqEntry:
    if entry.status == "retired":
        raise UserError("Mục này đã ngừng sử dụng.", "This entry is already retired.", 409)
    entry.status = "retired"
    db.flush()
    return entry


def get_entry(db: Session, entry_id: int) -> FaqEntry:
    return get_or_404(db, FaqEntry, entry_id, "Không tìm thấy mục hỏi đáp.", "FAQ entry not found.")


def public_entry(db: Session, entry_id: int) -> FaqEntry:
    """An approved entry, as citizens may read it; drafts and retired entries are not found."""
    entry = db.get(FaqEntry, entry_id)
    if entry is None or entry.status != "approved":
        raise UserError("Không tìm thấy câu trả lời này.", "No such answer.", 404)
    return entry


def list_entries(db: Session, status: str | None = None) -> list[FaqEntry]:
    query = select(FaqEntry).order_by(FaqEntry.id)
    if status:
        query = query.where(FaqEntry.status == status)
    return list(db.scalars(query))


# ---- the index of approved entries
def _documents(db: Session) -> list[tuple[str, str, dict]]:
    """One document per phrasing and one for the answer of every approved entry."""
    docs = []
    for entry in db.scalars(select(FaqEntry).where(FaqEntry.status == "approved").order_by(FaqEntry.id)):
        meta = {"entry": str(entry.id), "tags": entry.tags, "lang": entry.language}
        docs += [(f"{entry.id}:q{i}", p, {**meta, "kind": "question"}) for i, p in enumerate(entry.phrasings())]
        docs.append((f"{entry.id}:a", entry.answer, {**meta, "kind": "answer"}))
    return docs


def _signature(db: Session) -> tuple:
    """Changes whenever an entry is added, changed, approved, retired or deleted."""
    return tuple(db.execute(select(func.count(FaqEntry.id), func.max(FaqEntry.updated_at))).one())


INDEX = store.Stored("faq", _documents, _signature)
# the e5 vectors of the starter FAQ's documents, written by bench/starter_vectors.py
STARTER_VECTORS = Path(__file__).parent / "data" / "starter_vectors.npz"
embed.ship(STARTER_VECTORS)


def faq_index(db: Session, directory: Path | None = None) -> Index:
    """The search index of approved entries, kept under ``directory`` (default: where ``loa.search.store.use``
    put the instance's indexes; none: in memory), loaded from its stored build when the entries changed."""
    semantic = embed.enabled()
    return INDEX.get(db, lambda: Index("faq", semantic=semantic), "e5" if semantic else "lex", directory)


def rebuild_index(settings: Settings) -> bool:
    """Build and store the FAQ index when the approved entries changed since the stored build (a periodic
    job); True when it built."""
    semantic = embed.enabled()
    with session_scope(settings.db_url) as db:
        return INDEX.rebuild(db, lambda: Index("faq", semantic=semantic), settings.data_dir / "indexes")


def warm(settings: Settings) -> None:
    """Load the FAQ index and answer one question without recording it (loads the word segmenter and the e5
    model), so that the first citizen's question after a start waits for none of it."""
    with session_scope(settings.db_url) as db:
        match(db, "Tiêm vắc xin có an toàn không?", index_dir=settings.data_dir / "indexes")


def match(db: Session, question: str, *, index_dir: Path | None = None, k: int = 5) -> list[dict]:
    """Approved entries for ``question``, best first: ``{"entry_id", "score", "negated"}`` (one per entry); the
    first also has ``confidence``, the probability that it is the right answer, and ``chat_threshold``, the confidence
    a chat answers from with this index's pipeline (:mod:`loa.answers.confidence`)."""
    index = faq_index(db, index_dir)
    hits = index.search(question, k=max(k * 4, confidence.HITS))
    best: dict[int, dict] = {}
    for hit in hits:
        entry_id = int(hit.meta["entry"])
        if entry_id not in best or hit.score > best[entry_id]["score"]:
            best[entry_id] = {
                "entry_id": entry_id,
                "score": round(hit.score, 3),
                "negated": hit.negated and hit.meta["kind"] == "answer" and "?" not in question,
            }
    ranked = sorted(best.values(), key=lambda m: -m["score"])[:k]
    if ranked:
        ranked[0]["confidence"] = round(confidence.of(hits, lambda h: h.meta["entry"], index.semantic), 3)
        ranked[0]["chat_threshold"] = confidence.threshold(index.semantic)
    return ranked


# ---- asking
def ask(
    db: Session, question: str, *, index_dir: Path | None = None, channel: str = "web", record: bool = True
) -> dict:
    """Answer ``question`` from approved entries, or say honestly that none exists yet and queue it.

    Returns ``answered``, ``entry_id``, ``score``, ``answer``, ``source`` (+ ``source_url``, ``source_date``,
    ``reviewed_at``, ``question``), ``alternatives`` (other close entries: id, question, score), ``confidence``
    (that the best entry is right) and ``confident`` (its confidence reaches the pipeline's chat threshold,
    :func:`loa.answers.confidence.threshold`, and it does not contradict the question). A page (``channel`` in
    :data:`PAGE_CHANNELS`) answers from a score of :data:`ANSWER_THRESHOLD` and shows alternatives; a chat (any
    other channel) answers only when confident."""
    question = text.normalize(question or "")
    if not question:
        raise UserError("Vui lòng nhập câu hỏi.", "Please type a question.", 422)
    if len(question) > 2000:
        raise UserError(
            "Câu hỏi quá dài (tối đa 2000 ký tự).", "The question is too long (2000 characters at most).", 422
        )
    matches = match(db, question, index_dir=index_dir)
    best = matches[0] if matches and not matches[0]["negated"] else None
    certainty = matches[0]["confidence"] if matches else 0.0
    confident = best is not None and certainty >= best["chat_threshold"]
    if channel in PAGE_CHANNELS:
        top = best if best is not None and best["score"] >= ANSWER_THRESHOLD else None
    else:
        top = best if confident else None
    others = [m for m in matches if m is not top and m["score"] >= SUGGEST_THRESHOLD][:3]
    result = {
        "answered": top is not None,
        "confident": confident,
        "confidence": certainty,
        "entry_id": None,
        "score": matches[0]["score"] if matches else 0.0,
        "answer": None,
        "source": None,
        "source_url": None,
        "source_date": None,
        "reviewed_at": None,
        "question": None,
        "alternatives": [
            {"entry_id": m["entry_id"], "question": db.get(FaqEntry, m["entry_id"]).question, "score": m["score"]}
            for m in others
        ],
    }
    if top:
        entry = db.get(FaqEntry, top["entry_id"])
        if record:
            db.add(FaqHit(channel=channel[:20], entry_id=entry.id))
        result.update(
            entry_id=entry.id,
            answer=entry.answer,
            source=entry.source,
            source_url=entry.source_url,
            source_date=entry.source_date.isoformat() if entry.source_date else None,
            reviewed_at=entry.reviewed_at.isoformat() if entry.reviewed_at else None,
            question=entry.question,
        )
    elif record:
        result["group_id"] = queue(db, question, channel=channel).id
    if record:
        _offer_to_claims(db, question, result)
    return result


def _offer_to_claims(db: Session, question: str, result: dict) -> None:
    """Each citizen question is a public text the misinformation desk may know (hook ``public_text_observed``)."""
    ref = f"faq:{result['entry_id']}" if result["entry_id"] else f"group:{result.get('group_id')}"
    found = hooks.call().public_text_observed(db=db, text=question, reach=1, origin="answers", ref=ref, batch={}) or {}
    if found.get("decision") == "match" and found.get("claim_id"):
        result["claim_id"] = found["claim_id"]


# ---- the unanswered queue
def _content(value: str) -> set[str]:
    return {t for t in text.syllables(text.expand_abbreviations(value)) if t not in _STOP and len(t) > 1}


def similarity(a: str, b: str) -> float:
    """Dice overlap of the folded content syllables of two questions."""
    sa, sb = {text.fold(t) for t in _content(a)}, {text.fold(t) for t in _content(b)}
    return 2 * len(sa & sb) / (len(sa) + len(sb)) if sa and sb else 0.0


def queue(db: Session, question: str, *, channel: str = "web") -> QuestionGroup:
    """Store ``question`` PII-scrubbed (nothing about the asker) in the group of its most similar open question."""
    scrubbed = text.scrub(text.normalize(question))
    best, best_score = None, 0.0
    for group in db.scalars(select(QuestionGroup).where(QuestionGroup.status.in_(("open", "drafted")))):
        score = similarity(scrubbed, group.text)
        if score > best_score:
            best, best_score = group, score
    if best is None or best_score < GROUP_SIMILARITY:
        best = QuestionGroup(text=scrubbed, count=0, status="open")
        db.add(best)
        db.flush()
    best.count += 1
    best.last_asked_at = utcnow()
    db.add(UnansweredQuestion(group_id=best.id, text=scrubbed, channel=channel[:20]))
    db.flush()
    return best


def get_group(db: Session, group_id: int) -> QuestionGroup:
    return get_or_404(db, QuestionGroup, group_id, "Không tìm thấy nhóm câu hỏi.", "Question group not found.")


def list_groups(db: Session, status: str | None = "open") -> list[QuestionGroup]:
    query = select(QuestionGroup).order_by(QuestionGroup.count.desc(), QuestionGroup.last_asked_at.desc())
    if status:
        query = query.where(QuestionGroup.status == status)
    return list(db.scalars(query))


def answer_group(db: Session, group: QuestionGroup, data: dict, user: User) -> FaqEntry:
    """Staff write the answer once for the whole group: a draft entry that waits for a reviewer."""
    if group.status not in ("open", "drafted"):
        raise UserError("Nhóm câu hỏi này đã được xử lý.", "This question group is already closed.", 409)
    if group.entry_id and group.entry.status == "draft":
        raise UserError(
            "Nhóm này đã có câu trả lời chờ duyệt.", "This group already has an answer awaiting review.", 409
        )
    phrasings = list(dict.fromkeys(q.text for q in group.questions))
    question = (data.get("question") or "").strip() or group.text
    entry = create_entry(
        db, {**data, "question": question, "alternatives": [p for p in phrasings if p != question][:10]}, author=user
    )
    group.entry_id = entry.id
    group.status = "drafted"
    db.flush()
    return entry


def offer_to_waiting_groups(db: Session, entry: FaqEntry) -> list[QuestionGroup]:
    """An entry approved apart from the queue may answer groups still waiting: each group one of whose
    questions is as close to one of the entry's phrasings as two questions of a group are
    (:data:`GROUP_SIMILARITY`) is offered it, for staff to confirm (:func:`confirm_offer`)."""
    phrasings = entry.phrasings()
    offered = []
    waiting = select(QuestionGroup).where(
        QuestionGroup.status.in_(("open", "drafted")), QuestionGroup.entry_id.is_distinct_from(entry.id)
    )
    for group in db.scalars(waiting):
        asked = [group.text, *(q.text for q in group.questions)]
        if max(similarity(a, p) for a in asked for p in phrasings) >= GROUP_SIMILARITY:
            group.offered_entry_id = entry.id
            offered.append(group)
    db.flush()
    return offered


def confirm_offer(db: Session, group: QuestionGroup) -> QuestionGroup:
    """Staff confirm that the entry offered to a waiting group answers it: the group is closed as answered and
    whoever waits for it is told (hook ``question_answered``)."""
    entry = group.offered_entry
    if group.status not in ("open", "drafted") or entry is None:
        raise UserError("Nhóm này không có câu trả lời nào chờ xác nhận.", "This group has no answer to confirm.", 409)
    if entry.status != "approved":
        raise UserError(
            "Mục hỏi đáp được đề xuất không còn được duyệt.", "The offered FAQ entry is no longer approved.", 409
        )
    group.entry_id, group.offered_entry_id, group.status = entry.id, None, "answered"
    group.closed_at = utcnow()
    hooks.call().question_answered(db=db, group_id=group.id, entry_id=entry.id)
    db.flush()
    return group


def decline_offer(db: Session, group: QuestionGroup) -> QuestionGroup:
    """Staff say the offered entry does not answer the group: it stays waiting."""
    if group.offered_entry_id is None:
        raise UserError("Nhóm này không có câu trả lời nào chờ xác nhận.", "This group has no answer to confirm.", 409)
    group.offered_entry_id = None
    db.flush()
    return group


def offered_groups(db: Session, entry: FaqEntry) -> list[QuestionGroup]:
    """The waiting groups ``entry`` is offered to."""
    return list(db.scalars(select(QuestionGroup).where(QuestionGroup.offered_entry_id == entry.id)))


def dismiss_group(db: Session, group: QuestionGroup) -> QuestionGroup:
    """Close a group that needs no answer (off-topic, spam)."""
    if group.status == "answered":
        raise UserError("Nhóm câu hỏi này đã được trả lời.", "This question group is already answered.", 409)
    group.status, group.closed_at = "dismissed", utcnow()
    db.flush()
    return group


def top_unanswered(db: Session, since: datetime, until: datetime, limit: int = 10) -> list[dict]:
    """The most asked unanswered question groups in [since, until): ``{"text", "count", "group_id", "status"}``."""
    n = func.count(UnansweredQuestion.id)
    rows = db.execute(
        select(QuestionGroup, n)
        .join(UnansweredQuestion, UnansweredQuestion.group_id == QuestionGroup.id)
        .where(
            UnansweredQuestion.asked_at >= since,
            UnansweredQuestion.asked_at < until,
            QuestionGroup.status.in_(("open", "drafted")),
        )
        .group_by(QuestionGroup.id)
        .order_by(n.desc(), QuestionGroup.id)
        .limit(limit)
    ).all()
    return [{"text": g.text, "count": c, "group_id": g.id, "status": g.status} for g, c in rows]


CHANNELS = {  # where a question was asked: labels of the queue's channel column (others are shown as stored)
    "web": N_("Trang web"),
    "widget": N_("Khung hỏi đáp"),
    "api": "API",
    "cli": N_("Dòng lệnh"),
    "zalo": "Zalo",
    "telegram": "Telegram",
    "messenger": "Messenger",
    "sms": "SMS",
}


def channel_counts(db: Session, group_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per question group: how many of its questions came through each channel (web page, Zalo, SMS...), most
    first. Counts only: nothing says who asked."""
    out: dict[int, dict[str, int]] = {}
    if not group_ids:
        return out
    n = func.count(UnansweredQuestion.id)
    rows = db.execute(
        select(UnansweredQuestion.group_id, UnansweredQuestion.channel, n)
        .where(UnansweredQuestion.group_id.in_(group_ids))
        .group_by(UnansweredQuestion.group_id, UnansweredQuestion.channel)
        .order_by(UnansweredQuestion.group_id, n.desc(), UnansweredQuestion.channel)
    )
    for group_id, channel, count in rows:
        out.setdefault(group_id, {})[channel] = count
    return out


def waiting_count(db: Session) -> tuple[int, int]:
    """(open groups, questions in them)."""
    row = db.execute(
        select(func.count(QuestionGroup.id), func.coalesce(func.sum(QuestionGroup.count), 0)).where(
            QuestionGroup.status == "open"
        )
    ).one()
    return int(row[0]), int(row[1])
