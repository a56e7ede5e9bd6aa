"""The situation room and the periodic report with a year of activity, on SQLite and PostgreSQL.

    python bench/situation_room.py [--days 365] [--json] [--backends sqlite,postgresql] [--repeat 20]
                                   [--admin-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Each backend gets a fresh database (SQLite in a temporary directory; PostgreSQL created through the admin URL and
dropped afterwards) with the demo province (``loa demo``), then ``--days`` of generated activity before today,
written in bulk: 300 more plan tasks with their history and 3,000 progress reports, 20,000 content schedules of
5,000 items, listening daily counts standing for 3,000,000 posts plus 50,000 stored stories and 150 alerts, 2,000
citizens' questions (a third answered at once from the FAQ), 300 claims with 3,000 sightings, and the plays of 30
communes' players (three a day). Scaled with ``--days``.

Timed: ``situation.service.collect`` for this week, the last month and the whole span (p50/p95 of ``--repeat``
runs for the week); when the room's page and report exist, ``GET /dieu-hanh`` (this week, a logged-in leader,
p95 of ``--repeat``) and the last month's report rendered as DOCX and as PDF. ``--json`` prints
``{"<backend>": {"collect_ms_p95", "collect_month_ms", "collect_year_ms", "room_ms_p95", "report_docx_s",
"report_pdf_s", "rows": {...}}}``. Targets (issue 19): room p95 ≤ 2,000 ms, report ≤ 20 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("LOA_SEMANTIC", "0")

from listening_workers import _admin  # noqa: E402  (creates and drops the bench databases)

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCALE = {  # per 365 days
    "tasks": 300,
    "reports": 3000,
    "items": 5000,
    "schedules": 20000,
    "posts": 3_000_000,
    "stored": 50000,
    "alerts": 150,
    "questions": 2000,
    "claims": 300,
    "sightings": 3000,
}


def _bulk(db, model, rows: list[dict], batch: int = 5000) -> int:
    from sqlalchemy import insert

    for i in range(0, len(rows), batch):
        db.execute(insert(model), rows[i : i + batch])
    return len(rows)


def generate(db, days: int, today: date, rnd: random.Random) -> dict:
    """A year (``days``) of activity before ``today``, written in bulk (no audit rows: machine data)."""
    from sqlalchemy import func, select, text

    from loa.answers.models import FaqEntry, FaqHit, QuestionGroup, UnansweredQuestion
    from loa.auth.models import Agency, User
    from loa.channels.models import Commune, Device, Play
    from loa.claims.models import Claim, ClaimAppearance, ClaimEvent
    from loa.clock import LOCAL
    from loa.content.models import Channel, ContentItem, Schedule, Theme, item_themes
    from loa.listening.models import Alert, DailyCount, Item
    from loa.plans.models import AgencyGroup, Plan, PlanItem, ProgressReport, Task, TaskAgency, TaskEvent

    k = days / 365
    n = {key: max(1, round(v * k)) for key, v in SCALE.items()}
    start = today - timedelta(days=days)

    def moment(lo: date = start, hi: date = today) -> datetime:
        span = max(1, (hi - lo).days) * 86400
        local = datetime.combine(lo, datetime.min.time(), tzinfo=LOCAL) + timedelta(seconds=rnd.randrange(span))
        return local.astimezone(UTC)

    rows: dict[str, int] = {}
    author = db.scalar(select(User.id).order_by(User.id))
    agencies = list(db.scalars(select(Agency.id)))
    # plans: tasks of the demo plan's groups and themes, each with its history, and progress reports
    plan = db.scalar(select(Plan).where(Plan.agency_id.is_(None)).order_by(Plan.id))
    groups = list(db.scalars(select(AgencyGroup.id).where(AgencyGroup.plan_id == plan.id)))
    themes = list(db.scalars(select(PlanItem.id).where(PlanItem.plan_id == plan.id, PlanItem.kind == "theme")))
    first = (db.scalar(select(func.max(Task.id))) or 0) + 1
    tasks, links, events = [], [], []
    for i in range(n["tasks"]):
        created = moment()
        steps, status, at = [], "not_started", created
        for to in ("in_progress", "done"):
            if rnd.random() < 0.6:
                at = at + timedelta(days=rnd.randint(1, 40))
                if at.date() >= today:
                    break
                steps.append({"task_id": first + i, "at": at, "kind": "changed", "detail": {"status": [status, to]}})
                status = to
        due = (created + timedelta(days=rnd.randint(7, 90))).date()
        tasks.append(
            dict(
                id=first + i,
                plan_id=plan.id,
                group_id=rnd.choice(groups),
                theme_id=rnd.choice(themes + [None]),
                position=1000 + i,
                text=f"Nhiệm vụ sinh thêm số {i + 1}",
                status=status,
                due_on=due,
                created_at=created,
                updated_at=at,
            )
        )
        links += [{"task_id": first + i, "agency_id": a} for a in rnd.sample(agencies, rnd.randint(1, 3))]
        events += steps
    rows["tasks"] = _bulk(db, Task, tasks)
    _bulk(db, TaskAgency, links)
    rows["task_events"] = _bulk(db, TaskEvent, events)
    reports = []
    for _ in range(n["reports"]):
        t = rnd.choice(tasks)
        reports.append(dict(task_id=t["id"], agency_id=rnd.choice(agencies), text="Đã triển khai", created_at=moment()))
    rows["progress_reports"] = _bulk(db, ProgressReport, reports)
    # content: items and their schedules on every channel, mostly published
    channels = list(db.scalars(select(Channel.id)))
    theme_ids = list(db.scalars(select(Theme.id)))
    first = (db.scalar(select(func.max(ContentItem.id))) or 0) + 1
    items, tagged, slots = [], [], []
    for i in range(n["items"]):
        created = moment()
        items.append(
            dict(
                id=first + i,
                kind="article",
                title=f"Tin sinh thêm {i}",
                slug=f"bench-{i}",
                body="…",
                state="published",
                author_id=author,
                epidemic_related=rnd.random() < 0.6,
                tone=rnd.choice(["hopeful", "neutral", "alarming"]),
                created_at=created,
                updated_at=created,
                published_at=created,
            )
        )
        tagged.append({"item_id": first + i, "theme_id": rnd.choice(theme_ids)})
    for i in range(n["schedules"]):
        item = items[i % len(items)]
        at = item["created_at"] + timedelta(hours=rnd.randint(0, 72))
        status = "published" if rnd.random() < 0.9 and at.date() < today else "missed"
        slots.append(
            dict(
                item_id=item["id"],
                channel_id=rnd.choice(channels),
                planned_at=at,
                status=status,
                published_at=at if status == "published" else None,
                created_at=item["created_at"],
                updated_at=at,
            )
        )
    rows["content_items"] = _bulk(db, ContentItem, items)
    db.execute(item_themes.insert(), tagged)
    rows["content_schedules"] = _bulk(db, Schedule, slots)
    # listening: daily counts for every day and topic (topic 0: all), stored stories, alerts
    have = set(db.execute(select(DailyCount.day, DailyCount.topic)).all())
    counts, per_day = [], n["posts"] // days
    for d in range(days):
        day = start + timedelta(days=d)
        total = int(per_day * rnd.uniform(0.7, 1.3))
        shares = [rnd.random() ** 3 for _ in range(41)]
        for topic in range(42):
            items_n = total if topic == 0 else int(total * shares[topic - 1] / sum(shares))
            if (day, topic) not in have:
                counts.append(
                    dict(
                        day=day,
                        topic=topic,
                        items=items_n,
                        reach=items_n * 3,
                        questions=items_n // 10,
                        concerns=items_n // 8,
                        negative=items_n // 5,
                        claims=items_n // 50,
                    )
                )
    rows["listening_daily"] = _bulk(db, DailyCount, counts)
    stories = []
    for i in range(n["stored"]):
        at = moment()
        stories.append(
            dict(
                published_at=at,
                day=at.astimezone(LOCAL).date(),
                text=f"Bài đăng số {i} về tiêm chủng",
                exact_hash=hashlib.sha1(f"bench-{i}".encode()).hexdigest(),
                minhash=b"\0" * 16,
                subcategories=[rnd.randint(1, 41)],
                created_at=at,
            )
        )
    rows["listening_items"] = _bulk(db, Item, stories)
    taken = set(db.execute(select(Alert.topic, Alert.day)).all())
    alerts = []
    while len(alerts) < n["alerts"]:
        topic, day = rnd.randint(1, 41), start + timedelta(days=rnd.randrange(days))
        if (topic, day) in taken:
            continue
        taken.add((topic, day))
        raised = datetime.combine(day, datetime.min.time(), tzinfo=LOCAL).astimezone(UTC) + timedelta(hours=20)
        closed = rnd.random() < 0.7
        alerts.append(
            dict(
                topic=topic,
                day=day,
                count=rnd.randint(20, 90),
                baseline=8.0,
                p_value=0.001,
                evidence={},
                status="done" if closed else "open",
                created_at=raised,
                updated_at=raised + timedelta(days=rnd.randint(1, 5)) if closed else raised,
            )
        )
    rows["listening_alerts"] = _bulk(db, Alert, alerts)
    # questions: a third answered at once from the FAQ, the rest queued in groups, half of them answered since
    entry = db.scalar(select(FaqEntry.id).where(FaqEntry.status == "approved").order_by(FaqEntry.id))
    hits = n["questions"] // 3
    _bulk(
        db,
        FaqHit,
        [dict(answered_at=moment(), channel=rnd.choice(["web", "zalo", "sms"]), entry_id=entry) for _ in range(hits)],
    )
    first = (db.scalar(select(func.max(QuestionGroup.id))) or 0) + 1
    group_rows, asked = [], []
    for g in range(n["questions"] // 5):
        created = moment()
        answered = rnd.random() < 0.5 and created + timedelta(days=3) < datetime.now(UTC)
        group_rows.append(
            dict(
                id=first + g,
                text=f"Câu hỏi nhóm {g}",
                count=0,
                status="answered" if answered else "open",
                last_asked_at=created,
                entry_id=entry if answered else None,
                closed_at=created + timedelta(days=rnd.uniform(0.5, 3)) if answered else None,
                created_at=created,
                updated_at=created,
            )
        )
    for q in range(n["questions"] - hits):
        group = group_rows[q % len(group_rows)]
        at = group["created_at"] + timedelta(hours=rnd.uniform(0, 10))
        group["count"] += 1
        asked.append(dict(group_id=group["id"], text="Hỏi", asked_at=at, channel=rnd.choice(["web", "zalo", "sms"])))
    _bulk(db, QuestionGroup, group_rows)
    rows["questions"] = _bulk(db, UnansweredQuestion, asked) + hits
    # claims: sighted, a third published after a few days
    first = (db.scalar(select(func.max(Claim.id))) or 0) + 1
    claim_rows, claim_events, sightings = [], [], []
    for c in range(n["claims"]):
        seen = moment()
        published = seen + timedelta(hours=rnd.uniform(2, 120)) if rnd.random() < 0.33 else None
        if published and published >= datetime.now(UTC):
            published = None
        claim_rows.append(
            dict(
                id=first + c,
                key=f"bench-{c}",
                text=f"Tin đồn sinh thêm {c}",
                status="published" if published else "new",
                first_seen_at=seen,
                published_at=published,
                created_at=seen,
                updated_at=seen,
            )
        )
        claim_events.append(dict(claim_id=first + c, from_status="", to_status="new", at=seen))
        if published:
            claim_events.append(dict(claim_id=first + c, from_status="concluded", to_status="published", at=published))
    for _ in range(n["sightings"]):
        claim = rnd.choice(claim_rows)
        sightings.append(
            dict(
                claim_id=claim["id"],
                origin="listening",
                text="…",
                decision="match",
                kind=rnd.choice(["assertion"] * 4 + ["question"]),
                seen_at=moment(claim["created_at"].date()),
            )
        )
    rows["claims"] = _bulk(db, Claim, claim_rows)
    _bulk(db, ClaimEvent, claim_events)
    rows["claim_sightings"] = _bulk(db, ClaimAppearance, sightings)
    # loudspeakers: a player in 30 communes, three plays a day each
    communes = list(db.scalars(select(Commune.id).order_by(Commune.id).limit(30)))
    item_ids = [i["id"] for i in items[:50]]
    plays = []
    for c in communes:
        device = Device(commune_id=c, name="Bench", key_hash=uuid.uuid4().hex * 2, poll_seconds=60)
        db.add(device)
        db.flush()
        for d in range(days):
            for hour in (6, 11, 17):
                begin = datetime.combine(start + timedelta(days=d), datetime.min.time(), tzinfo=LOCAL) + timedelta(
                    hours=hour
                )
                if begin.date() >= today:
                    continue
                plays.append(
                    dict(
                        device_id=device.id,
                        commune_id=c,
                        item_id=rnd.choice(item_ids),
                        started_at=begin,
                        ended_at=begin + timedelta(seconds=rnd.randint(60, 300)),
                        complete=True,
                        received_at=begin + timedelta(minutes=10),
                    )
                )
    rows["plays"] = _bulk(db, Play, plays)
    if db.get_bind().dialect.name == "postgresql":  # rows written with their ids: move the id sequences on
        for table in ("plan_tasks", "content_items", "answer_question_groups", "claims"):
            db.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    db.commit()
    return rows


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def run(backend: str, days: int, repeat: int, admin_url: str) -> dict:
    from sqlalchemy import make_url

    from loa import clock, demo
    from loa.config import Settings
    from loa.db import dispose_engines, session_factory, upgrade
    from loa.situation import service

    tmp = Path(tempfile.mkdtemp(prefix="loa-bench-room-"))
    name = f"loa_bench_{uuid.uuid4().hex[:10]}"
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'loa.sqlite3'}"
    else:
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        _admin(admin_url, f'CREATE DATABASE "{name}"')
    out: dict = {}
    try:
        t0 = time.perf_counter()
        upgrade(url)
        settings = Settings(
            data_dir=tmp / "data",
            database_url=url,
            secret_key="bench-secret",
            province="Trà Vinh",
            broker_url="immediate",
            argon2_time_cost=1,
            argon2_memory_kib=8192,
        ).prepare()
        db = session_factory(url)()
        db.info.update(source="bench", actor_name="bench")
        demo.seed(db, settings)
        db.commit()
        out["seed_s"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        today = clock.today_local()
        out["rows"] = generate(db, days, today, random.Random(19))
        out["generate_s"] = round(time.perf_counter() - t0, 1)
        week = service.default_period(today)
        month = (today - timedelta(days=30), today)
        timings = []
        for _ in range(repeat):
            db.expire_all()
            t0 = time.perf_counter()
            service.collect(db, *week)
            timings.append((time.perf_counter() - t0) * 1000)
            db.rollback()
        out["collect_ms_p50"], out["collect_ms_p95"] = round(_p(timings, 0.5)), round(_p(timings, 0.95))
        for key, period in (("collect_month_ms", month), ("collect_year_ms", (today - timedelta(days=days), today))):
            t0 = time.perf_counter()
            service.collect(db, *period)
            out[key] = round((time.perf_counter() - t0) * 1000)
            db.rollback()
        report = _module("loa.situation.report")
        if _module("loa.situation.views") is not None:
            try:
                out["room_ms_p95"], out["room_ms_p50"] = _room(settings, repeat)
            except Exception as exc:  # the page is another helper's, still being built: say so, go on
                out["room_error"] = f"{type(exc).__name__}: {exc}"[:200]
        if report is not None and hasattr(report, "render"):
            for fmt in ("docx", "pdf"):
                t0 = time.perf_counter()
                try:
                    data = report.render(db, *month, fmt)
                except Exception as exc:
                    out[f"report_{fmt}_error"] = f"{type(exc).__name__}: {exc}"[:200]
                    db.rollback()
                    continue
                out[f"report_{fmt}_s"] = round(time.perf_counter() - t0, 2)
                out[f"report_{fmt}_bytes"] = len(data)
                db.rollback()
        db.close()
    finally:
        dispose_engines()
        if backend == "postgresql":
            _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def _module(name: str):
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _room(settings, repeat: int) -> tuple[int, int]:
    """p95 and p50 of ``GET /dieu-hanh`` (this week) for the demo's leader, in milliseconds."""
    import re

    from fastapi.testclient import TestClient

    from loa.demo import DEMO_PASSWORD, USERS
    from loa.web.app import create_app

    leader = next(u for u, _n, roles, _a in USERS if "leader" in roles)
    with TestClient(create_app(settings, migrate=False)) as c:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
        r = c.post(
            "/login", data={"username": leader, "password": DEMO_PASSWORD, "csrf_token": token}, follow_redirects=False
        )
        assert r.status_code == 303, r.text
        timings = []
        for _ in range(repeat + 1):
            t0 = time.perf_counter()
            r = c.get("/dieu-hanh")
            timings.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.status_code
    timings = timings[1:]  # the first request also loads the templates
    return round(_p(timings, 0.95)), round(_p(timings, 0.5))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {}
    for backend in args.backends.split(","):
        print(f"{backend}: seeding the demo and {args.days} days of activity…", file=sys.stderr, flush=True)
        results[backend] = run(backend, args.days, args.repeat, args.admin_url)
    keys = [
        "seed_s",
        "generate_s",
        "collect_ms_p50",
        "collect_ms_p95",
        "collect_month_ms",
        "collect_year_ms",
        "room_ms_p50",
        "room_ms_p95",
        "report_docx_s",
        "report_pdf_s",
    ]
    print(f"{'':22}" + "".join(f"{b:>14}" for b in results))
    for key in keys:
        print(f"{key:22}" + "".join(f"{str(r.get(key, '—')):>14}" for r in results.values()))
    first = next(iter(results.values()))
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in first["rows"].items()))
    for backend, r in results.items():
        for key, error in r.items():
            if key.endswith("_error"):
                print(f"{backend} {key}: {error}")
    if args.json:
        print(json.dumps(results))
    ok = all(
        r.get("room_ms_p95", r["collect_ms_p95"]) <= 2000 and r.get("report_pdf_s", 0) <= 20 for r in results.values()
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
