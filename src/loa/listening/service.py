"""Listening services: taxonomy, sources and polling, ingestion (privacy, dedupe, classification, daily
aggregates), trends and rising-topic alerts, retention. Plain functions over a ``Session``; only the
resumable import (``run_import``) commits, batch by batch."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sqlalchemy import bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from loa.errors import UserError
from loa.formats import LOCAL
from loa.listening.config import ListeningSettings
from loa.listening.models import (CIVIL_UNREST, Alert, DailyCount, ImportChunk, ImportJob, Item, SeenPost, Source,
                                  Topic)
from loa.listening.pipeline import (NearDuplicates, Post, Processed, classify_prepared, minhash_bytes, minhash_from,
                                    prepare)
from loa.listening.taxonomy import defaults

SOURCE_KINDS = ("feed", "page", "upload")
SOURCE_TYPES = ("post", "comment", "news")
FIELDS = ("text", "time", "source_type", "platform", "url", "likes", "shares", "comments")
COUNT_FIELDS = ("likes", "shares", "comments")
# Column names recognised without a mapping (lower-cased); author-like columns are never read.
SYNONYMS = {
    "text": ("text", "content", "message", "body", "noi_dung", "nội dung", "noi dung", "comment_text", "post_text"),
    "time": ("time", "created_at", "created_time", "date", "timestamp", "thoi_gian", "thời gian", "published"),
    "source_type": ("source_type", "type", "loai", "loại"),
    "platform": ("platform", "nen_tang", "nền tảng", "network"),
    "url": ("url", "link", "permalink"),
    "likes": ("likes", "like_count", "reactions", "luot_thich"),
    "shares": ("shares", "share_count", "luot_chia_se"),
    "comments": ("comments", "comment_count", "binh_luan"),
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def local_day(dt: datetime) -> date:
    return dt.astimezone(LOCAL).date()


# ---- taxonomy -----------------------------------------------------------------------------------------------

def topics(db: Session) -> dict[int, Topic]:
    """Subcategory number → Topic; the shipped taxonomy is written on first use (machine seeding, not audited)."""
    rows = {t.number: t for t in db.scalars(select(Topic))}
    if len(rows) < len(defaults()):
        now = utcnow()
        missing = [dict(number=n, category=c, name_vi=vi, name_en=en, description="", alerts=n != CIVIL_UNREST,
                        created_at=now, updated_at=now) for n, c, vi, en in defaults() if n not in rows]
        db.execute(insert(Topic), missing)
        rows = {t.number: t for t in db.scalars(select(Topic))}
    return rows


def update_topic(db: Session, number: int, *, name_vi: str, name_en: str = "", description: str = "",
                 alerts: bool = True) -> Topic:
    """Edit a subcategory's names, description and whether it may raise alerts (never topic 37)."""
    topic = topics(db).get(number)
    if topic is None:
        raise UserError("Không có nhóm chủ đề này.", "No such topic.", 404)
    if not name_vi.strip():
        raise UserError("Tên tiếng Việt không được để trống.", "The Vietnamese name is required.", 422)
    topic.name_vi, topic.name_en, topic.description = name_vi.strip(), name_en.strip(), description.strip()
    topic.alerts = bool(alerts) and number != CIVIL_UNREST
    db.flush()
    return topic


# ---- sources ------------------------------------------------------------------------------------------------

def create_source(db: Session, *, name: str, url: str, kind: str = "feed", platform: str = "",
                  poll_minutes: int = 60) -> Source:
    """A feed or page to poll (http/https)."""
    name, url = name.strip(), url.strip()
    if kind not in ("feed", "page"):
        raise UserError("Loại nguồn phải là nguồn tin (RSS/Atom) hoặc trang web.", "Kind must be feed or page.", 422)
    if not name:
        raise UserError("Cần đặt tên cho nguồn.", "The source needs a name.", 422)
    if not url.lower().startswith(("http://", "https://")):
        raise UserError("Địa chỉ nguồn phải bắt đầu bằng http:// hoặc https://.",
                        "The address must start with http:// or https://.", 422)
    if db.scalar(select(Source).where(Source.url == url)) is not None:
        raise UserError("Nguồn này đã có.", "This source already exists.", 409)
    if not 5 <= poll_minutes <= 24 * 60:
        raise UserError("Chu kỳ lấy tin từ 5 đến 1440 phút.", "Polling interval: 5 to 1440 minutes.", 422)
    source = Source(name=name, url=url, kind=kind, platform=platform.strip(), poll_minutes=poll_minutes)
    db.add(source)
    db.flush()
    return source


def get_source(db: Session, source_id: int) -> Source:
    source = db.get(Source, source_id)
    if source is None:
        raise UserError("Không tìm thấy nguồn.", "No such source.", 404)
    return source


def list_sources(db: Session) -> list[Source]:
    return list(db.scalars(select(Source).order_by(Source.kind, Source.name)))


def set_source_active(db: Session, source: Source, active: bool) -> Source:
    source.active = active
    if active:
        source.next_poll_at = None
    db.flush()
    return source


def upload_source(db: Session, platform: str = "") -> Source:
    """The pseudo-source uploads of one platform are attributed to."""
    name = f"Tệp tải lên{' · ' + platform if platform else ''}"
    source = db.scalar(select(Source).where(Source.kind == "upload", Source.name == name))
    if source is None:
        source = Source(name=name, kind="upload", platform=platform, status="ok")
        db.add(source)
        db.flush()
    return source


# ---- ingestion ----------------------------------------------------------------------------------------------

@dataclass
class IngestStats:
    added: int = 0
    reposts: int = 0
    seen: int = 0
    empty: int = 0
    days: set = field(default_factory=set)

    def as_dict(self) -> dict:
        return {"added": self.added, "reposts": self.reposts, "already_seen": self.seen, "empty": self.empty}


class Ingestor:
    """Streams posts into stories: scrub → normalise → segment → dedupe → classify → store, in batches.

    ``add`` queues a post; ``flush`` writes the queued batch (items, reposts, seen keys, daily counts) in the
    caller's transaction. Memory is bounded by the batch size and the near-duplicate window."""

    def __init__(self, db: Session, *, source_id: int | None = None, settings: ListeningSettings | None = None,
                 check_claims: bool = True, index: NearDuplicates | None = None):
        self.db, self.source_id = db, source_id
        self.settings = settings or ListeningSettings()
        self.check_claims = check_claims and importlib.util.find_spec("loa.claims.service") is not None
        self.stats = IngestStats()
        self.pending: list[tuple[Post, Processed]] = []
        self.index = index or load_index(db, self.settings)
        if self.check_claims:
            from loa.claims.config import ClaimsSettings

            self.claims_settings = ClaimsSettings()  # read once, not for every story

    def add(self, post: Post) -> None:
        """Queue a post. A repeat of a recent story (same words, or MinHash-similar) is recognised before
        segmentation and classification, which only new stories need."""
        self.add_prepared(post, prepare(post))

    def add_prepared(self, post: Post, done: Processed | None) -> None:
        """Queue a post whose ``prepare`` is done (None: no text left), possibly classified already (by
        another worker, see ``loa.listening.chunks``)."""
        if done is None:
            self.stats.empty += 1
            return
        if done.exact_hash in self.index.keys:
            done.near = done.exact_hash
        else:
            done.near = self.index.find(done.minhash)
        if done.near is None:
            if done.prediction is None:
                classify_prepared(done)
            self.index.add(done.exact_hash, done.minhash)
        self.pending.append((post, done))
        if len(self.pending) >= self.settings.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        db, batch, self.pending = self.db, self.pending, []
        keys = {p.post_key for _post, p in batch}
        seen = set(db.scalars(select(SeenPost.key).where(SeenPost.key.in_(keys))))
        hashes = {p.exact_hash for _post, p in batch} | {p.near for _post, p in batch if p.near}
        existing = {h: (i, subs) for i, h, subs in db.execute(
            select(Item.id, Item.exact_hash, Item.subcategories).where(Item.exact_hash.in_(hashes)))}
        new_rows: list[dict] = []
        new_by_hash: dict[str, int] = {}
        reposts: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # item id → [copies, engagement]
        counts: dict[tuple[date, int], list[int]] = defaultdict(lambda: [0] * 6)
        seen_rows = []
        for post, p in batch:
            if p.post_key in seen:
                self.stats.seen += 1
                continue
            seen.add(p.post_key)
            day = local_day(post.published_at)
            seen_rows.append({"key": p.post_key, "day": day})
            self.stats.days.add(day)
            reach = 1 + max(0, post.engagement)
            target = None
            for key in (p.exact_hash, p.near):
                if key in existing:
                    target, subs = existing[key]
                elif key in new_by_hash:
                    target, subs = -1 - new_by_hash[key], new_rows[new_by_hash[key]]["subcategories"]
                else:
                    continue
                break
            if target is not None:
                self.stats.reposts += 1
                if target >= 0:
                    reposts[target][0] += 1
                    reposts[target][1] += max(0, post.engagement)
                else:
                    row = new_rows[-1 - target]
                    row["copies"] += 1
                    row["engagement"] += max(0, post.engagement)
                for t in [0] + list(subs):
                    counts[(day, t)][1] += reach
                continue
            pred = p.prediction or classify_prepared(p).prediction
            row = {"source_id": self.source_id, "source_type": post.source_type, "platform": post.platform[:40],
                   "url": post.url[:1000] if post.source_type == "news" else "", "published_at": post.published_at,
                   "day": day, "text": p.text, "exact_hash": p.exact_hash, "minhash": minhash_bytes(p.minhash),
                   "copies": 1, "engagement": max(0, post.engagement), "category": pred.category,
                   "subcategories": pred.subcategories, "is_question": pred.is_question,
                   "is_concern": pred.is_concern, "sentiment": pred.sentiment, "created_at": utcnow()}
            new_by_hash[p.exact_hash] = len(new_rows)
            self.index.add(p.exact_hash, p.minhash)
            new_rows.append(row)
            for t in [0] + pred.subcategories:
                c = counts[(day, t)]
                c[0] += 1
                c[1] += reach
                c[2] += pred.is_question
                c[3] += pred.is_concern
                c[4] += pred.sentiment == "negative"
        if new_rows:
            table = Item.__table__
            if self.check_claims:  # the desk needs each story's id
                ids = db.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), new_rows).scalars()
                for row, item_id in zip(new_rows, ids):
                    row["id"] = item_id
            else:
                db.execute(insert(table), new_rows)
            self.stats.added += len(new_rows)
        if reposts:
            t = Item.__table__
            db.execute(update(t).where(t.c.id == bindparam("tid")).values(
                copies=t.c.copies + bindparam("dc"), engagement=t.c.engagement + bindparam("de")),
                [{"tid": i, "dc": c, "de": e} for i, (c, e) in reposts.items()])
        if seen_rows:
            db.execute(insert(SeenPost.__table__), seen_rows)
        if self.check_claims:
            for row in new_rows:
                if self._claim(row):
                    for t in [0] + row["subcategories"]:
                        counts[(row["day"], t)][5] += 1
        add_counts(db, counts)

    def _claim(self, row: dict) -> bool:
        """Offer a new story to the misinformation desk; a match is kept on the item."""
        from loa.claims import service as claims

        result = claims.check_text(self.db, row["text"], reach=row["copies"], origin="listening",
                                   ref=f"listening:{row['id']}", settings=self.claims_settings)
        if result.get("decision") != "match":
            return False
        self.db.execute(update(Item).where(Item.id == row["id"]).values(
            claim={"claim_id": result.get("claim_id"), "score": result.get("score")}),
            execution_options={"synchronize_session": False})
        return True

    def finish(self) -> IngestStats:
        self.flush()
        return self.stats


def load_index(db: Session, settings: ListeningSettings) -> NearDuplicates:
    """The near-duplicate index over the most recent stories (up to the configured window), keyed by exact hash."""
    index = NearDuplicates(settings.near_duplicate_threshold, settings.dedupe_window)
    rows = db.execute(select(Item.exact_hash, Item.minhash).order_by(Item.id.desc())
                      .limit(settings.dedupe_window)).all()
    for key, mh in reversed(rows):
        index.add(key, minhash_from(mh))
    return index


def add_counts(db: Session, counts: dict[tuple[date, int], list[int]]) -> None:
    """Add per-(day, topic) increments [items, reach, questions, concerns, negative, claims] to the aggregates."""
    if not counts:
        return
    days = {d for d, _t in counts}
    existing = {(d, t): i for i, d, t in db.execute(
        select(DailyCount.id, DailyCount.day, DailyCount.topic).where(DailyCount.day.in_(days)))}
    cols = ("items", "reach", "questions", "concerns", "negative", "claims")
    updates, inserts = [], []
    for (d, t), c in counts.items():
        values = dict(zip(cols, c))
        if (d, t) in existing:
            updates.append({"cid": existing[(d, t)], **{"d_" + k: v for k, v in values.items()}})
        else:
            inserts.append({"day": d, "topic": t, **values})
    if updates:
        t = DailyCount.__table__
        db.execute(update(t).where(t.c.id == bindparam("cid")).values(
            **{k: t.c[k] + bindparam("d_" + k) for k in cols}), updates)
    if inserts:
        db.execute(insert(DailyCount), inserts)


def ingest(db: Session, posts: Iterable[Post], *, source_id: int | None = None, check_claims: bool = True,
           settings: ListeningSettings | None = None) -> IngestStats:
    """Ingest posts in the caller's transaction (feeds, small uploads, the demo) and check for rising topics."""
    settings = settings or ListeningSettings()
    ing = Ingestor(db, source_id=source_id, settings=settings, check_claims=check_claims)
    for post in posts:
        ing.add(post)
    stats = ing.finish()
    for day in sorted(stats.days)[-3:]:
        detect(db, day, settings)
    return stats


# ---- uploads: reading, mapping, validation, resumable import -----------------------------------------------

def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError("Tệp không phải mã UTF-8. Hãy lưu lại tệp dưới dạng CSV UTF-8 hoặc JSON Lines UTF-8.",
                        "The file is not UTF-8. Save it as UTF-8 CSV or JSON Lines.", 422) from None


def file_format(filename: str, data: bytes) -> str:
    """"csv", "jsonl" or "feed" from the name, else from the first bytes."""
    name = filename.lower()
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".xml", ".rss", ".atom")):
        return "feed"
    head = data[:200].lstrip()
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"<"):
        return "feed"
    return "csv"


def read_rows(data: bytes, fmt: str) -> Iterator[dict]:
    """Rows of a CSV (header line) or JSON Lines export, streamed; bad JSON lines raise with their number."""
    text = _decode(data)
    if fmt == "csv":
        yield from csv.DictReader(io.StringIO(text))
        return
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            raise UserError(f"Dòng {n} không phải JSON hợp lệ.", f"Line {n} is not valid JSON.", 422) from None
        if not isinstance(row, dict):
            raise UserError(f"Dòng {n} phải là một đối tượng JSON.", f"Line {n} must be a JSON object.", 422)
        yield row


def columns(data: bytes, fmt: str) -> list[str]:
    """The column names an export offers (CSV header; keys of the first 50 JSON lines)."""
    names: list[str] = []
    for n, row in enumerate(read_rows(data, fmt)):
        for k in row:
            if k is not None and k not in names:
                names.append(k)
        if fmt == "csv" or n >= 50:
            break
    return names


_IDENTITY_TOKENS = {"author", "authors", "user", "username", "users", "name", "fullname", "handle", "profile", "account",
                    "uid", "owner", "screen", "from", "nick", "nickname", "avatar", "email", "phone"}
_IDENTITY_PHRASES = ("nguoi dang", "tai khoan", "ho ten", "ten nguoi", "nguoi binh luan", "nguoi viet", "trang ca nhan",
                     "so dien thoai", "biet danh")


def identity_column(name: str) -> bool:
    """Whether a column's name says it identifies a person (author, handle, profile, account id...)."""
    from loa.text import fold

    folded = fold(name or "")
    tokens = set(re.split(r"[^a-z0-9]+", folded))
    return bool(tokens & _IDENTITY_TOKENS) or any(p in folded for p in _IDENTITY_PHRASES)


def strip_identity(data: bytes, fmt: str) -> bytes:
    """The export without its person-identifying columns, before it is kept for the column-mapping step."""
    cols = [c for c in columns(data, fmt) if not identity_column(c)]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore")
        writer.writeheader()
        for row in read_rows(data, fmt):
            writer.writerow({c: row.get(c, "") for c in cols})
        return buf.getvalue().encode()
    return "".join(json.dumps({k: v for k, v in row.items() if not identity_column(k)}, ensure_ascii=False) + "\n"
                   for row in read_rows(data, fmt)).encode()


def guess_mapping(cols: list[str]) -> dict[str, str]:
    """Target field → source column, by the documented names and common synonyms."""
    lower = {c.strip().lower(): c for c in cols}
    out = {}
    for target, names in SYNONYMS.items():
        for n in names:
            if n in lower:
                out[target] = lower[n]
                break
    return out


def parse_time(value) -> datetime:
    """ISO 8601, "dd/mm/yyyy [HH:MM[:SS]]" or Unix seconds; a time without zone is Vietnam time."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), timezone.utc)
    s = str(value or "").strip()
    if not s:
        raise ValueError("empty")
    if s.isdigit() and len(s) >= 9:
        return datetime.fromtimestamp(int(s), timezone.utc)
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%H:%M %d/%m/%Y"):
            try:
                dt = datetime.strptime(s, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(s) from None
    return dt.replace(tzinfo=LOCAL) if dt.tzinfo is None else dt


def row_post(row: dict, mapping: dict[str, str], platform: str = "") -> Post:
    """One mapped row as a Post; only mapped columns are read (author columns never are)."""
    def get(target):
        col = mapping.get(target)
        return row.get(col) if col else None

    text = str(get("text") or "").strip()
    if not text:
        raise ValueError("thiếu nội dung / no text")
    when = parse_time(get("time"))
    source_type = str(get("source_type") or "post").strip().lower()
    if source_type not in SOURCE_TYPES:
        source_type = "post"
    engagement = 0
    for f in COUNT_FIELDS:
        v = get(f)
        if v not in (None, ""):
            engagement += int(float(v))
    return Post(text=text, published_at=when, source_type=source_type,
                platform=str(get("platform") or platform or "").strip(), url=str(get("url") or "").strip(),
                engagement=engagement)


def check_mapping(mapping: dict[str, str], cols: list[str]) -> dict[str, str]:
    mapping = {k: v for k, v in mapping.items() if k in FIELDS and v}
    if "text" not in mapping or "time" not in mapping:
        raise UserError("Cần chọn cột nội dung và cột thời gian.", "Choose the text and time columns.", 422)
    unknown = [v for v in mapping.values() if v not in cols]
    if unknown:
        raise UserError(f"Tệp không có cột: {', '.join(unknown)}.", f"No such column: {', '.join(unknown)}.", 422)
    return mapping


def validate(data: bytes, fmt: str, mapping: dict[str, str]) -> int:
    """Check every row before anything is stored; returns the row count or raises with the bad rows."""
    errors, n = [], 0
    for n, row in enumerate(read_rows(data, fmt), 1):
        try:
            row_post(row, mapping)
        except (ValueError, TypeError) as exc:
            if len(errors) < 20:
                errors.append({"row": n, "problem": str(exc)})
    if errors:
        raise UserError(f"Tệp có dòng không hợp lệ (ví dụ dòng {errors[0]['row']}); chưa nhập dòng nào.",
                        f"The file has invalid rows (e.g. row {errors[0]['row']}); nothing was imported.", 422,
                        details=errors)
    if n == 0:
        raise UserError("Tệp không có dòng dữ liệu nào.", "The file has no rows.", 422)
    return n


def import_key(data: bytes, mapping: dict) -> str:
    return hashlib.sha256(data + json.dumps(mapping, sort_keys=True).encode()).hexdigest()


def start_import(db: Session, data: bytes, filename: str, mapping: dict[str, str] | None = None,
                 platform: str = "") -> ImportJob:
    """Validate an export and create (or find) its import job; ``run_import`` does the work."""
    fmt = file_format(filename, data)
    if fmt == "feed":
        raise UserError("Đây là tệp nguồn tin RSS/Atom; hãy dùng chức năng nhập nguồn tin.",
                        "This is an RSS/Atom file; import it as a feed.", 422)
    cols = columns(data, fmt)
    mapping = check_mapping(mapping or guess_mapping(cols), cols)
    key = import_key(data, mapping)
    job = db.scalar(select(ImportJob).where(ImportJob.content_hash == key))
    if job is not None:
        return job
    validate(data, fmt, mapping)
    source = upload_source(db, platform)
    job = ImportJob(source_id=source.id, filename=filename[:300], content_hash=key,
                    mapping={**mapping, "_format": fmt, "_platform": platform})
    db.add(job)
    db.flush()
    return job


def import_posts(job: ImportJob, data: bytes) -> Iterator[Post]:
    """The posts of an import's file in file order, read through its column mapping."""
    mapping = {k: v for k, v in job.mapping.items() if not k.startswith("_")}
    platform = job.mapping.get("_platform", "")
    for row in read_rows(data, job.mapping.get("_format", "csv")):
        yield row_post(row, mapping, platform)


def run_import(db: Session, job: ImportJob, data: bytes, settings: ListeningSettings | None = None,
               progress: Callable[[ImportJob], None] | None = None,
               prepared: Callable[[int], list[Processed | None] | None] | None = None) -> ImportJob:
    """Ingest a job's rows from ``job.position`` on, committing each batch with the new position, so that an
    interrupted import resumes without loss or duplicates. A finished job adds nothing. ``progress(job)`` is
    called after each committed batch (it may raise to stop the import there). ``prepared(k)``, when given,
    returns the rows of chunk ``k`` (``chunk_size`` rows from row k × chunk_size + 1) already prepared by
    another worker, or None to prepare them here; the merge (dedupe, writes) is the same either way."""
    if job.status == "done":
        return job
    settings = settings or ListeningSettings()
    db.commit()
    ing = Ingestor(db, source_id=job.source_id, settings=settings)
    days: set[date] = set()
    position, size, chunk, ready = job.position, settings.chunk_size, -1, None
    for n, post in enumerate(import_posts(job, data), 1):
        if n <= job.position:
            continue
        if prepared is not None and (n - 1) // size != chunk:
            chunk = (n - 1) // size
            ready = prepared(chunk)
        if ready is None:
            ing.add(post)
        else:
            ing.add_prepared(post, ready[(n - 1) % size])
        position = n
        if n % settings.batch_size == 0:
            _checkpoint(db, job, ing, position)
            days |= ing.stats.days
            if progress:
                progress(job)
    _checkpoint(db, job, ing, position)
    days |= ing.stats.days
    for day in sorted(days)[-7:]:
        detect(db, day, settings)
    job.status, job.finished_at = "done", utcnow()
    source = db.get(Source, job.source_id) if job.source_id else None
    if source is not None:
        source.items_added += job.added
        source.last_ok_at = source.last_polled_at = utcnow()
    db.commit()
    return job


def _checkpoint(db: Session, job: ImportJob, ing: Ingestor, position: int) -> None:
    ing.flush()
    job.position = position
    job.added += ing.stats.added
    job.reposts += ing.stats.reposts
    job.duplicates += ing.stats.seen
    ing.stats.added = ing.stats.reposts = ing.stats.seen = 0
    db.commit()


def list_imports(db: Session, limit: int = 20) -> list[ImportJob]:
    return list(db.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)))


# ---- polling ------------------------------------------------------------------------------------------------

def due_sources(db: Session, now: datetime | None = None) -> list[Source]:
    now = now or utcnow()
    return [s for s in db.scalars(select(Source).where(Source.active.is_(True), Source.kind.in_(("feed", "page"))))
            if s.next_poll_at is None or s.next_poll_at <= now]


def poll_source(db: Session, source: Source, now: datetime | None = None,
                settings: ListeningSettings | None = None) -> dict:
    """Fetch and ingest one source. A failure stores no item, marks the source failing with the reason and
    backs off exponentially (poll interval × 2^(failures−1), at most ``max_backoff_hours``)."""
    from loa.listening import feeds

    settings = settings or ListeningSettings()
    now = now or utcnow()
    source.last_polled_at = now
    try:
        with db.begin_nested():
            data, content_type = feeds.fetch(source.url, settings)
            posts = (feeds.parse_feed(data, content_type) if source.kind == "feed"
                     else [feeds.page_post(data, source.url)])
            for p in posts:
                p.platform = p.platform or source.platform
            stats = ingest(db, posts, source_id=source.id, settings=settings)
    except UserError as exc:
        source.status, source.last_error = "failing", exc.message
        source.failures += 1
        wait = min(source.poll_minutes * 2 ** min(source.failures - 1, 12), settings.max_backoff_hours * 60)
        source.next_poll_at = now + timedelta(minutes=wait)
        db.flush()
        return {"source": source.name, "status": "failing", "error": exc.message, "error_en": exc.message_en,
                "retry_at": source.next_poll_at.isoformat()}
    source.status, source.last_error, source.failures = "ok", "", 0
    source.last_ok_at = now
    source.items_added += stats.added
    source.next_poll_at = now + timedelta(minutes=source.poll_minutes)
    db.flush()
    return {"source": source.name, "status": "ok", **stats.as_dict()}


def poll(db: Session, now: datetime | None = None, force: bool = False) -> list[dict]:
    """Poll every due source (every active one with ``force``)."""
    now = now or utcnow()
    sources = (list(db.scalars(select(Source).where(Source.active.is_(True), Source.kind.in_(("feed", "page")))))
               if force else due_sources(db, now))
    return [poll_source(db, s, now) for s in sources]


def import_feed_bytes(db: Session, data: bytes) -> IngestStats:
    """Ingest a saved RSS/Atom file (refused whole when malformed, like a polled feed)."""
    from loa.listening import feeds

    return ingest(db, feeds.parse_feed(data, "application/xml"))


# ---- trends and alerts --------------------------------------------------------------------------------------

def daily_counts(db: Session, start: date, end: date, topic_numbers: Iterable[int] | None = None) -> dict:
    """{(day, topic): DailyCount} for start..end inclusive (topic 0 = all items)."""
    q = select(DailyCount).where(DailyCount.day >= start, DailyCount.day <= end)
    if topic_numbers is not None:
        q = q.where(DailyCount.topic.in_(list(topic_numbers)))
    return {(c.day, c.topic): c for c in db.scalars(q)}


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def overview(db: Session, day: date) -> list[dict]:
    """Per subcategory on ``day``: count, previous day, % change, share of the day's items (attention),
    questions, concerns, negative; sorted by count."""
    counts = daily_counts(db, day - timedelta(days=1), day)
    total = counts.get((day, 0))
    total_items = total.items if total else 0
    rows = []
    for n, topic in topics(db).items():
        c, p = counts.get((day, n)), counts.get((day - timedelta(days=1), n))
        count, prev = (c.items if c else 0), (p.items if p else 0)
        if not count and not prev:
            continue
        rows.append({"topic": n, "name": topic.name_vi, "name_en": topic.name_en, "category": topic.category,
                     "count": count, "previous": prev, "change_pct": change_pct(count, prev),
                     "share_pct": round(100 * count / total_items, 1) if total_items else 0.0,
                     "questions": c.questions if c else 0, "concerns": c.concerns if c else 0,
                     "negative": c.negative if c else 0, "reach": c.reach if c else 0})
    rows.sort(key=lambda r: (-r["count"], r["topic"]))
    return rows


def change_pct(now: int, before: int) -> float | None:
    """Percent change; None when there is nothing to compare with."""
    return round(100 * (now - before) / before, 1) if before else None


def poisson_sf(x: int, lam: float) -> float:
    """P(X ≥ x) for X ~ Poisson(lam), summed in log space (stable for large counts)."""
    if x <= 0:
        return 1.0
    log_terms = [k * math.log(lam) - lam - math.lgamma(k + 1) for k in range(x, x + 1000)]
    top = max(log_terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in log_terms))


def rising(series: list[int], today: int, settings: ListeningSettings) -> dict | None:
    """The stated test: today's count against a Poisson with the trailing baseline's mean (floor 1).
    Rising when P(X ≥ today) < alert_p_value, today ≥ alert_min_count and today ≥ alert_min_ratio × mean.
    Needs at least 7 baseline days."""
    if len(series) < 7:
        return None
    mean = sum(series) / len(series)
    lam = max(mean, 1.0)
    p = poisson_sf(today, lam)
    if p < settings.alert_p_value and today >= settings.alert_min_count and today >= settings.alert_min_ratio * lam:
        return {"count": today, "baseline_mean": round(mean, 2), "expected": round(lam, 2), "p_value": p,
                "ratio": round(today / lam, 2)}
    return None


def detect(db: Session, day: date, settings: ListeningSettings | None = None) -> list[Alert]:
    """Raise (or refresh) an alert for every alert-enabled subcategory rising on ``day``. Topic 37 never alerts."""
    settings = settings or ListeningSettings()
    start = day - timedelta(days=settings.baseline_days)
    counts = daily_counts(db, start, day)
    history_days = [d for d in days_between(start, day - timedelta(days=1)) if (d, 0) in counts]
    if len(history_days) < 7:
        return []
    window = days_between(start, day - timedelta(days=1))
    raised = []
    for n, topic in topics(db).items():
        if not topic.alerts or n == CIVIL_UNREST:
            continue
        today = counts[(day, n)].items if (day, n) in counts else 0
        series = [counts[(d, n)].items if (d, n) in counts else 0 for d in window]
        result = rising(series, today, settings)
        if result is None:
            continue
        examples = list(db.scalars(select(Item.id).where(Item.day == day, _has_topic(n))
                                   .order_by((Item.copies + Item.engagement).desc(), Item.id).limit(3)))
        evidence = {**result, "test": "poisson_upper_tail", "baseline_days": len(window),
                    "series": [{"day": d.isoformat(), "count": c} for d, c in zip(window, series)],
                    "examples": examples}
        alert = db.scalar(select(Alert).where(Alert.topic == n, Alert.day == day))
        if alert is None:
            alert = Alert(topic=n, day=day, count=today, baseline=result["baseline_mean"], p_value=result["p_value"],
                          evidence=evidence)
            db.add(alert)
        elif alert.count != today:
            alert.count, alert.baseline, alert.p_value, alert.evidence = (
                today, result["baseline_mean"], result["p_value"], evidence)
        raised.append(alert)
    db.flush()
    return raised


def _has_topic(n: int):
    """Items whose subcategory list contains ``n`` (JSON list stored as text on both databases)."""
    from sqlalchemy import String, cast, or_

    text = cast(Item.subcategories, String)
    return or_(text.like(f"[{n},%"), text.like(f"[{n}]"), text.like(f"%, {n},%"), text.like(f"%, {n}]"))


def alerts(db: Session, status: str | None = "open", limit: int = 50) -> list[Alert]:
    q = select(Alert).order_by(Alert.day.desc(), Alert.p_value)
    if status:
        q = q.where(Alert.status == status)
    return list(db.scalars(q.limit(limit)))


def get_alert(db: Session, alert_id: int) -> Alert:
    alert = db.get(Alert, alert_id)
    if alert is None:
        raise UserError("Không tìm thấy cảnh báo.", "No such alert.", 404)
    return alert


def close_alert(db: Session, alert: Alert) -> Alert:
    alert.status = "done"
    db.flush()
    return alert


def example_items(db: Session, ids: list[int]) -> list[Item]:
    """Stored examples (those past retention are gone); never for topic 37."""
    if not ids:
        return []
    found = {i.id: i for i in db.scalars(select(Item).where(Item.id.in_(ids)))}
    return [found[i] for i in ids if i in found and CIVIL_UNREST not in (found[i].subcategories or [])]


def recent_items(db: Session, topic: int | None = None, limit: int = 20, question: bool | None = None) -> list[Item]:
    """Latest stories, optionally of one topic; topic 37 has no drill-down."""
    if topic == CIVIL_UNREST:
        return []
    q = select(Item).order_by(Item.published_at.desc(), Item.id.desc())
    if topic:
        q = q.where(_has_topic(topic))
    if question is not None:
        q = q.where(Item.is_question.is_(question))
    return [i for i in db.scalars(q.limit(limit * 2)) if CIVIL_UNREST not in (i.subcategories or [])][:limit]


# ---- retention ----------------------------------------------------------------------------------------------

def apply_retention(db: Session, now: datetime | None = None, days: int | None = None) -> dict:
    """Delete stored texts (items) and post keys older than the retention period, and the working copies of
    imports (chunks) that are done or as old; daily aggregates remain."""
    days = days if days is not None else ListeningSettings().retention_days
    cutoff = (now or utcnow()) - timedelta(days=days)
    items = db.execute(delete(Item).where(Item.published_at < cutoff), execution_options={
        "synchronize_session": False}).rowcount
    seen = db.execute(delete(SeenPost).where(SeenPost.day < local_day(cutoff)), execution_options={
        "synchronize_session": False}).rowcount
    chunks = db.execute(delete(ImportChunk).where(or_(ImportChunk.created_at < cutoff, ImportChunk.import_id.in_(
        select(ImportJob.id).where(ImportJob.status == "done"))))).rowcount
    return {"items_deleted": items, "keys_deleted": seen, "chunks_deleted": chunks, "cutoff": cutoff.isoformat()}


def item_count(db: Session) -> int:
    return db.scalar(select(func.count(Item.id))) or 0


def data_dir(settings) -> Path:
    path = settings.files_dir / "listening"
    path.mkdir(parents=True, exist_ok=True)
    return path
