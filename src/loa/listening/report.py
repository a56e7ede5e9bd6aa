"""The insights report for any period: top topics and their change, rising concerns with scrubbed examples,
top unanswered questions (Answers), matched misinformation (Claims), recommended actions and a risk level per
narrative; as data for the web page (with SVG charts), and as PDF and DOCX through ``loa.documents``.

Risk matrix (per subcategory). *Spread*: low when the period's count grew < 25 % on the previous period of the
same length, medium for 25–100 %, high above 100 % or when the topic raised an alert. *Harm*: the share of its
items voicing a concern or a negative sentiment — low < 20 %, medium 20–50 %, high > 50 % — raised to high
when any of its items in the period matched a claim whose verdict is now misinformation (false, partly false,
misleading, unproven; a true or unchecked claim does not raise it).

| spread \\ harm | low    | medium | high   |
|---------------|--------|--------|--------|
| low           | low    | low    | medium |
| medium        | low    | medium | high   |
| high          | medium | high   | high   |
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from html import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa import documents, formats, hooks
from loa.clock import local_day_start
from loa.documents import NATIONAL_HEADER, Bullets, Document, Heading, Paragraph, Table
from loa.errors import UserError
from loa.listening import service
from loa.listening.models import CIVIL_UNREST, Alert, Item
from loa.listening.places import LANGUAGES
from loa.listening.taxonomy import CATEGORY_NAMES
from loa.listening.trends import names_district

MEDIA = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
# verdicts that make a matched claim misinformation in the report (a true one spreads too, listed apart)
MISINFORMATION = ("false", "partly_false", "misleading", "unproven")
LEVELS = ("low", "medium", "high")
LEVEL_VI = {"low": "Thấp", "medium": "Trung bình", "high": "Cao"}
MATRIX = {
    ("low", "low"): "low",
    ("low", "medium"): "low",
    ("low", "high"): "medium",
    ("medium", "low"): "low",
    ("medium", "medium"): "medium",
    ("medium", "high"): "high",
    ("high", "low"): "medium",
    ("high", "medium"): "high",
    ("high", "high"): "high",
}


def spread_level(change: float | None, alerted: bool) -> str:
    if alerted or (change is not None and change > 100):
        return "high"
    if change is None:
        return "medium"
    return "medium" if change >= 25 else "low"


def harm_level(items: int, concerns: int, negative: int, misinformation: int) -> str:
    if misinformation:
        return "high"
    share = 100 * max(concerns, negative) / items if items else 0
    return "high" if share > 50 else "medium" if share >= 20 else "low"


def risk(spread: str, harm: str) -> str:
    return MATRIX[(spread, harm)]


def _sum(db: Session, start: date, end: date, district: str = "", language: str = "") -> dict[int, dict]:
    out: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for (_d, t), c in service.daily_counts(db, start, end, None, district, language).items():
        for k in ("items", "reach", "questions", "concerns", "negative", "claims"):
            out[t][k] += getattr(c, k)
    return out


def build(db: Session, start: date, end: date, limit: int = 10, district: str = "", language: str = "") -> dict:
    """Everything the report shows for ``start``..``end`` (inclusive), compared with the previous period; in the
    whole province or the stories naming ``district``, in all languages or ``language`` (its alerts: the
    district's own, or the province's)."""
    check_period(start, end)
    length = (end - start).days + 1
    prev_start, prev_end = start - timedelta(days=length), start - timedelta(days=1)
    now, before = _sum(db, start, end, district, language), _sum(db, prev_start, prev_end, district, language)
    topics = service.topics(db)
    total = now.get(0, {})
    alerts = list(
        db.scalars(
            select(Alert)
            .where(Alert.day >= start, Alert.day <= end, Alert.topic != CIVIL_UNREST, Alert.district == district)
            .order_by(Alert.p_value)
        )
    )
    alerted = {a.topic for a in alerts}
    claims, true_claims, unchecked_claims = split_claims(matched_claims(db, start, end, district, language))
    misinformed = Counter(t for c in claims for t in c["topics"])  # sightings of misinformation per topic
    rows = []
    for n, c in now.items():
        if n == 0 or not c["items"]:
            continue
        topic = topics[n]
        prev = before.get(n, {}).get("items", 0)
        change = service.change_pct(c["items"], prev)
        row = {
            "topic": n,
            "name": topic.name_vi,
            "name_en": topic.name_en,
            "category": topic.category,
            "category_vi": CATEGORY_NAMES[topic.category][0],
            "count": c["items"],
            "previous": prev,
            "change_pct": change,
            "share_pct": round(100 * c["items"] / total["items"], 1) if total else 0,
            "questions": c["questions"],
            "concerns": c["concerns"],
            "negative": c["negative"],
            "claims": c["claims"],
            "reach": c["reach"],
        }
        if n != CIVIL_UNREST:
            row["spread"] = spread_level(change, n in alerted)
            row["harm"] = harm_level(c["items"], c["concerns"], c["negative"], misinformed.get(n, 0))
            row["risk"] = risk(row["spread"], row["harm"])
        rows.append(row)
    rows.sort(key=lambda r: (-r["count"], r["topic"]))
    top = rows[:limit]
    rising = [
        {
            "topic": a.topic,
            "name": topics[a.topic].name_vi,
            "day": a.day,
            "count": a.count,
            "baseline": a.baseline,
            "p_value": a.p_value,
            "examples": [i.text for i in service.example_items(db, a.evidence.get("examples", []))],
        }
        for a in alerts[:limit]
    ]
    unanswered = top_unanswered(db, start, end)
    series_topics = [r["topic"] for r in top[:5]]
    days = service.days_between(start, end)
    counts = service.daily_counts(db, start, end, series_topics, district, language)
    series = {n: [counts[(d, n)].items if (d, n) in counts else 0 for d in days] for n in series_topics}
    return {
        "start": start,
        "end": end,
        "district": district,
        "language": language,
        "previous": (prev_start, prev_end),
        "total": {k: total.get(k, 0) for k in ("items", "reach", "questions", "concerns", "negative", "claims")},
        "total_previous": before.get(0, {}).get("items", 0),
        "topics": top,
        "rising": rising,
        "unanswered": unanswered,
        "claims": claims,
        "true_claims": true_claims,
        "unchecked_claims": unchecked_claims,
        "actions": actions(top, rising, unanswered, claims),
        "days": days,
        "series": series,
        "names": {n: topics[n].name_vi for n in series_topics},
    }


def check_period(start: date, end: date) -> None:
    if end < start:
        raise UserError("Ngày kết thúc phải sau ngày bắt đầu.", "The end date must follow the start date.", 422)


def matched_claims(db: Session, start: date, end: date, district: str = "", language: str = "") -> list[dict]:
    """Stories in the period (naming ``district``, in ``language``) that the misinformation desk matched to a known
    claim, per claim, with the claim's ``verdict`` and the ``topics`` of its sightings; a story that only asks about
    a claim is not a sighting of it and is left out."""
    found: dict[int, dict] = {}
    q = select(Item).where(Item.day >= start, Item.day <= end, Item.claim.is_not(None))
    if district:
        q = q.where(names_district(district))
    if language:
        q = q.where(Item.language == language)
    for item in db.scalars(q):
        cid = (item.claim or {}).get("claim_id")
        if cid is None or item.claim.get("kind") == "question":
            continue
        entry = found.setdefault(
            cid, {"claim_id": cid, "title": f"#{cid}", "items": 0, "reach": 0, "verdict": None, "topics": []}
        )
        entry["items"] += 1
        entry["topics"] += item.subcategories or []
        entry["reach"] += item.copies + item.engagement
    ids = list(found)
    titles = hooks.call().claim_titles(db=db, ids=ids) or {} if found else {}
    for cid, title in titles.items():  # a deleted claim keeps its number
        found[cid]["title"] = title or found[cid]["title"]
    for cid, verdict in (hooks.call().claim_verdicts(db=db, ids=ids) or {} if found else {}).items():
        found[cid]["verdict"] = verdict
    return sorted(found.values(), key=lambda e: -e["reach"])


def split_claims(claims: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """Misinformation (verdict false, partly false, misleading or unproven), true claims spreading, and claims
    still without a verdict."""
    false = [c for c in claims if c["verdict"] in MISINFORMATION]
    true = [c for c in claims if c["verdict"] == "true"]
    return false, true, [c for c in claims if c["verdict"] is None]


def top_unanswered(db: Session, start: date, end: date, limit: int = 10) -> list[dict]:
    """Top unanswered citizens' questions (hook ``unanswered_questions``; empty without the Answers module)."""
    return (
        hooks.call().unanswered_questions(
            db=db, since=local_day_start(start), until=local_day_start(end + timedelta(days=1)), limit=limit
        )
        or []
    )


def actions(top: list[dict], rising: list[dict], unanswered: list[dict], claims: list[dict]) -> list[str]:
    """Recommended responses, most urgent first (Vietnamese; the report is a Vietnamese document)."""
    out = []
    for c in claims[:3]:
        out.append(f"Chuẩn bị bài kiểm chứng, đính chính về: “{c['title']}” ({c['items']} tin, tiếp cận {c['reach']}).")
    for r in rising[:3]:
        out.append(
            f"Viết nội dung giải thích về “{r['name']}”: tăng đột biến ngày {formats.vn_date(r['day'])} "
            f"({r['count']} tin so với trung bình {formats.vn_number(r['baseline'], 1)})."
        )
    for q in unanswered[:3]:
        out.append(f"Bổ sung mục hỏi đáp (FAQ) trả lời câu hỏi: “{q['text'][:120]}”.")
    for t in top:
        if t["topic"] == CIVIL_UNREST or len(out) >= 8:
            continue
        if t["questions"] >= max(3, t["count"] // 2):
            out.append(f"Trả lời bằng mục hỏi đáp cho nhóm “{t['name']}” ({t['questions']} câu hỏi trong kỳ).")
        elif t.get("risk") == "high":
            out.append(f"Ưu tiên truyền thông về “{t['name']}” (mức rủi ro cao).")
    return out or ["Chưa có khuyến nghị: số liệu trong kỳ ổn định."]


# ---- charts (inline SVG for the web page) -------------------------------------------------------------------


def svg_bars(rows: list[dict], width: int = 640) -> str:
    """Horizontal bars of the top topics' counts."""
    if not rows:
        return ""
    bar, gap, label_w = 22, 6, 260
    top = max(r["count"] for r in rows) or 1
    h = len(rows) * (bar + gap)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {h}" role="img" xmlns="http://www.w3.org/2000/svg">']
    for i, r in enumerate(rows):
        y = i * (bar + gap)
        w = (width - label_w - 50) * r["count"] / top
        parts.append(
            f'<text x="0" y="{y + 15}" font-size="12">{escape(str(r["topic"]))}. {escape(r["name"][:34])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}" fill="#b3261e"></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12">{r["count"]}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


COLORS = ("#b3261e", "#0b5cad", "#1b7f3b", "#a15c00", "#6b3fa0")


def svg_lines(
    days: list[date],
    series: dict,
    names: dict,
    width: int = 640,
    height: int = 220,
    top: int | None = None,
    numbered: bool = True,
) -> str:
    """Daily counts of the top topics over the period (``top``: the scale's maximum, shared by small multiples;
    ``numbered``: the legend shows the series' keys, topic numbers)."""
    if not series or len(days) < 2:
        return ""
    top = top or max(max(v) for v in series.values()) or 1
    left, bottom = 30, 20
    step = (width - left - 10) / (len(days) - 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height + 20 * len(series)}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><line x1="{left}" y1="{height - bottom}" x2="{width}" '
        f'y2="{height - bottom}" stroke="#999"></line><text x="0" y="12" font-size="11">{top}</text>'
    ]
    for k, (n, values) in enumerate(series.items()):
        pts = " ".join(
            f"{left + i * step:.1f},{height - bottom - (height - bottom - 10) * v / top:.1f}"
            for i, v in enumerate(values)
        )
        color = COLORS[k % len(COLORS)]
        parts.append(
            f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{pts}"></polyline>'
            f'<text x="{left}" y="{height + 14 + 20 * k}" font-size="12" fill="{color}">■ '
            f"{f'{n}. ' if numbered else ''}{escape(names[n][:50])}</text>"
        )
    parts.append(
        f'<text x="{left}" y="{height - 4}" font-size="11">{formats.vn_date(days[0])}</text>'
        f'<text x="{width - 70}" y="{height - 4}" font-size="11">{formats.vn_date(days[-1])}</text></svg>'
    )
    return "".join(parts)


def small_multiples(days: list[date], rows: list[dict]) -> list[tuple[str, str]]:
    """One small line chart per district (``rows`` of ``trends.district_table``), all on the same scale:
    [(district, svg)]."""
    top = max((max(r["series"]) for r in rows if r["series"]), default=0) or 1
    return [
        (r["district"], svg_lines(days, {0: r["series"]}, {0: r["district"]}, 320, 120, top, numbered=False))
        for r in rows
    ]


# ---- PDF / DOCX ---------------------------------------------------------------------------------------------


def document(data: dict, province: str):
    """The report as a ``loa.documents.Document``."""

    def pct(v):
        return "—" if v is None else formats.vn_percent(v)

    t = data["total"]
    blocks = [
        Paragraph(
            f"Kỳ báo cáo: {formats.vn_date(data['start'])} – {formats.vn_date(data['end'])}; so sánh với kỳ "
            f"trước {formats.vn_date(data['previous'][0])} – {formats.vn_date(data['previous'][1])}. "
            f"Tổng số tin ghi nhận: {formats.vn_number(t['items'])} "
            f"(kỳ trước {formats.vn_number(data['total_previous'])}), "
            f"tổng lượt tiếp cận {formats.vn_number(t['reach'])}, câu hỏi {formats.vn_number(t['questions'])}, "
            f"ý kiến lo ngại, phàn nàn {formats.vn_number(t['concerns'])}. Số liệu tổng hợp, không gắn với cá nhân."
        ),
        Heading("1. Chủ đề nổi bật và mức độ rủi ro"),
        Table(
            ["Chủ đề (EARS)", "Số tin", "Thay đổi", "Tỷ trọng", "Câu hỏi", "Lo ngại", "Rủi ro"],
            [
                [
                    f"{r['topic']}. {r['name']}",
                    formats.vn_number(r["count"]),
                    pct(r["change_pct"]),
                    formats.vn_percent(r["share_pct"]),
                    str(r["questions"]),
                    str(r["concerns"]),
                    LEVEL_VI.get(r.get("risk", ""), "—"),
                ]
                for r in data["topics"]
            ]
            or [["—"] * 7],
            widths=[5, 1.4, 1.5, 1.5, 1.3, 1.3, 1.6],
        ),
        Heading("2. Mối quan tâm tăng đột biến"),
    ]
    if data["rising"]:
        for r in data["rising"]:
            blocks.append(
                Paragraph(
                    f"{r['name']} — ngày {formats.vn_date(r['day'])}: {r['count']} tin, trung bình "
                    f"{formats.vn_number(r['baseline'], 1)} tin/ngày trước đó (p = {r['p_value']:.1e})."
                )
            )
            if r["examples"]:
                blocks.append(Bullets([f"“{e[:200]}”" for e in r["examples"]]))
    else:
        blocks.append(Paragraph("Không có chủ đề tăng đột biến trong kỳ."))
    blocks.append(Heading("3. Câu hỏi chưa được trả lời"))
    blocks.append(
        Bullets([f"{q['text'][:200]} ({q['count']})" for q in data["unanswered"]])
        if data["unanswered"]
        else Paragraph("Chưa có dữ liệu từ phân hệ Hỏi đáp.")
    )
    blocks.append(Heading("4. Thông tin sai lệch được phát hiện"))
    blocks.append(
        Table(
            ["Nội dung sai lệch", "Số tin", "Tiếp cận"],
            [[c["title"], str(c["items"]), str(c["reach"])] for c in data["claims"]],
            widths=[6, 1.5, 1.5],
        )
        if data["claims"]
        else Paragraph("Không phát hiện tin trùng với thông tin sai lệch đã biết.")
    )
    for title, claims in (
        ("Tin đồn đang chờ kết luận", data["unchecked_claims"]),
        ("Thông tin đúng đang lan truyền", data["true_claims"]),
    ):
        if claims:
            blocks.append(Paragraph(f"{title}:"))
            blocks.append(Bullets([f"{c['title']} ({c['items']} tin, tiếp cận {c['reach']})" for c in claims]))
    blocks.append(Heading("5. Khuyến nghị"))
    blocks.append(Bullets(data["actions"]))
    blocks.append(
        Paragraph(
            "Mức rủi ro theo ma trận: mức lan rộng (tăng so với kỳ trước: dưới 25% thấp, 25–100% trung "
            "bình, trên 100% hoặc có cảnh báo là cao) × mức tác hại (tỷ lệ tin lo ngại hoặc tiêu cực: "
            "dưới 20% thấp, 20–50% trung bình, trên 50% hoặc có tin sai lệch là cao)."
        )
    )
    return Document(
        title="Báo cáo lắng nghe dư luận về dịch bệnh",
        issuer=[f"UBND TỈNH {province.upper()}", "SỞ Y TẾ"],
        header=NATIONAL_HEADER,
        place=province,
        date=data["end"],
        subtitle=f"Từ {formats.vn_date(data['start'])} đến {formats.vn_date(data['end'])}"
        + (f" — {data['district']}" if data.get("district") else "")
        + (f" — {LANGUAGES[data['language']][0]}" if data.get("language") else ""),
        blocks=blocks,
        recipients=["Ban Chỉ đạo phòng, chống dịch tỉnh", "Lưu: VT"],
    )


def filename(start: date, end: date, fmt: str) -> str:
    return f"bao-cao-lang-nghe-{start.isoformat()}-{end.isoformat()}.{fmt}"


def render(data: dict, fmt: str, province: str) -> bytes:
    doc = document(data, province)
    return documents.to_pdf(doc) if fmt == "pdf" else documents.to_docx(doc)
