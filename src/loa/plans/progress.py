"""A plan's progress figures, the reminders of tasks due, and the daily e-mail digest per agency."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa import mail
from loa.auth.models import User
from loa.clock import today_local
from loa.config import Settings
from loa.formats import vn_date
from loa.plans.access import can_see_task
from loa.plans.models import STATUSES, DigestSend, Plan, Task
from loa.plans.tasks import tasks_of_agency
from loa.text import sort_by

DUE_SOON_DAYS = 3


CHART_LINE_CHARS = 36  # what fits the label column of the plan page's chart (font size 11, 245 of 600 units)
CHART_LINES = 3


@dataclass
class Progress:
    label: str
    counts: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STATUSES})
    overdue: int = 0
    full: str = ""  # the whole text when ``label`` is shortened (a theme's opening words)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done_pct(self) -> float:
        return 100.0 * self.counts["done"] / self.total if self.total else 0.0

    def add(self, task: Task, today: date) -> None:
        self.counts[task.status] += 1
        self.overdue += task.overdue(today)


def overview(plan: Plan, today: date | None = None) -> dict:
    """Progress of a plan overall, by agency (and its chart laid out) and by theme, and its overdue tasks."""
    today = today or today_local()
    total, by_agency, by_theme = Progress("all"), {}, {}
    for task in plan.tasks:
        total.add(task, today)
        for agency in task.agencies or [None]:
            name = agency.name if agency else "—"
            by_agency.setdefault(name, Progress(name)).add(task, today)
        label = task.theme.label if task.theme else "—"
        by_theme.setdefault(label, Progress(label, full=task.theme.text if task.theme else "")).add(task, today)
    agencies = sorted(by_agency.values(), key=lambda p: p.label)
    return {
        "total": total,
        "by_agency": agencies,
        "chart": chart_rows(agencies),
        "by_theme": list(by_theme.values()),
        "overdue": [t for t in plan.tasks if t.overdue(today)],
    }


def wrap_label(text: str, width: int = CHART_LINE_CHARS, most: int = CHART_LINES) -> list[str]:
    """A chart label broken between words into lines of at most ``width`` characters (a longer word keeps a line
    of its own); past ``most`` lines the last one ends in "…" after a whole word. Never cut inside a word."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] += " …"
    return lines


def chart_rows(rows: list[Progress], line_height: int = 13, gap: int = 10) -> dict:
    """The plan page's bar chart laid out: per row its label's lines, top ``y`` and height ``h`` (a two-line label
    makes a taller row); ``height`` is where the legend goes."""
    out, y = [], 0
    for p in rows:
        lines = wrap_label(p.label)
        h = max(26, len(lines) * line_height + gap)
        out.append({"p": p, "lines": lines, "y": y, "h": h, "cut": " ".join(lines) != " ".join(p.label.split())})
        y += h
    return {"rows": out, "height": y}


def reminders(db: Session, user: User, today: date | None = None, days: int = DUE_SOON_DAYS) -> dict:
    """Open tasks overdue or due within ``days``: all for coordinators, the agency's for its members."""
    today = today or today_local()
    if user.has_role("coordinator", "viewer"):
        tasks = list(db.scalars(select(Task).where(Task.status != "done", Task.due_on.is_not(None))))
    elif user.agency_id:
        tasks = [t for t in tasks_of_agency(db, user.agency_id) if t.status != "done" and t.due_on]
    else:
        tasks = []
    tasks = [t for t in tasks if can_see_task(user, t)]  # not another district's own plan
    tasks.sort(key=lambda t: t.due_on)
    return {
        "overdue": [t for t in tasks if t.due_on < today],
        "due_soon": [t for t in tasks if today <= t.due_on <= today + timedelta(days=days)],
    }


def digests(db: Session, today: date | None = None) -> list[dict]:
    """Per agency, the daily digest: its overdue and due-soon tasks (agencies with nothing to remind are left out)."""
    today = today or today_local()
    out: dict[int, dict] = {}
    for task in db.scalars(select(Task).where(Task.status != "done", Task.due_on.is_not(None)).order_by(Task.due_on)):
        soon = task.due_on <= today + timedelta(DUE_SOON_DAYS)
        kind = "overdue" if task.due_on < today else "due_soon" if soon else ""
        for agency in task.agencies if kind else []:
            entry = out.setdefault(agency.id, {"agency": agency, "overdue": [], "due_soon": []})
            entry[kind].append(task)
    return sort_by(out.values(), lambda d: d["agency"].name)


def digest_text(entry: dict, today: date) -> str:
    lines = [f"Nhắc việc ngày {vn_date(today)} — {entry['agency'].name}", ""]
    for kind, heading in (("overdue", "Quá hạn"), ("due_soon", f"Sắp đến hạn (trong {DUE_SOON_DAYS} ngày)")):
        if entry[kind]:
            lines.append(f"{heading}:")
            lines += [f"- [{vn_date(t.due_on)}] {t.title} (#{t.id})" for t in entry[kind]]
            lines.append("")
    return "\n".join(lines).strip() + "\n"


@dataclass
class Delivery:
    """What became of one agency's digest: ``sent``, ``already_sent`` (today, by an earlier run) or ``failed``."""

    agency: str
    address: str
    status: str
    error: str = ""


def send_digests(db: Session, settings: Settings, today: date | None = None) -> list[Delivery]:
    """E-mail each agency with an address its digest, once a day, when SMTP is configured; without SMTP nothing
    is sent (the digests show in the app, reminders page).

    Each digest is recorded (``DigestSend``) before it is sent, so that running again on the same day sends only
    what was not sent, and a run beside it waits on that row and then fails on its uniqueness instead of sending
    twice. A message the server refuses is not recorded and is reported ``failed``; the others stay recorded."""
    today = today or today_local()
    if not settings.smtp_host:
        return []
    entries = [e for e in digests(db, today) if e["agency"].email]
    done = set(db.scalars(select(DigestSend.agency_id).where(DigestSend.day == today)))
    out = [Delivery(e["agency"].name, e["agency"].email, "already_sent") for e in entries if e["agency"].id in done]
    todo = [e for e in entries if e["agency"].id not in done]
    if not todo:
        return out
    with mail.connect(settings) as smtp:
        for entry in todo:
            agency = entry["agency"]
            try:
                with db.begin_nested():
                    db.add(DigestSend(day=today, agency_id=agency.id, address=agency.email))
                    db.flush()
                    smtp.send_message(digest_message(settings, entry, today))
            except mail.ERRORS as exc:
                out.append(Delivery(agency.name, agency.email, "failed", str(exc)[:300]))
            else:
                out.append(Delivery(agency.name, agency.email, "sent"))
    return out


def digest_message(settings: Settings, entry: dict, today: date) -> EmailMessage:
    return mail.message(
        settings, entry["agency"].email, f"[Loa] Nhắc việc kế hoạch ngày {vn_date(today)}", digest_text(entry, today)
    )
