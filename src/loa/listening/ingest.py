"""Ingestion: posts streamed into stories (privacy, dedupe, classification) and the daily aggregates they add to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import date

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from loa import hooks
from loa.clock import local_day, utcnow
from loa.listening.alerts import detect
from loa.listening.classify import Prediction
from loa.listening.config import ListeningSettings
from loa.listening.models import DailyCount, Item, SeenPost
from loa.listening.pipeline import (
    NearDuplicates,
    Post,
    Processed,
    classify_prepared,
    minhash_bytes,
    minhash_from,
    prepare,
)
from loa.listening.places import Places, districts_of
from loa.listening.places import load as load_places
from loa.listening.retention import horizon


@dataclass
class IngestStats:
    added: int = 0
    reposts: int = 0
    seen: int = 0
    empty: int = 0
    too_old: int = 0  # published before what retention deleted: not ingested
    days: set = field(default_factory=set)

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "reposts": self.reposts,
            "already_seen": self.seen,
            "empty": self.empty,
            "too_old": self.too_old,
            "skipped": self.empty + self.too_old,
        }


CountKey = tuple[date, int, str, str]  # day, topic (0 = all), district ("" = all), language ("" = all)


def count_keys(day: date, subcategories: list[int], districts: list[str], language: str) -> list[CountKey]:
    """The aggregates a story adds to: each of its topics and all (0), in each district it names and in all
    (""), in its language and in all ("")."""
    return [(day, t, d, lang) for t in [0, *subcategories] for d in ["", *districts] for lang in ("", language)]


@dataclass
class DayCounts:
    """Increments of one (day, topic, district, language) aggregate; the fields are ``DailyCount``'s columns."""

    items: int = 0
    reach: int = 0
    questions: int = 0
    concerns: int = 0
    negative: int = 0
    claims: int = 0

    def add_story(self, prediction: Prediction, reach: int) -> None:
        self.items += 1
        self.reach += reach
        self.questions += prediction.is_question
        self.concerns += prediction.is_concern
        self.negative += prediction.sentiment == "negative"


COUNT_COLUMNS = tuple(f.name for f in fields(DayCounts))


@dataclass
class Repeats:
    """What the repeats met in a batch add to a stored story."""

    copies: int = 0
    engagement: int = 0


@dataclass
class _Batch:
    """One flush's work: what the database holds already, and what the batch will write."""

    seen: set[str]  # post keys stored, or met earlier in the batch
    stored: dict[str, tuple[int, list[int], list[str], str]]  # exact hash → (item id, subcategories, districts,
    # language) of a stored story
    new_rows: list[dict] = field(default_factory=list)
    new_by_hash: dict[str, dict] = field(default_factory=dict)  # exact hash → its row in new_rows
    repeats: dict[int, Repeats] = field(default_factory=lambda: defaultdict(Repeats))  # by stored item id
    seen_rows: list[dict] = field(default_factory=list)
    counts: dict[CountKey, DayCounts] = field(default_factory=lambda: defaultdict(DayCounts))


class Ingestor:
    """Streams posts into stories: scrub → normalise → segment → dedupe → classify → store, in batches.

    ``add`` queues a post; ``flush`` writes the queued batch (items, reposts, seen keys, daily counts) in the
    caller's transaction. Memory is bounded by the batch size and the near-duplicate window."""

    def __init__(
        self,
        db: Session,
        *,
        source_id: int | None = None,
        settings: ListeningSettings | None = None,
        check_claims: bool = True,
        index: NearDuplicates | None = None,
        places: Places | None = None,
    ):
        self.db, self.source_id = db, source_id
        self.settings = settings or ListeningSettings()
        self.check_claims = check_claims
        self.stats = IngestStats()
        self.pending: list[tuple[Post, Processed]] = []
        self.index = index or load_index(db, self.settings)
        self.batch: dict = {}  # what the misinformation desk reads once for all the stories
        self.horizon = horizon(db)
        self.places = places or load_places(db)

    def too_old(self, post: Post) -> bool:
        """A post published before what retention deleted is never ingested (it would be counted again)."""
        if self.horizon is not None and post.published_at < self.horizon:
            self.stats.too_old += 1
            return True
        return False

    def add(self, post: Post) -> None:
        """Queue a post. A repeat of a recent story (same words, or MinHash-similar) is recognised before
        segmentation and classification, which only new stories need."""
        if not self.too_old(post):
            self._queue(post, prepare(post))

    def add_prepared(self, post: Post, done: Processed | None) -> None:
        """Queue a post whose ``prepare`` is done (None: no text left), possibly classified already (by
        another worker, see ``loa.listening.chunks``)."""
        if not self.too_old(post):
            self._queue(post, done)

    def _queue(self, post: Post, done: Processed | None) -> None:
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
        """Write the queued batch: new stories, repeats added to their story, the posts' keys, the claims desk's
        matches and the daily counts."""
        if not self.pending:
            return
        queued, self.pending = self.pending, []
        batch = self._look_up(queued)
        for post, p in queued:
            self._merge(batch, post, p)
        self._write(batch)
        if self.check_claims:
            for row in batch.new_rows:
                if self._claim(row):
                    for key in count_keys(
                        row["day"], row["subcategories"], districts_of(row["places"]), row["language"]
                    ):
                        batch.counts[key].claims += 1
        add_counts(self.db, batch.counts)

    def _look_up(self, queued: list[tuple[Post, Processed]]) -> _Batch:
        """The batch's post keys already stored, and the stored stories its posts may repeat."""
        keys = {p.post_key for _post, p in queued}
        hashes = {p.exact_hash for _post, p in queued} | {p.near for _post, p in queued if p.near}
        return _Batch(
            seen=set(self.db.scalars(select(SeenPost.key).where(SeenPost.key.in_(keys)))),
            stored={
                h: (i, subs, districts_of(places), language)
                for i, h, subs, places, language in self.db.execute(
                    select(Item.id, Item.exact_hash, Item.subcategories, Item.places, Item.language).where(
                        Item.exact_hash.in_(hashes)
                    )
                )
            },
        )

    def _merge(self, batch: _Batch, post: Post, p: Processed) -> None:
        """One post into the batch: skipped when already seen, else a repeat of a story or a new story."""
        if p.post_key in batch.seen:
            self.stats.seen += 1
            return
        batch.seen.add(p.post_key)
        day = local_day(post.published_at)
        batch.seen_rows.append({"key": p.post_key, "day": day})
        self.stats.days.add(day)
        reach = 1 + max(0, post.engagement)
        if not self._repeat(batch, post, p, day, reach):
            self._new_story(batch, post, p, day, reach)

    def _repeat(self, batch: _Batch, post: Post, p: Processed, day: date, reach: int) -> bool:
        """Add a repeat to its story (stored, or new in this batch) by exact then near hash; False when the post
        repeats none."""
        engagement = max(0, post.engagement)
        for key in (p.exact_hash, p.near):
            if key in batch.stored:
                item_id, subs, districts, language = batch.stored[key]
                batch.repeats[item_id].copies += 1
                batch.repeats[item_id].engagement += engagement
                break
            if key in batch.new_by_hash:
                row = batch.new_by_hash[key]
                row["copies"] += 1
                row["engagement"] += engagement
                subs, districts, language = row["subcategories"], districts_of(row["places"]), row["language"]
                break
        else:
            return False
        self.stats.reposts += 1
        for k in count_keys(day, subs, districts, language):
            batch.counts[k].reach += reach
        return True

    def _new_story(self, batch: _Batch, post: Post, p: Processed, day: date, reach: int) -> None:
        pred = p.prediction or classify_prepared(p).prediction
        places = self.places.find(p.text, normalized=True)
        row = {
            "source_id": self.source_id,
            "source_type": post.source_type,
            "platform": post.platform[:40],
            "url": post.url[:1000] if post.source_type == "news" else "",
            "published_at": post.published_at,
            "day": day,
            "text": p.text,
            "exact_hash": p.exact_hash,
            "minhash": minhash_bytes(p.minhash),
            "copies": 1,
            "engagement": max(0, post.engagement),
            "category": pred.category if pred.subcategories else "",
            "subcategories": pred.subcategories,
            "is_question": pred.is_question,
            "is_concern": pred.is_concern,
            "sentiment": pred.sentiment,
            "language": p.language,
            "places": places,
            "created_at": utcnow(),
        }
        batch.new_by_hash[p.exact_hash] = row
        self.index.add(p.exact_hash, p.minhash)
        batch.new_rows.append(row)
        for k in count_keys(day, pred.subcategories, districts_of(places), p.language):
            batch.counts[k].add_story(pred, reach)

    def _write(self, batch: _Batch) -> None:
        """Insert the new stories (with their ids when the claims desk needs them), add the repeats to the
        stored stories, and keep the posts' keys."""
        db = self.db
        if batch.new_rows:
            table = Item.__table__
            if self.check_claims:  # the desk needs each story's id
                ids = db.execute(
                    insert(table).returning(table.c.id, sort_by_parameter_order=True), batch.new_rows
                ).scalars()
                for row, item_id in zip(batch.new_rows, ids):
                    row["id"] = item_id
            else:
                db.execute(insert(table), batch.new_rows)
            self.stats.added += len(batch.new_rows)
        if batch.repeats:
            t = Item.__table__
            db.execute(
                update(t)
                .where(t.c.id == bindparam("tid"))
                .values(copies=t.c.copies + bindparam("dc"), engagement=t.c.engagement + bindparam("de")),
                [{"tid": i, "dc": r.copies, "de": r.engagement} for i, r in batch.repeats.items()],
            )
        if batch.seen_rows:
            db.execute(insert(SeenPost.__table__), batch.seen_rows)

    def _claim(self, row: dict) -> bool:
        """Offer a new story to the misinformation desk (hook ``public_text_observed``); a match is kept on the item,
        and counts (True) unless the story only asks about the claim (``kind`` "question")."""
        result = (
            hooks.call().public_text_observed(
                db=self.db,
                text=row["text"],
                reach=row["copies"],
                origin="listening",
                ref=f"listening:{row['id']}",
                batch=self.batch,
            )
            or {}
        )
        if result.get("decision") != "match":
            return False
        self.db.execute(
            update(Item)
            .where(Item.id == row["id"])
            .values(
                claim={"claim_id": result.get("claim_id"), "score": result.get("score"), "kind": result.get("kind")}
            ),
            execution_options={"synchronize_session": False},
        )
        return result.get("kind") != "question"

    def finish(self) -> IngestStats:
        self.flush()
        return self.stats


def load_index(db: Session, settings: ListeningSettings) -> NearDuplicates:
    """The near-duplicate index over the most recent stories (up to the configured window), keyed by exact hash."""
    index = NearDuplicates(settings.near_duplicate_threshold, settings.dedupe_window)
    rows = db.execute(
        select(Item.exact_hash, Item.minhash).order_by(Item.id.desc()).limit(settings.dedupe_window)
    ).all()
    for key, mh in reversed(rows):
        index.add(key, minhash_from(mh))
    return index


def add_counts(db: Session, counts: dict[CountKey, DayCounts]) -> None:
    """Add per-(day, topic, district, language) increments to the daily aggregates."""
    if not counts:
        return
    days = {key[0] for key in counts}
    c = DailyCount
    existing = {
        (d, t, dist, lang): i
        for i, d, t, dist, lang in db.execute(
            select(c.id, c.day, c.topic, c.district, c.language).where(c.day.in_(days))
        )
    }
    updates, inserts = [], []
    for key, increments in counts.items():
        values = asdict(increments)
        if key in existing:
            updates.append({"cid": existing[key], **{"d_" + k: v for k, v in values.items()}})
        else:
            d, t, dist, lang = key
            inserts.append({"day": d, "topic": t, "district": dist, "language": lang, **values})
    if updates:
        t = DailyCount.__table__
        db.execute(
            update(t)
            .where(t.c.id == bindparam("cid"))
            .values(**{k: t.c[k] + bindparam("d_" + k) for k in COUNT_COLUMNS}),
            updates,
        )
    if inserts:
        db.execute(insert(DailyCount), inserts)


def ingest(
    db: Session,
    posts: Iterable[Post],
    *,
    source_id: int | None = None,
    check_claims: bool = True,
    settings: ListeningSettings | None = None,
) -> IngestStats:
    """Ingest posts in the caller's transaction (feeds, small uploads, the demo) and check for rising topics."""
    settings = settings or ListeningSettings()
    ing = Ingestor(db, source_id=source_id, settings=settings, check_claims=check_claims)
    for post in posts:
        ing.add(post)
    stats = ing.finish()
    for day in sorted(stats.days)[-3:]:
        detect(db, day, settings)
    return stats
