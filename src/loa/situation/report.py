"""The periodic report "Báo cáo công tác thông tin, tuyên truyền phòng, chống dịch" for a week, a month or any
period: the figures of ``service.collect()`` with charts, and the assessment and direction sections drafted from
them (``summary.draft``) as the coordinator edited them (``ReportDraft``); as DOCX and PDF through
``loa.documents``, as JSON for the level above, and e-mailed weekly."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa import documents as docs
from loa import formats, mail
from loa.auth.models import AGENCY_KINDS, Agency
from loa.clock import today_local, utcnow, week_start
from loa.config import Settings
from loa.errors import UserError
from loa.situation import charts, service, summary
from loa.situation.models import ReportDraft
from loa.text import fold

TITLE = "Báo cáo công tác thông tin, tuyên truyền phòng, chống dịch"
MEDIA = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
LONGEST = 366  # days a report may cover
TREND_PERIODS = 6


def check_period(start: date, end: date) -> None:
    if end < start:
        raise UserError("Ngày kết thúc kỳ báo cáo phải sau ngày bắt đầu.", "The period must end after it starts.", 422)
    if (end - start).days >= LONGEST:
        raise UserError(f"Kỳ báo cáo dài nhất {LONGEST} ngày.", f"A report covers at most {LONGEST} days.", 422)


def last_week(today: date | None = None) -> tuple[date, date]:
    """Monday to Sunday of the week before ``today``'s: the weekly report's period."""
    monday = week_start(today or today_local()) - timedelta(days=7)
    return monday, monday + timedelta(days=6)


def period_name(start: date, end: date) -> str:
    """ "tuần từ ngày 30/11/2026 đến ngày 06/12/2026", "tháng 11/2026" or "từ ngày … đến ngày …"."""
    if start.day == 1 and (end + timedelta(days=1)).day == 1 and start.month == end.month:
        return f"tháng {start.month:02d}/{start.year}"
    words = "tuần từ ngày" if start.weekday() == 0 and (end - start).days == 6 else "từ ngày"
    return f"{words} {formats.vn_date(start)} đến ngày {formats.vn_date(end)}"


# ---- the draft -------------------------------------------------------------------------------------------------


def stored_draft(db: Session, start: date, end: date) -> ReportDraft | None:
    return db.scalar(select(ReportDraft).where(ReportDraft.start == start, ReportDraft.end == end))


def texts_for(db: Session, data: dict, start: date, end: date) -> tuple[dict[str, str], ReportDraft | None]:
    """The assessment and direction texts: as edited and saved for the period, else drafted from the figures."""
    row = stored_draft(db, start, end)
    drafted = summary.draft(data)
    if row is None:
        return drafted, None
    return {k: row.texts.get(k, drafted[k]) for k in summary.DRAFT_KEYS}, row


def save_draft(db: Session, start: date, end: date, texts: dict[str, str], editor: str = "") -> ReportDraft:
    """Keep the coordinator's texts for the period (what the export prints)."""
    check_period(start, end)
    row = stored_draft(db, start, end) or ReportDraft(start=start, end=end, texts={})
    row.texts = {
        k: "\n".join(ln.strip() for ln in str(texts.get(k, "")).splitlines() if ln.strip()) for k in summary.DRAFT_KEYS
    }
    row.edited_by = editor[:60]
    db.add(row)
    db.flush()
    return row


def lines(text: str) -> list[str]:
    return [ln.strip().lstrip("-+• ").strip() for ln in (text or "").splitlines() if ln.strip()]


# ---- trends ------------------------------------------------------------------------------------------------------

TREND_FIGURES = [
    ("plan", "completion_pct"),
    ("content", "published"),
    ("loudspeakers", "airtime_minutes"),
    ("listening", "items"),
    ("misinformation", "claims_seen"),
    ("questions", "asked"),
]


def trends(db: Session, data: dict, periods: int = TREND_PERIODS) -> dict:
    """The headline figures over the last ``periods`` periods of the same length (this one last):
    ``{"labels": [first days], "series": [{"section", "key", "label", "kind", "values", "url"}]}``."""
    start, end = date.fromisoformat(data["period"]["from"]), date.fromisoformat(data["period"]["to"])
    length = (end - start).days + 1
    spans = [(start - timedelta(days=length * k), end - timedelta(days=length * k)) for k in range(periods - 1, -1, -1)]
    answers = [service.sections(db, a, b) for a, b in spans[:-2]] + [data["previous"], data["sections"]]
    labels = {(s, k): (lbl, kind) for s, k, lbl, kind, _g in summary.FIGURES}
    series = []
    for section, key in TREND_FIGURES:
        if section not in data["sections"]:
            continue
        label, kind = labels[(section, key)]
        values = [summary.value_of(a.get(section), key) for a in answers]
        series.append(
            {
                "section": section,
                "key": key,
                "label": label,
                "kind": kind,
                "values": values,
                "url": data["sections"][section].get("url", ""),
            }
        )
    return {"labels": [formats.vn_date(a)[:5] for a, _b in spans], "series": series}


# ---- results per agency group --------------------------------------------------------------------------------


def groups(db: Session, plan: dict) -> list[dict]:
    """The plan's results per agency group (``per_group`` when the plan section gives it), else its agencies
    grouped by their kind (party, government, health, press...)."""
    if plan.get("per_group"):
        return plan["per_group"]
    rows = plan.get("per_agency") or []
    ids = [r["agency_id"] for r in rows if r.get("agency_id")]
    kinds = dict(db.execute(select(Agency.id, Agency.kind).where(Agency.id.in_(ids))).all()) if ids else {}
    out: dict[str, dict] = {}
    for r in rows:
        kind = kinds.get(r.get("agency_id"), "other")
        g = out.setdefault(
            kind,
            {
                "group": AGENCY_KINDS.get(kind, AGENCY_KINDS["other"])[0],
                "tasks": 0,
                "done": 0,
                "agencies": [],
                "not_reported": [],
            },
        )
        g["tasks"] += r.get("tasks") or 0
        g["done"] += r.get("done") or 0
        g["agencies"].append(r["agency"])
        if r.get("expected", True) and not r.get("reported", True):
            g["not_reported"].append(r["agency"])
    order = list(AGENCY_KINDS)
    result = [out[k] for k in sorted(out, key=order.index)]
    for g in result:
        g["completion_pct"] = round(100 * g["done"] / g["tasks"], 1) if g["tasks"] else None
    return result


# ---- the document --------------------------------------------------------------------------------------------


def _pct(v) -> str:
    return "—" if v is None else formats.vn_percent(v)


def document(db: Session, data: dict, texts: dict[str, str], trend: dict | None = None) -> docs.Document:
    """The report as a ``loa.documents.Document`` (administrative layout, Party header of the province's
    Propaganda Board, as the plan it reports on)."""
    s, start, end = (
        data["sections"],
        date.fromisoformat(data["period"]["from"]),
        date.fromisoformat(data["period"]["to"]),
    )
    prev = data["previous_period"]
    rows = summary.headline(data)
    blocks: list = [
        docs.Paragraph(
            "Ban Tuyên giáo báo cáo kết quả công tác thông tin, tuyên truyền phòng, chống dịch "
            f"{period_name(start, end)} (so với kỳ trước, từ ngày {formats.vn_date(prev['from'])} "
            f"đến ngày {formats.vn_date(prev['to'])}) như sau:"
        ),
        docs.Heading("I. TÌNH HÌNH"),
    ]
    situation = s.get("situation")
    if situation and situation.get("figures"):
        blocks.append(
            docs.Paragraph(f"Tình hình dịch bệnh theo bản tin ngày {formats.vn_date(situation.get('bulletin_day'))}:")
        )
        blocks.append(
            docs.Bullets(
                [
                    f"{f['label']}: {_value(f['value'])} (số liệu ngày {formats.vn_date(f.get('as_of'))})"
                    for f in situation["figures"]
                ]
            )
        )
    listening = s.get("listening")
    if listening:
        blocks.append(
            docs.Paragraph(f"Dư luận xã hội: ghi nhận {formats.vn_number(listening.get('items') or 0)} tin trong kỳ.")
        )
        topics = [
            f"{t['label']}: {formats.vn_number(t['count'])} (kỳ trước {formats.vn_number(t.get('previous') or 0)})"
            for t in listening.get("top_topics") or []
        ][:5]
        if topics:
            blocks.append(docs.Paragraph("Các chủ đề được quan tâm nhiều nhất:"))
            blocks.append(docs.Bullets(topics))
        rising = [t["label"] for t in listening.get("rising_concerns") or []][:5]
        if rising:
            blocks.append(docs.Paragraph("Mối lo ngại đang tăng: " + "; ".join(rising) + "."))
    blocks.append(docs.Paragraph("Các chỉ số chính của kỳ báo cáo:"))
    blocks.append(
        docs.Table(
            ["Chỉ số", "Kỳ này", "Kỳ trước", "Số liệu đến ngày"],
            [
                [
                    r["label"],
                    summary.shown(r["value"], r["kind"]),
                    summary.shown(r["previous"], r["kind"]),
                    formats.vn_date(r["as_of"]),
                ]
                for r in rows
            ],
            [5, 1.4, 1.4, 1.6],
        )
    )
    if trend and trend["series"]:
        blocks.append(
            docs.Figure(
                charts.png_trends(
                    "Diễn biến qua các kỳ", trend["labels"], {x["label"]: x["values"] for x in trend["series"]}
                ),
                f"Các chỉ số chính qua {len(trend['labels'])} kỳ gần nhất (mỗi kỳ dài bằng kỳ báo cáo)",
            )
        )
    blocks.append(docs.Heading("II. KẾT QUẢ THỰC HIỆN"))
    n = 0
    plan = s.get("plan")
    if plan:
        n += 1
        blocks.append(docs.Heading(f"{n}. Thực hiện kế hoạch", level=2))
        blocks.append(
            docs.Paragraph(
                f"Kế hoạch có {plan.get('tasks') or 0} nhiệm vụ, đã hoàn thành {plan.get('done') or 0} "
                f"({_pct(plan.get('completion_pct'))}); quá hạn {len(plan.get('overdue') or [])}."
            )
        )
        for i, g in enumerate(groups(db, plan), start=1):
            done = f"{g.get('done') or 0}/{g.get('tasks') or 0}"
            text = f"{i}) {g['group']}: {done} nhiệm vụ hoàn thành ({_pct(g.get('completion_pct'))})"
            if g.get("not_reported"):
                text += "; chưa báo cáo: " + ", ".join(g["not_reported"])
            blocks.append(docs.Paragraph(text + "."))
        per_agency = plan.get("per_agency") or []
        if per_agency:
            blocks.append(
                docs.Table(
                    ["Cơ quan", "Nhiệm vụ", "Hoàn thành", "Tỷ lệ", "Đã báo cáo"],
                    [
                        [
                            a["agency"],
                            a.get("tasks") or 0,
                            a.get("done") or 0,
                            _pct(a.get("completion_pct")),
                            "Có" if a.get("reported") else "Chưa",
                        ]
                        for a in per_agency
                    ],
                    [5, 1, 1, 1, 1.2],
                )
            )
            blocks.append(
                docs.Figure(
                    charts.png_bars(
                        "Tỷ lệ hoàn thành nhiệm vụ theo cơ quan",
                        [a["agency"] for a in per_agency],
                        [a.get("completion_pct") or 0 for a in per_agency],
                        100,
                        "%",
                    ),
                    "Tỷ lệ hoàn thành nhiệm vụ theo cơ quan",
                )
            )
        if plan.get("overdue"):
            blocks.append(docs.Paragraph("Nhiệm vụ quá hạn:"))
            blocks.append(
                docs.Bullets(
                    [
                        f"{t.get('text', '')} ({', '.join(t.get('agencies') or [])}; "
                        f"hạn {formats.vn_date(t.get('due_on'))})"
                        for t in plan["overdue"]
                    ]
                )
            )
    content = s.get("content")
    if content:
        n += 1
        blocks.append(docs.Heading(f"{n}. Tin bài, nội dung tuyên truyền", level=2))
        shares = (
            f"tin về dịch chiếm {_share(content.get('epidemic_share'))}, "
            f"tin tích cực, hy vọng chiếm {_share(content.get('hopeful_share'))}"
        )
        blocks.append(docs.Paragraph(f"Đã đăng {formats.vn_number(content.get('published') or 0)} tin bài; {shares}."))
        channels = content.get("per_channel") or []
        if channels:
            blocks.append(
                docs.Table(
                    ["Kênh", "Đã đăng", "Tỷ lệ tin về dịch, tin tích cực (mức cân đối)", "Đạt"],
                    [
                        [c["channel"], c.get("published") or 0, summary.balance_text(c), _yes(c.get("on_target"))]
                        for c in channels
                    ],
                    [3, 1, 4, 1],
                )
            )
    speakers = s.get("loudspeakers")
    if speakers:
        n += 1
        blocks.append(docs.Heading(f"{n}. Hệ thống loa truyền thanh cơ sở", level=2))
        source = "theo báo cáo của thiết bị" if speakers.get("device_reports") else "theo lịch phát"
        text = (
            f"{speakers.get('communes_broadcast') or 0}/{speakers.get('communes') or 0} xã, phường, thị trấn có phát "
            f"thanh, tổng thời lượng {formats.vn_number(speakers.get('airtime_minutes') or 0)} phút ({source})."
        )
        if speakers.get("silent_communes"):
            text += " Không phát: " + ", ".join(speakers["silent_communes"][:30]) + "."
        blocks.append(docs.Paragraph(text))
    claims, questions = s.get("misinformation"), s.get("questions")
    if claims or questions:
        n += 1
        blocks.append(docs.Heading(f"{n}. Đấu tranh với thông tin sai lệch, trả lời câu hỏi của người dân", level=2))
        if claims:
            blocks.append(
                docs.Paragraph(
                    f"Ghi nhận {claims.get('claims_seen') or 0} thông tin sai lệch "
                    f"({claims.get('new_claims') or 0} mới); đã đăng {claims.get('corrections_published') or 0} "
                    "bài đính chính; thời gian từ khi phát hiện đến khi đính chính (trung vị) "
                    f"{summary.shown(claims.get('median_hours_to_correction'), 'hours')} giờ."
                )
            )
        if questions:
            blocks.append(
                docs.Paragraph(
                    f"Người dân hỏi {questions.get('asked') or 0} câu, "
                    f"{questions.get('answered_from_faq') or 0} câu được trả lời ngay từ hỏi đáp, "
                    f"{questions.get('waiting') or 0} câu đang chờ; cán bộ trả lời sau "
                    f"{summary.shown(questions.get('median_hours_to_staff_answer'), 'hours')} giờ (trung vị)."
                )
            )
    blocks += [
        docs.Heading("III. ĐÁNH GIÁ"),
        docs.Heading("1. Ưu điểm", level=2),
        docs.Bullets(lines(texts.get("uu_diem", "")) or ["—"]),
        docs.Heading("2. Hạn chế", level=2),
        docs.Bullets(lines(texts.get("han_che", "")) or ["—"]),
        docs.Heading("IV. PHƯƠNG HƯỚNG NHIỆM VỤ THỜI GIAN TỚI"),
        docs.Bullets(lines(texts.get("phuong_huong", "")) or ["—"]),
        docs.Heading("V. ĐỀ XUẤT, KIẾN NGHỊ"),
        docs.Bullets(lines(texts.get("de_xuat", "")) or ["—"]),
    ]
    province = data.get("province") or ""
    return docs.Document(
        title=TITLE,
        subtitle=period_name(start, end)[:1].upper() + period_name(start, end)[1:],
        issuer=[f"TỈNH ỦY {province.upper()}", "BAN TUYÊN GIÁO"] if province else ["BAN TUYÊN GIÁO"],
        header=docs.PARTY_HEADER,
        number="……-BC/BTGTU",
        place=province,
        date=today_local(),
        blocks=blocks,
        recipients=["Thường trực Tỉnh ủy (b/c)", "Ban Chỉ đạo phòng, chống dịch tỉnh", "Lưu VT"],
        signature=docs.Signature(title="TRƯỞNG BAN", on_behalf="T/M BAN TUYÊN GIÁO"),
    )


def _value(v) -> str:
    return formats.vn_amount(v, 1) if isinstance(v, (int, float)) else str(v)


def _yes(v) -> str:
    return "—" if v is None else ("Đạt" if v else "Chưa đạt")


def _share(v) -> str:
    return "—" if v is None else formats.vn_percent(100 * v)


def render(db: Session, start: date, end: date, fmt: str) -> bytes:
    """The report for [start, end] as ``fmt`` ("pdf" or "docx"), with the draft as saved (or as drafted)."""
    if fmt not in MEDIA:
        raise UserError("Định dạng phải là docx hoặc pdf.", "The format must be docx or pdf.", 422)
    check_period(start, end)
    data = service.collect(db, start, end)
    texts, _row = texts_for(db, data, start, end)
    doc = document(db, data, texts, trends(db, data))
    return docs.to_docx(doc) if fmt == "docx" else docs.to_pdf(doc)


def filename(start: date, end: date, fmt: str) -> str:
    return f"bao-cao-tuyen-truyen-{start.isoformat()}-{end.isoformat()}.{fmt}"


# ---- JSON for the level above --------------------------------------------------------------------------------


def as_json(db: Session, start: date, end: date) -> dict:
    """The report as data (``schemas.PeriodicReport``): headline figures with the previous period's, results per
    agency group, the assessment and direction as saved, and every module's section as it answered."""
    check_period(start, end)
    data = service.collect(db, start, end)
    texts, row = texts_for(db, data, start, end)
    plan = data["sections"].get("plan") or {}
    return {
        "title": TITLE,
        "province": data["province"],
        "period": data["period"],
        "previous_period": data["previous_period"],
        "generated_at": data["generated_at"],
        "figures": [
            {k: r[k] for k in ("section", "key", "label", "kind", "value", "previous", "change", "as_of", "url")}
            for r in summary.headline(data)
        ],
        "plan_groups": [
            {
                "group": g["group"],
                "tasks": g.get("tasks") or 0,
                "done": g.get("done") or 0,
                "completion_pct": g.get("completion_pct"),
                "not_reported": g.get("not_reported") or [],
            }
            for g in groups(db, plan)
        ]
        if plan
        else [],
        "assessment": {"strengths": lines(texts["uu_diem"]), "weaknesses": lines(texts["han_che"])},
        "direction": lines(texts["phuong_huong"]),
        "proposals": lines(texts["de_xuat"]),
        "edited": row is not None and row.edited_by != "loa",
        "sections": data["sections"],
    }


# ---- weekly e-mail -------------------------------------------------------------------------------------------


def recipients(db: Session, data: dict) -> list[str]:
    """The addresses the report goes to: the agencies named among the plan's recipients ("Nơi nhận", matched on
    the name without diacritics) that have an e-mail address, else those of the agencies doing the plan's tasks."""
    plan = data["sections"].get("plan") or {}
    agencies = db.scalars(select(Agency).where(Agency.active, Agency.email != "")).all()
    named = [fold(name) for name in plan.get("recipients") or []]
    found = {a.email for a in agencies if any(fold(a.name) in name for name in named)}
    if not found:
        ids = {r["agency_id"] for r in plan.get("per_agency") or []}
        found = {a.email for a in agencies if a.id in ids}
    return sorted(found)


def send_weekly(db: Session, settings: Settings, today: date | None = None) -> str:
    """Last week's report: drafted and kept (``ReportDraft``) so the coordinator finds it, and, when SMTP is set,
    e-mailed once (PDF and DOCX attached) to the plan's recipients; ``mailed_at`` keeps a second run from sending
    it again. Answers a one-line summary."""
    start, end = last_week(today)
    data = service.collect(db, start, end)
    texts, row = texts_for(db, data, start, end)
    if row is None:
        row = save_draft(db, start, end, texts, "loa")
    name = period_name(start, end)
    if not settings.smtp_host:
        return f"Đã lập báo cáo {name}; chưa cấu hình SMTP nên không gửi thư (xem ở trang Điều hành → Báo cáo)."
    if row.mailed_at is not None:
        return f"Báo cáo {name} đã được gửi lúc {formats.vn_datetime(row.mailed_at)}."
    to = recipients(db, data)
    if not to:
        return f"Đã lập báo cáo {name}; kế hoạch chưa có nơi nhận có địa chỉ thư điện tử."
    doc = document(db, data, texts, trends(db, data))
    figures = "\n".join(f"- {summary.changed_text(r)}" for r in summary.headline(data))
    msg = mail.message(
        settings,
        ", ".join(to),
        f"[Loa] {TITLE} {name}",
        f"Kính gửi các cơ quan, đơn vị,\n\nLoa gửi {TITLE.lower()} {name} của tỉnh {data['province']} "
        f"(tệp PDF và DOCX đính kèm). Các chỉ số chính:\n\n{figures}\n\n"
        "Xem và sửa bản thảo trên Loa: Điều hành → Báo cáo kỳ này.\n",
    )
    for fmt, render_as in (("pdf", docs.to_pdf), ("docx", docs.to_docx)):
        maintype, subtype = MEDIA[fmt].split("/")
        msg.add_attachment(render_as(doc), maintype=maintype, subtype=subtype, filename=filename(start, end, fmt))
    with mail.connect(settings) as smtp:
        smtp.send_message(msg)
    row.mailed_at = utcnow()
    return f"Đã gửi báo cáo {name} tới {len(to)} địa chỉ."
