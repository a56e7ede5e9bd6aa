"""The misinformation desk's services: registry and workflow, import, matching, triage.

Roles: editors, coordinators and reviewers work claims and the triage queue; reviewers conclude (set the
verdict in force); anyone of those publishes a concluded claim. Two persons stand behind every public verdict:
neither the reviewer who concludes nor the person who publishes may be the claim's author or one who imported
it; administrators pass every role check but this rule still holds for them.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loa import hooks
from loa.auth.models import User
from loa.claims import checkworthy, matching, publishing, questions
from loa.claims.config import ClaimsSettings
from loa.claims.models import STATUSES, VERDICTS, Claim, ClaimAppearance, ClaimEvent, ClaimSource, TriageItem
from loa.claims.schemas import ClaimChanges
from loa.clock import utcnow
from loa.db import get_or_404
from loa.errors import UserError
from loa.links import is_http_url
from loa.text import fold, normalize, scrub, syllables

STARTER = Path(__file__).parent / "data" / "starter_claims.json"
WORK_ROLES = ("coordinator", "editor", "reviewer")
CONCLUDE_ROLES = ("reviewer",)
PAUSE_ROLES = ("coordinator", "reviewer")
IMPORT_ROLES = ("coordinator",)
IMPORT_NOTE = "import"  # the workflow event an import records
FROZEN = ("concluded", "published")  # a verdict in force: changed only after reopening

# (from, to) → roles allowed to make the step
TRANSITIONS = {
    ("new", "investigating"): WORK_ROLES,
    ("investigating", "concluded"): CONCLUDE_ROLES,
    ("concluded", "investigating"): CONCLUDE_ROLES,
    ("concluded", "published"): WORK_ROLES,
    ("published", "investigating"): CONCLUDE_ROLES,
}


def verdict_label(verdict: str | None, lang: str = "vi") -> str:
    if not verdict:
        return ""
    vi, en, _ = VERDICTS[verdict]
    return en if lang == "en" else vi


def status_label(status: str, lang: str = "vi") -> str:
    vi, en = STATUSES[status]
    return en if lang == "en" else vi


def _forbid() -> UserError:
    return UserError("Bạn không có quyền thực hiện thao tác này.", "You may not do this.", 403)


def _need(user: User | None, roles: tuple[str, ...]) -> None:
    if user is not None and not user.has_role(*roles):
        raise _forbid()


def require_work(user: User | None) -> None:
    """Refuse (403) anyone who does not work claims."""
    _need(user, WORK_ROLES)


def _slug(text: str, limit: int = 60) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")
    return s[:limit].rstrip("-") or "tin"


def _unique_key(db: Session, text: str) -> str:
    base = _slug(text)
    key, n = base, 2
    while db.scalar(select(Claim.id).where(Claim.key == key)) is not None:
        key, n = f"{base}-{n}", n + 1
    return key


# ---- registry ------------------------------------------------------------------------------------------


def titles(db: Session, ids: list[int]) -> dict[int, str]:
    """Claim id → its text, for the claims that still exist."""
    rows = db.execute(select(Claim.id, Claim.text).where(Claim.id.in_(ids))) if ids else []
    return dict(rows.all()) if ids else {}


def verdicts(db: Session, ids: list[int]) -> dict[int, str | None]:
    """Claim id → its verdict (None while it has none), for the claims that still exist."""
    return dict(db.execute(select(Claim.id, Claim.verdict).where(Claim.id.in_(ids))).all()) if ids else {}


def get_claim(db: Session, claim_id: int) -> Claim:
    return get_or_404(db, Claim, claim_id, "Không tìm thấy tin này.", "No such claim.")


def published_claim(db: Session, key: str) -> Claim:
    claim = db.scalar(select(Claim).where(Claim.key == key, Claim.status == "published"))
    if claim is None:
        raise UserError("Không tìm thấy bài kiểm chứng này.", "No such fact-check.", 404)
    return claim


def list_claims(db: Session, status: str | None = None, q: str = "") -> list[Claim]:
    stmt = select(Claim).order_by(Claim.updated_at.desc(), Claim.id.desc())
    if status:
        stmt = stmt.where(Claim.status == status)
    claims = list(db.scalars(stmt))
    if q.strip():
        needle = fold(normalize(q)).lower()
        claims = [c for c in claims if needle in fold(c.text + " " + " ".join(c.tags)).lower()]
    return claims


def _clean_fields(fields: dict) -> dict:
    out = {}
    if "text" in fields:  # staff's words: the public figures a claim quotes keep their names
        text = normalize(scrub(str(fields["text"] or ""), names=False).strip())
        if len(text) < 8:
            raise UserError("Nội dung tin cần ít nhất 8 ký tự.", "The claim needs at least 8 characters.", 422)
        out["text"] = text
    if "verdict" in fields:
        verdict = fields["verdict"] or None
        if verdict is not None and verdict not in VERDICTS:
            raise UserError("Kết luận không hợp lệ.", f"Unknown verdict {verdict!r}.", 422)
        out["verdict"] = verdict
    for name in ("explanation", "original_text", "spoken_text", "social_text"):
        if name in fields:
            out[name] = normalize(str(fields[name] or "").strip())
    if "original_language" in fields:
        out["original_language"] = str(fields["original_language"] or "vi").strip()[:10] or "vi"
    for name in ("tags", "phrasings"):
        if name in fields:
            value = fields[name]
            items = value.split("\n" if name == "phrasings" else ",") if isinstance(value, str) else list(value or [])
            out[name] = [normalize(scrub(str(t), names=False).strip()) for t in items if str(t).strip()]
    return out


def create_claim(db: Session, user: User | None, **fields) -> Claim:
    """A new claim in status Mới; ``user`` is its author."""
    _need(user, WORK_ROLES)
    values = _clean_fields(fields)
    if "text" not in values:
        raise UserError("Nội dung tin cần ít nhất 8 ký tự.", "The claim needs at least 8 characters.", 422)
    claim = Claim(
        key=_unique_key(db, values["text"]),
        author_id=user.id if user else None,
        status="new",
        first_seen_at=utcnow(),
        **values,
    )
    db.add(claim)
    db.flush()
    _event(db, claim, "", "new", user)
    return claim


def update_claim(db: Session, claim: Claim, user: User | None, changes: ClaimChanges) -> Claim:
    """Apply the fields set in ``changes``. Text and verdict are frozen once concluded (reopen first); the spoken
    and social versions stay editable."""
    _need(user, WORK_ROLES)
    values = _clean_fields(changes.model_dump(exclude_unset=True))
    frozen = {"text", "verdict", "explanation"} & {k for k, v in values.items() if getattr(claim, k) != v}
    if frozen and (claim.status in FROZEN or claim.paused_from in FROZEN):
        raise UserError(
            "Tin đã kết luận: mở lại để xác minh trước khi sửa nội dung hay kết luận.",
            "The claim is concluded: reopen it before changing its text or verdict.",
            409,
        )
    for key, value in values.items():
        setattr(claim, key, value)
    return claim


def add_source(
    db: Session,
    claim: Claim,
    user: User | None,
    *,
    publisher: str,
    url: str,
    title: str = "",
    date_: date | str | None = None,
) -> ClaimSource:
    _need(user, WORK_ROLES)
    source = _source(publisher, url, title, date_)
    claim.sources.append(source)
    db.flush()
    return source


def remove_source(db: Session, claim: Claim, user: User | None, source_id: int) -> None:
    _need(user, WORK_ROLES)
    source = next((s for s in claim.sources if s.id == source_id), None)
    if source is None:
        raise UserError("Không tìm thấy nguồn này.", "No such source.", 404)
    claim.sources.remove(source)


def _source(publisher, url, title="", date_=None) -> ClaimSource:
    publisher, url = str(publisher or "").strip(), str(url or "").strip()
    if not publisher or len(url) > 600 or not is_http_url(url):
        raise UserError(
            "Nguồn cần tên cơ quan và đường dẫn http(s) hợp lệ.",
            "A source needs a publisher and a valid http(s) link.",
            422,
        )
    if isinstance(date_, str):
        try:
            date_ = date.fromisoformat(date_.strip()) if date_.strip() else None
        except ValueError:
            raise UserError(
                f"Ngày của nguồn không hợp lệ: {date_} (cần dạng 2021-08-01).",
                f"Invalid source date: {date_} (expected 2021-08-01).",
                422,
            ) from None
    return ClaimSource(publisher=publisher[:200], url=url[:600], title=str(title or "").strip()[:400], date=date_)


# ---- workflow -----------------------------------------------------------------------------------------


def _event(db: Session, claim: Claim, old: str, new: str, user: User | None, note: str = "") -> None:
    name = (user.full_name or user.username) if user else str(db.info.get("actor_name", ""))
    claim.events.append(
        ClaimEvent(from_status=old, to_status=new, actor_id=user.id if user else None, actor_name=name[:200], note=note)
    )


def allowed_transitions(claim: Claim, user: User | None) -> list[str]:
    """The statuses ``user`` may move ``claim`` to now."""
    out = []
    for target in STATUSES:
        try:
            _check_transition(claim, target, user)
        except UserError:
            continue
        out.append(target)
    return out


def _check_transition(claim: Claim, to: str, user: User | None) -> None:
    old = claim.status
    if to not in STATUSES or to == old:
        raise UserError("Bước chuyển trạng thái không hợp lệ.", "Invalid status change.", 409)
    if to == "paused":
        roles = PAUSE_ROLES
    elif old == "paused":
        if to != claim.paused_from:
            raise UserError(
                "Tin tạm dừng chỉ tiếp tục ở trạng thái trước đó.", "A paused claim resumes where it stopped.", 409
            )
        roles = PAUSE_ROLES
    elif (old, to) in TRANSITIONS:
        roles = TRANSITIONS[(old, to)]
    else:
        raise UserError(
            f"Không thể chuyển từ “{status_label(old)}” sang “{status_label(to)}”.",
            f"Cannot go from {status_label(old, 'en')} to {status_label(to, 'en')}.",
            409,
        )
    _need(user, roles)
    if to == "concluded" and not (claim.verdict and claim.explanation.strip() and claim.sources):
        raise UserError(
            "Cần kết luận, lời giải thích và ít nhất một nguồn trước khi kết luận.",
            "A verdict, an explanation and at least one source are needed to conclude.",
            422,
        )
    if to in ("concluded", "published") and user is not None and user.id in _writers(claim):
        if to == "concluded":
            raise UserError(
                "Người kết luận phải khác người viết hoặc người nhập tin này.",
                "The reviewer who concludes must be neither the claim's author nor its importer.",
                403,
            )
        raise UserError(
            "Người đăng phải khác người viết hoặc người nhập tin này.",
            "The publisher must be neither the claim's author nor its importer.",
            403,
        )


def _writers(claim: Claim) -> set[int]:
    """The claim's author and everyone who imported its text or verdict."""
    return ({claim.author_id} | {e.actor_id for e in claim.events if e.note == IMPORT_NOTE}) - {None}


def transition(db: Session, claim: Claim, to: str, user: User | None, note: str = "") -> Claim:
    """Move ``claim`` to status ``to``, recording who and when."""
    _check_transition(claim, to, user)
    old, now = claim.status, utcnow()
    if to == "paused":
        claim.paused_from = old
    elif old == "paused":
        claim.paused_from = ""
    if to == "concluded":
        claim.concluded_by_id, claim.concluded_at = (user.id if user else None), now
    if to == "published":
        claim.published_by_id, claim.published_at = (user.id if user else None), now
        claim.spoken_text = claim.spoken_text or publishing.spoken_version(claim)
        claim.social_text = claim.social_text or publishing.social_version(claim)
    claim.status = to
    _event(db, claim, old, to, user, note)
    db.flush()
    if to == "published":
        _offer_to_content(db, claim, user)
        hooks.call().claim_published(db=db, claim_id=claim.id)  # whoever sent the rumour is told
    return claim


def _offer_to_content(db: Session, claim: Claim, user: User | None) -> None:
    """A published claim becomes a fact-check draft in the content library (hook ``fact_check_published``)."""
    if claim.content_item_id or user is None:
        return
    claim.content_item_id = hooks.call().fact_check_published(
        db=db,
        title=publishing.title(claim),
        body=publishing.article_text(claim),
        author=user,
        source=", ".join(s.url for s in claim.sources),
    )


# ---- import -------------------------------------------------------------------------------------------


def _hash(entry: dict) -> str:
    return hashlib.sha256(json.dumps(entry, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def parse_import(raw: bytes | str) -> list[dict]:
    """Validate a claims file (JSON: ``{"claims": [...]}`` or a list); every problem, with its entry
    number, raises one UserError."""
    try:
        data = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except UnicodeDecodeError:
        raise UserError("Tệp không phải UTF-8.", "The file is not UTF-8.", 422) from None
    except json.JSONDecodeError as exc:
        raise UserError(
            f"Tệp JSON hỏng ở dòng {exc.lineno}: {exc.msg}.", f"Broken JSON at line {exc.lineno}: {exc.msg}.", 422
        ) from None
    entries = data.get("claims") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not entries:
        raise UserError("Tệp cần một danh sách “claims”.", "The file needs a 'claims' list.", 422)
    problems, keys = [], set()
    for n, e in enumerate(entries, 1):
        if not isinstance(e, dict):
            problems.append(f"#{n}: không phải đối tượng / not an object")
            continue
        if len(str(e.get("text", "")).strip()) < 8:
            problems.append(f"#{n}: thiếu nội dung tin (text) / missing text")
        if e.get("verdict") not in VERDICTS:
            problems.append(f"#{n}: kết luận không hợp lệ / invalid verdict {e.get('verdict')!r}")
        if not str(e.get("explanation", "")).strip():
            problems.append(f"#{n}: thiếu lời giải thích / missing explanation")
        sources = e.get("sources")
        if not isinstance(sources, list) or not sources:
            problems.append(f"#{n}: cần ít nhất một nguồn / needs a source")
        else:
            for s in sources:
                try:
                    _source(s.get("publisher"), s.get("url"), s.get("title", ""), s.get("date"))
                except (UserError, AttributeError):
                    problems.append(f"#{n}: nguồn không hợp lệ / invalid source {s!r}"[:200])
        key = str(e.get("key") or _slug(str(e.get("text", ""))))
        if key in keys:
            problems.append(f"#{n}: khóa trùng / duplicate key {key}")
        keys.add(key)
    if problems:
        raise UserError(
            "Tệp tin sai lệch không hợp lệ, chưa nhập gì: " + "; ".join(problems[:10]),
            "Invalid claims file, nothing imported: " + "; ".join(problems[:10]),
            422,
            problems,
        )
    return entries


def import_claims(db: Session, raw: bytes | str, user: User | None = None) -> dict:
    """Import a claims file, all or nothing. Entries arrive as drafts (Đang xác minh) whose verdict a reviewer
    other than the importer concludes. Re-importing an unchanged entry does nothing; a changed one updates a
    draft, but never a verdict in force (concluded or published, paused from either): that entry is left as it
    is and reported in ``conflicts`` (reopen the claim first, as for a change by hand)."""
    _need(user, IMPORT_ROLES)
    entries = parse_import(raw)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "conflicts": []}
    for e in entries:
        key = str(e.get("key") or _slug(str(e["text"])))
        digest = _hash(e)
        claim = db.scalar(select(Claim).where(Claim.key == key))
        if claim is not None and claim.content_hash == digest:
            counts["unchanged"] += 1
            continue
        if claim is not None and (claim.status in FROZEN or claim.paused_from in FROZEN):
            counts["conflicts"].append(key)
            continue
        values = _clean_fields(
            {
                k: e.get(k)
                for k in ("text", "verdict", "explanation", "tags", "phrasings", "original_text", "original_language")
                if k in e
            }
        )
        if claim is None:
            claim = Claim(key=key, status="investigating", author_id=user.id if user else None, **values)
            db.add(claim)
            _event(db, claim, "", "investigating", user, IMPORT_NOTE)
            counts["created"] += 1
        else:
            for k, v in values.items():
                setattr(claim, k, v)
            claim.sources.clear()
            _event(db, claim, claim.status, claim.status, user, IMPORT_NOTE)
            counts["updated"] += 1
        claim.content_hash = digest
        for s in e["sources"]:
            claim.sources.append(_source(s["publisher"], s["url"], s.get("title", ""), s.get("date")))
    db.flush()
    return counts


def import_starter(db: Session, user: User | None = None) -> dict:
    return import_claims(db, STARTER.read_bytes(), user)


# ---- matching -----------------------------------------------------------------------------------------


def check_text(
    db: Session,
    text: str,
    *,
    reach: int = 1,
    origin: str = "listening",
    ref: str | None = None,
    settings: ClaimsSettings | None = None,
    record: bool = True,
    question: bool | None = None,
) -> dict:
    """Check a text (listening item, citizen question...) against the registry.

    ``match`` links it to the claim and updates the claim's counters; a denial of a claim comes back
    ``negated`` and never counts as spreading it; any other check-worthy text (not a question, a greeting or an
    opinion) joins the triage queue, with the suggested claim when the decision is ``suggest``, for a person to
    link. ``record=False`` only looks.

    A question (``question=True``, or a text that reads as one: :mod:`loa.claims.questions`) is never a sighting:
    one that asks for information is not compared with the registry at all; one that states a claim is
    compared by that statement, and a match is kept as a question about the claim (``kind`` "question"),
    shown apart and left out of the claim's counters."""
    settings = settings or ClaimsSettings()
    clean = normalize(scrub(text or "")).strip()
    form = questions.form(clean, question) if clean else None
    if form == "asks":
        result = matching.best(db, "", settings)
    else:
        result = matching.best(db, questions.statement(clean) if form else clean, settings)
    result["kind"] = "question" if form else "assertion"
    # a question that states a known claim (scored as a match, held back only for a person to confirm) is worth a
    # look when what it states is; any other question is read as written (and rarely queues)
    stated = form == "states" and result["decision"] == "suggest" and result["score"] >= settings.match_threshold
    result["checkworthiness"] = checkworthy.score(questions.statement(clean) if stated else clean) if clean else 0.0
    if not record or not clean:
        return result
    reach = max(1, int(reach or 1))
    if result["decision"] == "match":
        claim = db.get(Claim, result["claim_id"])
        db.add(
            ClaimAppearance(
                claim_id=claim.id,
                origin=origin,
                ref=(ref or "")[:120],
                text=clean,
                score=result["score"],
                reach=reach,
                decision="match",
                kind=result["kind"],
            )
        )
        if not form:
            _seen(claim, reach)
    elif not result["negated"] and form != "asks":
        worth = result["checkworthiness"]
        if worth >= settings.checkworthy_threshold:
            suggestion = result if result["decision"] == "suggest" else None
            result["triage_id"] = _queue(db, clean, origin, ref, reach, worth, suggestion, result["kind"]).id
    db.flush()
    return result


def _seen(claim: Claim, reach: int) -> None:
    now = utcnow()
    claim.times_seen = (claim.times_seen or 0) + 1
    claim.reach = (claim.reach or 0) + reach
    claim.first_seen_at = claim.first_seen_at or now
    claim.last_seen_at = now


def appearances(db: Session, claim: Claim, limit: int = 50) -> list[ClaimAppearance]:
    return list(
        db.scalars(
            select(ClaimAppearance)
            .where(ClaimAppearance.claim_id == claim.id)
            .order_by(ClaimAppearance.seen_at.desc(), ClaimAppearance.id.desc())
            .limit(limit)
        )
    )


def recent_matches(db: Session, limit: int = 5) -> list[tuple[ClaimAppearance, Claim]]:
    rows = db.execute(
        select(ClaimAppearance, Claim)
        .join(Claim, Claim.id == ClaimAppearance.claim_id)
        .order_by(ClaimAppearance.seen_at.desc(), ClaimAppearance.id.desc())
        .limit(limit)
    )
    return [(a, c) for a, c in rows]


# ---- triage -------------------------------------------------------------------------------------------


def triage_hash(text: str) -> str:
    """The key that makes one triage item of the same text seen again (case and diacritics aside)."""
    return hashlib.sha256(fold(text).lower().encode()).hexdigest()


def _queue(
    db: Session,
    text: str,
    origin: str,
    ref: str | None,
    reach: int,
    worth: float,
    suggestion: dict | None = None,
    kind: str = "assertion",
) -> TriageItem:
    digest = triage_hash(text)
    item = db.scalar(select(TriageItem).where(TriageItem.text_hash == digest))
    if item is None:
        item = TriageItem(
            text=text,
            text_hash=digest,
            origin=origin,
            ref=(ref or "")[:120],
            reach=0,
            times_seen=0,
            checkworthiness=worth,
            kind=kind,
        )
        db.add(item)
    item.reach = (item.reach or 0) + reach
    item.times_seen = (item.times_seen or 0) + 1
    if suggestion:
        item.suggested_claim_id, item.suggested_score = suggestion["claim_id"], suggestion["score"]
    item.priority = round(item.checkworthiness * item.reach, 4)
    db.flush()
    return item


def triage_queue(db: Session, status: str = "open", limit: int = 200) -> list[TriageItem]:
    """Open items, most check-worthy × widest reach first."""
    return list(
        db.scalars(
            select(TriageItem)
            .where(TriageItem.status == status)
            .order_by(TriageItem.priority.desc(), TriageItem.id)
            .limit(limit)
        )
    )


def triage_channels(db: Session, items: list[TriageItem]) -> dict[int, dict[str, int]]:
    """Per triage item: how many tips of each tipline platform brought it, by the platform's name (Zalo, SMS...;
    hook ``tipline_counts``, empty without the messaging module). Counts only."""
    if not items:
        return {}
    found = hooks.call().tipline_counts(db=db, refs=[f"triage:{i.id}" for i in items]) or {}
    return {int(ref.split(":", 1)[1]): counts for ref, counts in found.items()}


def triage_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(TriageItem).where(TriageItem.status == "open")) or 0


def get_triage(db: Session, item_id: int) -> TriageItem:
    item = db.get(TriageItem, item_id)
    if item is None:
        raise UserError("Không tìm thấy mục này trong hàng chờ.", "No such triage item.", 404)
    if item.status != "open":
        raise UserError("Mục này đã được xử lý.", "This item has already been handled.", 409)
    return item


def _decide(item: TriageItem, user: User | None, status: str, claim_id: int | None = None, reason: str = ""):
    item.status, item.claim_id, item.reason = status, claim_id, reason
    item.decided_by_id, item.decided_at = (user.id if user else None), utcnow()


def triage_link(db: Session, item_id: int, claim_id: int, user: User | None) -> Claim:
    """Link a queued text to an existing claim: it counts as one more appearance (a question about the claim is
    kept apart and not counted)."""
    _need(user, WORK_ROLES)
    item, claim = get_triage(db, item_id), get_claim(db, claim_id)
    db.add(
        ClaimAppearance(
            claim_id=claim.id,
            origin=item.origin,
            ref=item.ref,
            text=item.text,
            score=1.0,
            reach=item.reach,
            decision="linked",
            kind=item.kind,
        )
    )
    if item.kind != "question":
        claim.times_seen = (claim.times_seen or 0) + item.times_seen - 1
        _seen(claim, item.reach)
    _decide(item, user, "linked", claim.id)
    db.flush()
    return claim


def triage_open(db: Session, item_id: int, user: User | None, text: str = "") -> Claim:
    """Open a new claim from a queued text (the desk may restate it); the text is its first appearance."""
    _need(user, WORK_ROLES)
    item = get_triage(db, item_id)
    claim = create_claim(db, user, text=text.strip() or item.text)
    db.add(
        ClaimAppearance(
            claim_id=claim.id,
            origin=item.origin,
            ref=item.ref,
            text=item.text,
            score=1.0,
            reach=item.reach,
            decision="linked",
            kind=item.kind,
        )
    )
    if item.kind != "question":
        claim.times_seen, claim.reach, claim.last_seen_at = item.times_seen, item.reach, utcnow()
        claim.first_seen_at = item.created_at or utcnow()
    _decide(item, user, "claimed", claim.id)
    db.flush()
    return claim


def triage_dismiss(db: Session, item_id: int, user: User | None, reason: str) -> TriageItem:
    _need(user, WORK_ROLES)
    item = get_triage(db, item_id)
    if not reason.strip():
        raise UserError("Cần ghi lý do bỏ qua.", "A reason is needed to dismiss.", 422)
    _decide(item, user, "dismissed", reason=reason.strip()[:500])
    db.flush()
    return item


def unlink_appearance(db: Session, claim: Claim, appearance_id: int, user: User | None) -> TriageItem:
    """Undo a wrong link (automatic or by hand): the claim's counters go back and the text returns to the triage
    queue, open, for a person to link elsewhere, open as a new claim or dismiss."""
    _need(user, WORK_ROLES)
    appearance = db.get(ClaimAppearance, appearance_id)
    if appearance is None or appearance.claim_id != claim.id:
        raise UserError("Không tìm thấy lần xuất hiện này của tin.", "No such appearance of this claim.", 404)
    if appearance.kind != "question":  # a question never counted
        claim.times_seen = max(0, (claim.times_seen or 0) - 1)
        claim.reach = max(0, (claim.reach or 0) - appearance.reach)
    worth = checkworthy.score(appearance.text)
    item = _queue(
        db, appearance.text, appearance.origin, appearance.ref, appearance.reach, worth, None, appearance.kind
    )
    item.status, item.claim_id, item.reason, item.decided_by_id, item.decided_at = "open", None, "", None, None
    _event(db, claim, claim.status, claim.status, user, f"gỡ một lần xuất hiện gắn nhầm: {appearance.text[:80]}")
    db.delete(appearance)
    db.flush()
    return item


# ---- public ------------------------------------------------------------------------------------------


def published(db: Session) -> list[Claim]:
    return list(
        db.scalars(
            select(Claim).where(Claim.status == "published").order_by(Claim.published_at.desc(), Claim.id.desc())
        )
    )


# Words that say nothing of a rumour's subject. A search word never matches one of them (nor a text's unmarked
# word that may be one), so "toi" finds "tỏi" (garlic) but not "tôi", "tới" or "toi"; a search of them alone finds
# nothing.
SEARCH_FILLER = frozenset(
    "tôi tới bạn mình có không ko là và của được bị cho thì mà này đó để với từ những các một người gì sao nào ở ra "
    "vào lên như vì nếu hay hoặc rất đã đang sẽ cũng còn lại nghe nói ai thế thấy biết mỗi hôm ngày sáng chiều tối "
    "đêm".split()
)
_FILLER_FOLDED = frozenset(fold(w) for w in SEARCH_FILLER)


def _terms(q: str) -> set[str]:
    """The words of a search that name something: its lower-cased syllables but the filler words."""
    return set(syllables(q)) - SEARCH_FILLER


def _words(text: str) -> set[str]:
    """A text's syllables that a search word may match: neither filler words nor unmarked words that may be one."""
    return {w for w in syllables(text) if w not in SEARCH_FILLER and not (w == fold(w) and w in _FILLER_FOLDED)}


def _holds(words: set[str], term: str) -> bool:
    """A search word typed with its marks matches the same syllable; one typed without matches any marking."""
    return term in words or (term == fold(term) and any(fold(w) == term for w in words))


def search_published(db: Session, q: str, limit: int = 30) -> list[Claim]:
    """Published fact-checks for a search box, best first: those ``loa.search`` ranks whose rumour (or the
    phrasing it matched) holds most words of the query beyond filler words (tôi, có, là…), then those whose text
    and explanation hold them all. A query of filler words alone, or of words no fact-check holds, finds nothing."""
    claims = published(db)
    if not q.strip():
        return claims[:limit]
    terms = _terms(q)
    if not terms:
        return []
    by_id = {c.id: c for c in claims}
    found: list[int] = []
    for hit in matching.registry_index(db).search(q, k=limit * 2, filters={"status": "published"}):
        cid = hit.meta["claim_id"]
        if cid in by_id and cid not in found and hit.score >= 0.05:
            words = _words(by_id[cid].text + " " + hit.text)
            if 2 * sum(_holds(words, t) for t in terms) > len(terms):
                found.append(cid)
    for c in claims:
        words = _words(c.text + " " + c.explanation)
        if c.id not in found and all(_holds(words, t) for t in terms):
            found.append(c.id)
    return [by_id[i] for i in found[:limit]]
