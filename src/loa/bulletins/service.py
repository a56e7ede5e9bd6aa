"""Statistics imports (all-or-nothing, idempotent by content hash), series, 7-day averages, rates, regional
comparison, and the Vietnamese bulletin draft handed to the content workflow."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from loa.bulletins.gazetteer import NATIONAL, Unit, gazetteer
from loa.bulletins.importer import Analysis, analyse, daily_values
from loa.bulletins.models import Bulletin, StatImport, StatPoint
from loa.bulletins.stats import WINDOW, moving_average, series
from loa.config import Settings
from loa.content import service as content
from loa.errors import UserError
from loa.formats import vn_date, vn_long_date, vn_number, vn_percent
from loa.text import sort_key

# ---- units ----------------------------------------------------------------------------------------------


def unit_or_404(code_or_name: str, within: str | None = None) -> Unit:
    """The unit for a code or any name variant; a clear error (with suggestions) otherwise."""
    g = gazetteer()
    unit = g.resolve(code_or_name, within=within)
    if unit is None:
        hints = ", ".join(u.name for u in g.suggest(code_or_name))
        raise UserError(
            f"Không nhận ra đơn vị hành chính “{code_or_name}”." + (f" Có phải: {hints}?" if hints else ""),
            f"Unknown administrative unit “{code_or_name}”." + (f" Did you mean: {hints}?" if hints else ""),
            404,
        )
    return unit


def home_unit(province_name: str) -> Unit | None:
    """The unit of the province this instance serves (settings.province)."""
    return gazetteer().resolve(province_name)


def home_code(province_name: str) -> str | None:
    """The code of the province this instance serves: unit names in files are looked for there first."""
    home = home_unit(province_name)
    return home.code if home else None


# ---- import ---------------------------------------------------------------------------------------------


def check_size(content: bytes, max_mb: int) -> None:
    if len(content) > max_mb * 1024 * 1024:
        raise UserError(f"Tệp quá lớn (tối đa {max_mb} MB).", f"The file is too large (at most {max_mb} MB).", 413)


def preview(
    db: Session,
    content: bytes,
    filename: str,
    mode: str | None = None,
    metric: str = "cases",
    within: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Analysis, StatImport | None]:
    """The validation report of a file, and the earlier import of the very same bytes if there is one
    (``progress``: see ``importer.analyse``)."""
    analysis = analyse(content, filename, mode, metric, within, progress)
    return analysis, db.scalar(select(StatImport).where(StatImport.content_hash == analysis.content_hash))


def import_stats(
    db: Session,
    content: bytes,
    filename: str,
    *,
    mode: str | None = None,
    metric: str = "cases",
    accepted: set[str] | bool = frozenset(),
    user=None,
    within: str | None = None,
) -> tuple[StatImport, bool]:
    """Check a file and store it (see ``store``)."""
    analysis, earlier = preview(db, content, filename, mode, metric, within)
    return store(db, analysis, earlier, accepted, user)


def store(
    db: Session, analysis: Analysis, earlier: StatImport | None, accepted: set[str] | bool = frozenset(), user=None
) -> tuple[StatImport, bool]:
    """Store a checked file's values once every warning is accepted (``accepted=True`` accepts all) and it has
    no error. Returns (import, created); the same bytes imported again return the first import unchanged."""
    if earlier is not None:
        return earlier, False
    refused = refusal([p.as_dict() for p in analysis.problems], accepted)
    if refused:
        raise refused
    if not analysis.series:
        raise UserError("Tệp không có giá trị nào để lưu.", "The file holds no values to store.", 422)
    days = analysis.days
    record = StatImport(
        filename=analysis.filename[:255],
        content_hash=analysis.content_hash,
        layout=analysis.layout,
        mode=analysis.mode,
        metrics=analysis.metrics,
        units=analysis.units,
        first_day=days[0],
        last_day=days[-1],
        points=sum(len(v) for v in analysis.series.values()),
        accepted=[p.id for p in analysis.warnings],
        created_by_id=getattr(user, "id", None),
    )
    db.add(record)
    db.flush()
    rows = []
    for (unit, metric_), values in analysis.series.items():
        rows.extend(_points(db, unit, metric_, values, analysis.mode, record.id))
    for (unit, metric_), values in analysis.series.items():
        db.execute(
            delete(StatPoint).where(
                StatPoint.unit_code == unit, StatPoint.metric == metric_, StatPoint.day.in_(list(values))
            )
        )
    for start in range(0, len(rows), 2000):
        db.execute(insert(StatPoint), rows[start : start + 2000])
    return record, True


def refusal(problems: list[dict], accepted: set[str] | bool) -> UserError | None:
    """Why a checked file (its problems, as in ``Analysis.summary``) may not be stored yet: errors, or warnings
    not accepted (``accepted=True`` accepts all). None when it may."""
    errors = [p for p in problems if p["severity"] == "error"]
    if errors:
        return UserError(
            "Tệp có lỗi phải sửa trước khi nhập; chưa có gì được lưu.",
            "The file has errors to fix before importing; nothing was stored.",
            422,
            errors,
        )
    open_ = [p for p in problems if p["severity"] == "warning" and accepted is not True and p["id"] not in accepted]
    if open_:
        return UserError(
            f"Còn {len(open_)} cảnh báo chưa được chấp nhận; chưa có gì được lưu.",
            f"{len(open_)} warnings are not accepted yet; nothing was stored.",
            422,
            open_,
        )
    return None


def _points(db: Session, unit: str, metric: str, values: dict[date, int], mode: str, import_id: int) -> list[dict]:
    """Rows for one series, joined to the stored day before it (so the first day's change is known)."""
    first = min(values)
    before = db.scalar(
        select(StatPoint).where(
            StatPoint.unit_code == unit, StatPoint.metric == metric, StatPoint.day == first - timedelta(days=1)
        )
    )
    rows = []
    if mode == "cumulative":
        daily = daily_values(values, mode)
        if before is not None and before.total is not None:
            daily[first] = values[first] - before.total
        for day in sorted(values):
            rows.append(
                dict(unit_code=unit, metric=metric, day=day, daily=daily[day], total=values[day], import_id=import_id)
            )
    else:
        running = before.total if before is not None and before.total is not None else 0
        for day in sorted(values):
            running += values[day]
            rows.append(
                dict(unit_code=unit, metric=metric, day=day, daily=values[day], total=running, import_id=import_id)
            )
    return rows


def list_imports(db: Session, limit: int = 20) -> list[StatImport]:
    return list(db.scalars(select(StatImport).order_by(StatImport.id.desc()).limit(limit)))


# ---- series ---------------------------------------------------------------------------------------------


def units_with_data(db: Session) -> list[dict]:
    """Every unit with stored cases: its latest day and figures."""
    rows = db.execute(
        select(StatPoint.unit_code, func.max(StatPoint.day))
        .where(StatPoint.metric == "cases")
        .group_by(StatPoint.unit_code)
    ).all()
    out = []
    g = gazetteer()
    for code, last in rows:
        point = db.scalar(
            select(StatPoint).where(StatPoint.unit_code == code, StatPoint.metric == "cases", StatPoint.day == last)
        )
        unit = g.get(code)
        if unit:
            out.append({"unit": unit, "day": last, "daily": point.daily, "total": point.total})
    return sorted(out, key=lambda r: (r["unit"].level != "national", sort_key(r["unit"].name)))


def latest_day(db: Session, unit: str) -> date | None:
    return db.scalar(select(func.max(StatPoint.day)).where(StatPoint.unit_code == unit, StatPoint.metric == "cases"))


def latest_vaccination_day(db: Session, unit: str, day: date) -> date | None:
    """The last day up to ``day`` with a first-dose vaccination total for the unit (it may lag the cases)."""
    return db.scalar(
        select(func.max(StatPoint.day)).where(
            StatPoint.unit_code == unit,
            StatPoint.metric == "vaccinated_1",
            StatPoint.day <= day,
            StatPoint.total.is_not(None),
        )
    )


# ---- bulletin figures -----------------------------------------------------------------------------------


def per_100k(count: float | None, population: int | None) -> float | None:
    return None if count is None or not population else count * 100_000 / population


@dataclass
class Figures:
    """Everything a bulletin states for a unit and day (None where the data do not say)."""

    unit: Unit
    day: date
    new_cases: int | None = None
    new_yesterday: int | None = None
    avg7: float | None = None
    total_cases: int | None = None
    week_cases: int | None = None
    total_per_100k: float | None = None
    week_per_100k: float | None = None
    recoveries: int | None = None
    recoveries_total: int | None = None
    deaths: int | None = None
    deaths_total: int | None = None
    dose1_total: int | None = None
    dose2_total: int | None = None
    dose1_pct: float | None = None
    dose2_pct: float | None = None
    region: str = ""
    region_week_per_100k: float | None = None
    region_rank: int | None = None
    region_size: int = 0
    national_week_per_100k: float | None = None


def _point(db: Session, unit: str, metric: str, day: date) -> StatPoint | None:
    return db.scalar(
        select(StatPoint).where(StatPoint.unit_code == unit, StatPoint.metric == metric, StatPoint.day == day)
    )


def _latest_total(db: Session, unit: str, metric: str, day: date) -> int | None:
    """The running total on ``day``, or the last known one before it (vaccination is not counted every day)."""
    return db.scalar(
        select(StatPoint.total)
        .where(
            StatPoint.unit_code == unit, StatPoint.metric == metric, StatPoint.day <= day, StatPoint.total.is_not(None)
        )
        .order_by(StatPoint.day.desc())
        .limit(1)
    )


def week_cases(db: Session, unit: str, day: date) -> int | None:
    """New cases over the 7 days ending on ``day`` (None when a day is missing)."""
    daily = {
        p.day: p.daily
        for p in db.scalars(
            select(StatPoint).where(
                StatPoint.unit_code == unit,
                StatPoint.metric == "cases",
                StatPoint.day.between(day - timedelta(days=WINDOW - 1), day),
            )
        )
    }
    avg = moving_average(daily, day)
    return None if avg is None else round(avg * WINDOW)


def figures(db: Session, unit: Unit, day: date, compare: bool = True) -> Figures:
    """The bulletin's figures for ``unit`` on ``day`` (with ``compare``, against its region and the country);
    404 when no case count is stored for that day."""
    today = _point(db, unit.code, "cases", day)
    if today is None:
        raise UserError(
            f"Chưa có số liệu ca mắc của {unit.name} ngày {vn_date(day)}.",
            f"No case data for {unit.name} on {day}.",
            404,
        )
    cases = {p.day: p.daily for p in series(db, unit.code, "cases", until=day)}
    f = Figures(
        unit=unit,
        day=day,
        new_cases=today.daily,
        total_cases=today.total,
        new_yesterday=cases.get(day - timedelta(days=1)),
        avg7=moving_average(cases, day),
    )
    f.week_cases = None if f.avg7 is None else round(f.avg7 * WINDOW)
    f.total_per_100k = per_100k(f.total_cases, unit.population)
    f.week_per_100k = per_100k(f.week_cases, unit.population)
    rec, dead = _point(db, unit.code, "recoveries", day), _point(db, unit.code, "deaths", day)
    f.recoveries, f.recoveries_total = (rec.daily, rec.total) if rec else (None, None)
    f.deaths, f.deaths_total = (dead.daily, dead.total) if dead else (None, None)
    f.dose1_total = _latest_total(db, unit.code, "vaccinated_1", day)
    f.dose2_total = _latest_total(db, unit.code, "vaccinated_2", day)
    if unit.population:
        f.dose1_pct = None if f.dose1_total is None else f.dose1_total * 100 / unit.population
        f.dose2_pct = None if f.dose2_total is None else f.dose2_total * 100 / unit.population
    if compare:
        _compare(db, f)
    return f


def _compare(db: Session, f: Figures) -> None:
    """The region's 7-day incidence (provinces with data on that day), the unit's rank in it, the country's."""
    g = gazetteer()
    if f.unit.level == "province":
        f.region = g.regions[f.unit.region].name
        rates = {}
        for p in g.region_provinces(f.unit.region):
            week = week_cases(db, p.code, f.day)
            if week is not None:
                rates[p.code] = (week, p.population)
        if len(rates) > 1 and f.unit.code in rates:
            f.region_week_per_100k = per_100k(sum(w for w, _p in rates.values()), sum(p for _w, p in rates.values()))
            ordered = sorted(rates, key=lambda c: rates[c][0] / rates[c][1], reverse=True)
            f.region_rank, f.region_size = ordered.index(f.unit.code) + 1, len(ordered)
    if f.unit.code != NATIONAL:
        f.national_week_per_100k = per_100k(week_cases(db, NATIONAL, f.day), g.get(NATIONAL).population)


# ---- the text -------------------------------------------------------------------------------------------


def _n(value: float | None, decimals: int = 0) -> str:
    return vn_number(value, decimals) if value is not None else "—"


def _compare_words(value: float, reference: float, decimals: int = 0) -> str:
    diff = value - reference
    if round(diff, decimals) == 0:
        return "bằng"
    return f"{'tăng' if diff > 0 else 'giảm'} {vn_number(abs(diff), decimals)} ca so với"


def where(unit: Unit) -> str:
    """The unit as written inside a sentence: "tỉnh Trà Vinh", "thành phố Cần Thơ", "cả nước"."""
    name = unit.full_name if unit.level != "national" else "cả nước"
    return name[0].lower() + name[1:]


def title(unit: Unit, day: date) -> str:
    return f"Bản tin tình hình dịch COVID-19 {where(unit)} ngày {vn_date(day)}"


def draft_text(f: Figures, source: str = "") -> str:
    """The Vietnamese bulletin in Markdown: recoveries and vaccination first, then new cases against yesterday
    and the 7-day average, totals and rates per 100.000 inhabitants, and the comparison with the region."""
    name = where(f.unit)
    lines = [f"# {title(f.unit, f.day)}", "", f"*{f.unit.name}, {vn_long_date(f.day)}*", ""]
    good = []
    if f.recoveries is not None:
        good.append(
            f"Trong ngày có **{_n(f.recoveries)} người khỏi bệnh**"
            + (f", nâng tổng số người khỏi bệnh lên {_n(f.recoveries_total)}" if f.recoveries_total else "")
            + (
                f" ({vn_percent(f.recoveries_total * 100 / f.total_cases)} tổng số ca mắc)"
                if f.recoveries_total and f.total_cases
                else ""
            )
            + "."
        )
    if f.dose1_pct is not None:
        sentence = (
            f"Đến nay đã có **{vn_percent(f.dose1_pct)} dân số** ({_n(f.dose1_total)} người) được tiêm ít "
            "nhất 1 mũi vắc xin"
        )
        if f.dose2_pct is not None:
            sentence += f", {vn_percent(f.dose2_pct)} ({_n(f.dose2_total)} người) đã tiêm đủ 2 mũi"
        good.append(sentence + ".")
    lines += [
        "## Điều trị và tiêm chủng",
        "",
        " ".join(good) if good else "Chưa có số liệu khỏi bệnh và tiêm chủng cho ngày này.",
        "",
    ]
    lines += ["## Ca mắc mới", ""]
    today = f"Ngày {vn_date(f.day)}, {name} ghi nhận **{_n(f.new_cases)} ca mắc mới**"
    parts = []
    if f.new_cases is not None and f.new_yesterday is not None:
        parts.append(f"{_compare_words(f.new_cases, f.new_yesterday)} ngày hôm trước ({_n(f.new_yesterday)} ca)")
    if f.new_cases is not None and f.avg7 is not None:
        word = "cao hơn" if f.new_cases > f.avg7 else "thấp hơn" if f.new_cases < f.avg7 else "bằng"
        parts.append(f"{word} mức trung bình 7 ngày qua ({_n(f.avg7, 1)} ca/ngày)")
    lines += [today + (", " + " và ".join(parts) if parts else "") + ".", ""]
    totals = [
        f"Tổng số ca mắc từ đầu đợt dịch: **{_n(f.total_cases)} ca**"
        + (f", tương đương {_n(f.total_per_100k, 1)} ca/100.000 dân" if f.total_per_100k is not None else "")
        + "."
    ]
    if f.week_cases is not None:
        totals.append(
            f"Trong 7 ngày qua có {_n(f.week_cases)} ca"
            + (f" ({_n(f.week_per_100k, 1)} ca/100.000 dân)" if f.week_per_100k is not None else "")
            + "."
        )
    if f.deaths is not None:
        totals.append(f"Tử vong trong ngày: {_n(f.deaths)}; cộng dồn: {_n(f.deaths_total)}.")
    lines += [" ".join(totals), ""]
    compare = []
    if f.region_week_per_100k is not None and f.week_per_100k is not None:
        word = (
            "cao hơn"
            if f.week_per_100k > f.region_week_per_100k
            else "thấp hơn"
            if f.week_per_100k < f.region_week_per_100k
            else "bằng"
        )
        compare.append(
            f"Tỷ lệ mắc mới 7 ngày qua của tỉnh ({_n(f.week_per_100k, 1)} ca/100.000 dân) {word} mức chung "
            f"của vùng {f.region} ({_n(f.region_week_per_100k, 1)} ca/100.000 dân); tỉnh đứng thứ "
            f"{f.region_rank}/{f.region_size} tỉnh, thành phố trong vùng (xếp từ cao xuống thấp)."
        )
    if f.national_week_per_100k is not None:
        compare.append(f"Cả nước: {_n(f.national_week_per_100k, 1)} ca/100.000 dân trong 7 ngày qua.")
    if compare:
        lines += ["## So sánh", "", " ".join(compare), ""]
    lines += [
        "---",
        "",
        "*Số liệu: "
        + (source or "các tệp số liệu đã được kiểm tra và nhập vào Loa")
        + "; dân số: Tổng cục Thống kê, dân số trung bình năm 2020.*",
        "",
    ]
    return "\n".join(lines)


def plain_text(markdown: str) -> str:
    """The draft without Markdown marks (for the content item, its channels and loudspeaker reading); the
    title line is dropped since the item carries it."""
    lines = []
    for line in markdown.splitlines():
        if line.startswith("# ") or line.strip() == "---":
            continue
        line = re.sub(r"^#+\s*", "", line).replace("**", "")
        lines.append(re.sub(r"(?<!\w)\*([^*]+)\*(?!\w)", r"\1", line))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def draft(db: Session, unit: Unit, day: date) -> tuple[Figures, str]:
    f = figures(db, unit, day)
    return f, draft_text(f)


def save_bulletin(db: Session, unit: Unit, day: date, user=None, *, settings: Settings) -> Bulletin:
    """Store the draft for ``unit`` and ``day`` (replacing an earlier one) and hand it to the content workflow
    as a situation bulletin awaiting review, its charts attached as images."""
    f, body = draft(db, unit, day)
    bulletin = db.scalar(select(Bulletin).where(Bulletin.unit_code == unit.code, Bulletin.day == day))
    if bulletin is None:
        bulletin = Bulletin(unit_code=unit.code, day=day, created_by_id=getattr(user, "id", None))
        db.add(bulletin)
    bulletin.title, bulletin.body = title(unit, day), body
    db.flush()
    bulletin.content_item_id = _to_content(db, settings, bulletin, unit, user)
    return bulletin


def _to_content(db: Session, settings: Settings, bulletin: Bulletin, unit: Unit, user) -> int | None:
    """Hand the draft to the content workflow as a situation bulletin awaiting review (updating the item while it
    is still a draft or under review), with its charts. Needs a person as author: the CLI only writes files."""
    if user is None:
        return bulletin.content_item_id
    body = plain_text(bulletin.body)
    item = content.get_item(db, bulletin.content_item_id) if bulletin.content_item_id else None
    if item is not None and item.state in ("draft", "review"):
        content.update_item(
            db, item, user, content.ItemChanges(title=bulletin.title, body=body), note="Cập nhật số liệu"
        )
        attach_charts(db, settings, item, unit, bulletin.day, user)
        return item.id
    item = content.create_item(
        db,
        kind="situation_bulletin",
        title=bulletin.title,
        body=body,
        author=user,
        themes=("Tình hình dịch",),
        audiences=("public",),
        language="vi",
        states_health_facts=True,
        tone="neutral",
        source=f"Loa · bản tin #{bulletin.id}",
    )
    attach_charts(db, settings, item, unit, bulletin.day, user)
    content.submit(db, item, user)
    return item.id


def attach_charts(db: Session, settings: Settings, item, unit: Unit, day: date, user) -> None:
    """The bulletin's charts as PNG attachments of its content item (they travel to the portal, the print and the
    social posts), replacing the charts of an earlier draft."""
    from loa.bulletins import charts  # here: matplotlib takes seconds to load, and the CLI starts without it

    images = charts.images(db, unit, day)
    names = {name for name, _png in images}
    for old in [a for a in item.attachments if a.filename in names]:
        content.remove_attachment(db, settings, old, user)
    for name, png in images:
        content.add_attachment(db, settings, item, user, name, png)
