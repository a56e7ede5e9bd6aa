"""What the situation room and the periodic report say about ``service.collect()``'s figures: the headline figures
of each section against the previous period, and the assessment and direction drafted from them (what rose,
what lagged, which agencies did not report), for the coordinator to edit."""

from __future__ import annotations

from loa import formats
from loa.i18n import N_

# (section, key, label, kind): kind "count" (a number; a list counts its entries), "pct" (0..100), "share"
# (0..1, shown as %), "hours" (a median), "minutes"; ``good`` says which way is better ("up", "down", "").
FIGURES = [
    ("plan", "completion_pct", N_("Hoàn thành kế hoạch"), "pct", "up"),
    ("plan", "done", N_("Nhiệm vụ hoàn thành"), "count", "up"),
    ("plan", "overdue", N_("Nhiệm vụ quá hạn"), "count", "down"),
    ("plan", "not_reported", N_("Cơ quan chưa báo cáo"), "count", "down"),
    ("content", "published", N_("Tin bài đã đăng"), "count", "up"),
    ("content", "epidemic_share", N_("Tỷ lệ tin về dịch"), "share", ""),
    ("content", "hopeful_share", N_("Tỷ lệ tin tích cực, hy vọng"), "share", "up"),
    ("loudspeakers", "communes_broadcast", N_("Xã có phát thanh"), "count", "up"),
    ("loudspeakers", "airtime_minutes", N_("Thời lượng phát (phút)"), "count", "up"),
    ("loudspeakers", "silent_communes", N_("Xã không phát"), "count", "down"),
    ("listening", "items", N_("Tin dư luận ghi nhận"), "count", ""),
    ("listening", "open_alerts", N_("Cảnh báo đang mở"), "count", "down"),
    ("misinformation", "claims_seen", N_("Thông tin sai lệch ghi nhận"), "count", "down"),
    ("misinformation", "new_claims", N_("Thông tin sai lệch mới"), "count", "down"),
    ("misinformation", "corrections_published", N_("Bài đính chính đã đăng"), "count", "up"),
    (
        "misinformation",
        "median_hours_to_correction",
        N_("Thời gian đến khi đính chính (giờ, trung vị)"),
        "hours",
        "down",
    ),
    ("questions", "asked", N_("Câu hỏi của người dân"), "count", ""),
    ("questions", "answered_from_faq", N_("Trả lời ngay từ hỏi đáp"), "count", "up"),
    ("questions", "waiting", N_("Câu hỏi đang chờ trả lời"), "count", "down"),
    ("questions", "median_hours_to_staff_answer", N_("Thời gian cán bộ trả lời (giờ, trung vị)"), "hours", "down"),
]

SECTION_TITLES = {
    "plan": N_("Thực hiện kế hoạch"),
    "content": N_("Tin bài, nội dung tuyên truyền"),
    "loudspeakers": N_("Hệ thống loa truyền thanh cơ sở"),
    "listening": N_("Lắng nghe dư luận"),
    "misinformation": N_("Thông tin sai lệch"),
    "questions": N_("Hỏi đáp của người dân"),
    "situation": N_("Tình hình dịch bệnh"),
}


def value_of(answer: dict | None, key: str) -> float | int | None:
    """A figure of a section's answer: numbers as they are, a list by its length, None when unknown."""
    if not answer:
        return None
    value = answer.get(key)
    if isinstance(value, (list, tuple)):
        return len(value)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def shown(value: float | int | None, kind: str, fmt=formats) -> str:
    """A figure as the page and the report print it ("—" when unknown)."""
    if value is None:
        return "—"
    if kind == "share":
        return fmt.vn_percent(100 * value)
    if kind == "pct":
        return fmt.vn_percent(value)
    if kind == "hours":
        return fmt.vn_number(value, 1)
    return fmt.vn_number(value)


def change(now: float | int | None, before: float | int | None, kind: str) -> float | None:
    """The change on the previous period: percentage points for shares and percentages, else a difference."""
    if now is None or before is None:
        return None
    return (now - before) * (100 if kind == "share" else 1)


def headline(data: dict) -> list[dict]:
    """Every known figure of ``collect()``'s answer with the previous period's and the change, in section order."""
    out = []
    for section, key, label, kind, good in FIGURES:
        answer = data["sections"].get(section)
        if not answer:
            continue
        now, before = value_of(answer, key), value_of(data["previous"].get(section), key)
        diff = change(now, before, kind)
        trend = "" if not diff else ("up" if diff > 0 else "down")
        out.append(
            {
                "section": section,
                "key": key,
                "label": label,
                "kind": kind,
                "value": now,
                "previous": before,
                "change": diff,
                "trend": trend,
                "better": bool(trend and good) and trend == good,
                "worse": bool(trend and good) and trend != good,
                "url": answer.get("url", ""),
                "as_of": answer.get("as_of", ""),
            }
        )
    return out


def balance_text(row: dict, fmt=formats) -> str:
    """A channel's shares against its targets: "tin về dịch 100% (mức 40–90%), tin tích cực 0% (tối thiểu 30%)"."""
    target = row.get("target") if isinstance(row.get("target"), dict) else {}

    def pct(v) -> str:
        return "—" if v is None else fmt.vn_percent(100 * v, 0)

    epidemic = f"tin về dịch {pct(row.get('epidemic_share'))}"
    if target.get("epidemic_min") is not None and target.get("epidemic_max") is not None:
        epidemic += f" (mức {pct(target['epidemic_min'])}–{pct(target['epidemic_max'])})"
    hopeful = f"tin tích cực {pct(row.get('hopeful_share'))}"
    if target.get("hopeful_min") is not None:
        hopeful += f" (tối thiểu {pct(target['hopeful_min'])})"
    return f"{epidemic}, {hopeful}"


def changed_text(row: dict) -> str:
    """ "Tin bài đã đăng: 42 (kỳ trước 30)"."""
    text = f"{row['label']}: {shown(row['value'], row['kind'])}"
    if row["previous"] is None:
        return text + "."
    way = {"up": ", tăng", "down": ", giảm"}.get(row["trend"], "")
    return text + f" (kỳ trước {shown(row['previous'], row['kind'])}{way})."


# ---- the drafted assessment ---------------------------------------------------------------------------------

DRAFT_KEYS = ("uu_diem", "han_che", "phuong_huong", "de_xuat")
DRAFT_TITLES = {
    "uu_diem": N_("Ưu điểm"),
    "han_che": N_("Hạn chế"),
    "phuong_huong": N_("Phương hướng, nhiệm vụ thời gian tới"),
    "de_xuat": N_("Đề xuất, kiến nghị"),
}


def draft(data: dict) -> dict[str, str]:
    """The assessment (ưu điểm, hạn chế), the direction and the proposals drafted from the figures, one point a
    line: what rose or fell the good way, what lagged, which agencies did not report, what is still waiting."""
    rows = headline(data)
    s = data["sections"]
    good = [changed_text(r) for r in rows if r["better"]]
    bad = [changed_text(r) for r in rows if r["worse"]]
    plan, content, speakers = s.get("plan") or {}, s.get("content") or {}, s.get("loudspeakers") or {}
    listening, claims, questions = s.get("listening") or {}, s.get("misinformation") or {}, s.get("questions") or {}
    strengths, weak = list(good), list(bad)
    worse = {(r["section"], r["key"]) for r in rows if r["worse"]}  # already said with the previous period's
    direction, proposals = [], []
    if plan.get("not_reported"):
        names = ", ".join(plan["not_reported"][:12])
        weak.append(f"Chưa báo cáo kết quả trong kỳ: {names}.")
        direction.append(f"Đôn đốc các cơ quan chưa báo cáo ({names}) gửi báo cáo kết quả thực hiện.")
    if plan.get("overdue"):
        if ("plan", "overdue") not in worse:
            weak.append(f"Còn {len(plan['overdue'])} nhiệm vụ quá hạn của kế hoạch.")
        direction.append(
            "Tập trung hoàn thành các nhiệm vụ quá hạn: "
            + "; ".join(t.get("text", "")[:80] for t in plan["overdue"][:5])
            + "."
        )
    for row in content.get("per_channel") or []:
        if row.get("on_target") is False:
            weak.append(f"Kênh {row['channel']} chưa cân đối nội dung: {balance_text(row)}.")
            direction.append(f"Cân đối lại tỷ lệ tin về dịch và tin tích cực trên kênh {row['channel']}.")
    if speakers.get("silent_communes"):
        if ("loudspeakers", "silent_communes") not in worse:
            weak.append(f"{len(speakers['silent_communes'])} xã không phát thanh trong kỳ.")
        direction.append(
            "Kiểm tra, khắc phục hệ thống loa ở các xã không phát: " + ", ".join(speakers["silent_communes"][:10]) + "."
        )
    for topic in (listening.get("rising_concerns") or [])[:3]:
        direction.append(f"Tăng cường thông tin về “{topic.get('label', '')}” (mối lo ngại đang tăng trong dư luận).")
    if listening.get("open_alerts"):
        proposals.append(f"Xử lý {len(listening['open_alerts'])} cảnh báo dư luận đang mở.")
    if claims.get("new_claims"):
        direction.append("Kịp thời kiểm chứng, đính chính các thông tin sai lệch mới xuất hiện.")
    if questions.get("waiting"):
        proposals.append(f"Các cơ quan chuyên môn trả lời {questions['waiting']} câu hỏi của người dân đang chờ.")
    if not strengths:
        strengths.append("Các cơ quan tiếp tục triển khai kế hoạch thông tin, tuyên truyền theo nhiệm vụ được giao.")
    direction.append("Tiếp tục thực hiện các nhiệm vụ của kế hoạch trong kỳ tới.")
    if not proposals:
        proposals.append("Chưa có đề xuất, kiến nghị.")
    return {
        "uu_diem": "\n".join(strengths),
        "han_che": "\n".join(weak) or "Chưa ghi nhận hạn chế trong kỳ.",
        "phuong_huong": "\n".join(dict.fromkeys(direction)),
        "de_xuat": "\n".join(proposals),
    }
