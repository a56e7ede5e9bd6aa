"""Reading a plan document in, matching its bodies to the agency registry, and importing it as tasks."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.auth import service as auth
from loa.auth.models import Agency, User
from loa.clock import parse_date, today_local
from loa.config import Settings
from loa.content import service as content
from loa.errors import UserError
from loa.plans.dating import Dating, read_dating
from loa.plans.models import AgencyGroup, Plan, PlanItem, Task, TaskEvent
from loa.plans.parser import ParsedPlan, fold, parse_bytes
from loa.plans.tasks import need_coordinator

NEW = "new"  # choice for a body: create an agency of that name
ABBREVIATIONS = (
    ("mat tran to quoc", "mttq"),
    ("uy ban nhan dan", "ubnd"),
    ("thong tin va truyen thong", "tt&tt"),
    ("phat thanh - truyen hinh", "pt-th"),
)
PARTY_WORDS = ("tinh uy", "huyen uy", "thanh uy", "thi uy", "dang uy", "ban tuyen giao", "ban thuong vu")


# ---- matching bodies to the agency registry ----------------------------------------------------------------


def _key(name: str) -> str:
    key = fold(name)
    for long, short in ABBREVIATIONS:
        key = key.replace(long, short)
    return key


def _core(name: str) -> str:
    """An agency's distinctive part: "Ủy ban MTTQ Việt Nam tỉnh" → "mttq viet nam"."""
    key = _key(name)
    key = re.sub(r"^uy ban ", "", key)
    return re.sub(r" tinh$", "", key)


def match_body(agencies: list[Agency], body: str) -> list[Agency]:
    """The registry agencies a body names, diacritics- and case-insensitively; all districts for
    "Các huyện ủy, thị ủy, ..."; [] when unknown."""
    key = _key(body)
    exact = [a for a in agencies if key in (_key(a.name), _key(a.short_name))]
    if exact:
        return exact[:1]
    if key.startswith(("cac huyen", "cac huyen uy", "ubnd cac huyen")):
        return [a for a in agencies if a.kind == "district"]
    contained = [a for a in agencies if len(_core(a.name)) > 4 and f" {_core(a.name)} " in f" {key} "]
    return [max(contained, key=lambda a: len(_core(a.name)))] if contained else []


@dataclass
class BodyChoice:
    body: str
    matches: list[Agency] = field(default_factory=list)


def body_choices(db: Session, parsed: ParsedPlan) -> list[BodyChoice]:
    """Every distinct body of the plan's groups, with the agencies it matches."""
    agencies = [a for a in auth.list_agencies(db) if a.active]
    seen: dict[str, BodyChoice] = {}
    for group in parsed.agency_groups:
        for body in group.bodies:
            seen.setdefault(_key(body), BodyChoice(body, match_body(agencies, body)))
    return list(seen.values())


def guess_kind(name: str) -> str:
    key = fold(name)
    for words, kind in (
        (("bao ", "dai ", "truyen hinh"), "media"),
        (("y te", "benh vien", "kiem soat benh tat"), "health"),
        (("huyen", "thi xa", "thanh pho"), "district"),
        (PARTY_WORDS + ("ban chi dao",), "party"),
        (("mat tran", "hoi ", "doan ", "lien doan"), "mass_org"),
        (("so ", "ubnd", "uy ban"), "government"),
    ):
        if any(w in key for w in words):
            return kind
    return "other"


# ---- import -------------------------------------------------------------------------------------------------


def plan_hash(parsed: ParsedPlan) -> str:
    """The same plan read from any format or encoding has the same hash (import is idempotent)."""
    canonical = json.dumps(parsed.to_dict(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(fold(canonical).encode()).hexdigest()


def find_by_hash(db: Session, parsed: ParsedPlan) -> Plan | None:
    return db.scalar(select(Plan).where(Plan.content_hash == plan_hash(parsed)))


def read_plan(data: bytes, max_mb: int = 20) -> ParsedPlan:
    if not data:
        raise UserError("Chưa chọn tệp hoặc tệp rỗng.", "No file chosen, or the file is empty.", 422)
    if len(data) > max_mb * 1024 * 1024:
        raise UserError(f"Tệp quá lớn (tối đa {max_mb} MB).", f"The file is too large (at most {max_mb} MB).", 413)
    return parse_bytes(data)


def import_plan(
    db: Session,
    settings: Settings,
    parsed: ParsedPlan,
    user: User | None,
    *,
    source_name: str = "",
    choices: dict[str, list[int] | str] | None = None,
    create_unknown: bool = False,
    today: date | None = None,
) -> Plan:
    """Store a parsed plan; each duty becomes a task for its group's agencies.

    ``choices`` maps a body (as written) to agency ids or ``NEW`` (create it); bodies not in it take their
    registry matches, and unknown ones are created when ``create_unknown``, else left for assignment later."""
    if user is not None:
        need_coordinator(user)
    if find_by_hash(db, parsed):
        raise UserError("Kế hoạch này đã được nhập trước đây.", "This plan has already been imported.", 409)
    choices = {_key(k): v for k, v in (choices or {}).items()}
    province = auth.get_or_create_province(db, settings.province)
    resolved: dict[str, list[Agency]] = {}
    for choice in body_choices(db, parsed):
        key = _key(choice.body)
        wanted = choices.get(key, NEW if create_unknown and not choice.matches else None)
        if wanted == NEW:
            existing = [a for a in auth.list_agencies(db) if _key(a.name) == key]
            resolved[key] = existing or [auth.create_agency(db, province, choice.body, kind=guess_kind(choice.body))]
        elif isinstance(wanted, list):
            resolved[key] = [a for a in (db.get(Agency, int(i)) for i in wanted) if a is not None]
        else:
            resolved[key] = choice.matches
    plan = Plan(
        title=parsed.title,
        issuer=parsed.issuer,
        number=parsed.number,
        issued_on=parse_date(parsed.date) if parsed.date else None,
        preamble=parsed.preamble,
        cited_documents=[c.__dict__ for c in parsed.cited_documents],
        recipients=parsed.recipients,
        signer=parsed.signer.__dict__,
        source_name=source_name[:255],
        content_hash=plan_hash(parsed),
    )
    for i, text in enumerate(parsed.purposes):
        plan.items.append(PlanItem(kind="purpose", position=i + 1, text=text))
    themes = [PlanItem(kind="theme", position=i + 1, text=text) for i, text in enumerate(parsed.themes)]
    plan.items.extend(themes)
    start = today or today_local()
    reference = dating_reference(plan.issued_on, plan.cited_documents, start)
    position = 0
    for g, parsed_group in enumerate(parsed.agency_groups):
        group = AgencyGroup(position=g + 1, name=parsed_group.name, bodies=parsed_group.bodies)
        plan.groups.append(group)
        agencies = list({a.id: a for body in parsed_group.bodies for a in resolved.get(_key(body), [])}.values())
        for duty in parsed_group.duties:
            position += 1
            dated = read_dating(duty, reference)
            task = Task(
                group=group,
                position=position,
                text=duty,
                start_on=min(start, dated.due_on) if dated.due_on else start,  # an old plan's dates have passed
                agencies=agencies,
                theme=closest_theme(duty, themes),
                status="not_started",
                priority="normal",
                due_on=dated.due_on,
                recurrence=dated.recurrence,
            )
            detail = {"from_plan": dated.phrase} if dated else {}
            task.events.append(TaskEvent(user_id=user.id if user else None, kind="created", detail=detail))
            plan.tasks.append(task)
    db.add(plan)
    db.flush()
    for theme in themes:  # the plan's themes become content themes, so messages can be filed under them
        content.ensure_theme(db, f"{plan.title[:60]} · {theme.position}. {theme.label}"[:200], source=f"plan:{plan.id}")
    return plan


def dating_reference(issued_on: date | None, cited_documents: list[dict], today: date) -> date:
    """The day a duty's "trước 30/9" or "trong tháng 9" counts from: the plan's date, else its latest cited
    document's, else the import's."""
    cited = [parse_date(c["date"]) for c in cited_documents if c.get("date")]
    return issued_on or max((d for d in cited if d), default=today)


def duty_datings(parsed: ParsedPlan, today: date | None = None) -> list[list[Dating]]:
    """Per agency group, what each duty's words say of its due date and repetition (the import preview shows it)."""
    issued_on = parse_date(parsed.date) if parsed.date else None
    reference = dating_reference(issued_on, [c.__dict__ for c in parsed.cited_documents], today or today_local())
    return [[read_dating(duty, reference) for duty in group.duties] for group in parsed.agency_groups]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", fold(text)) if len(w) > 2}


def closest_theme(duty: str, themes: list[PlanItem]) -> PlanItem | None:
    """The theme sharing most words with the duty (Jaccard ≥ 0.08), else none."""
    words = _words(duty)
    scored = [(len(words & _words(t.text)) / (len(words | _words(t.text)) or 1), t) for t in themes]
    best = max(scored, key=lambda s: s[0], default=(0, None))
    return best[1] if best[0] >= 0.08 else None
