"""Check-worthiness: does a text assert a checkable health fact (a cure, prevention, a number, a vaccine
effect), rather than voice an opinion, greet, or ask a question? A transparent scored rule set on the
teencode-expanded text; ``bench/claims_checkworthiness.py`` measures it on a labelled set.

The rules are written with diacritics and match text written with them: without its marks a word often
becomes another ("lấy" to take → "lay", as "lây" to spread; "tôi" I → "toi", as "tỏi" garlic; "họ" they →
"ho", as "ho" cough). Only text typed without any diacritics is matched by the rules' folded forms.
"""

from __future__ import annotations

import re
from functools import cache

from loa.text import expand_abbreviations, normalize, strip_diacritics

HEALTH = (
    r"\b(covid|corona|virus|vi rút|vi-rút|sars|omicron|delta|biến chủng|vắc xin|vắc-xin|vaccine|vacxin|tiêm|mũi|"
    r"bệnh|thuốc|khẩu trang|f0|f1|miễn dịch|kháng thể|nhiễm|lây|ung thư|vô sinh|tử vong|chết|phổi|sốt|ho|"
    r"xét nghiệm|test nhanh|pcr|dịch|kháng sinh|ivermectin|xông|tỏi|gừng|chanh|sả|nước muối|mật ong|"
    r"vitamin|rượu|bia|thảo dược|lá xông|bác sĩ|y tế|sức khỏe|sức khoẻ|trẻ em|bà bầu|mang thai|côn trùng|muỗi)\b"
)
ASSERT = (
    r"\b(chữa khỏi|chữa được|chữa dứt|trị được|trị khỏi|diệt|giết|phòng được|phòng ngừa|ngừa được|ngăn được|"
    r"ngăn chặn|gây ra|gây|làm cho|làm tăng|làm giảm|khỏi bệnh|khỏi hẳn|hiệu quả|tăng|giảm|bảo vệ|"
    r"lây qua|lây truyền|không lây|miễn nhiễm|thay đổi|biến đổi|gắn chip|nhiễm từ|vô sinh|tử vong|"
    r"chứng minh|nghiên cứu|khoa học|đã được|sẽ bị|sẽ chết|đều bị|không cần|chỉ cần|thay thế|an toàn|"
    r"độc|nguy hiểm|tác dụng|phát tán|lây lan|phòng|giúp|truyền|chống được|sống được|chữa|miễn dịch|"
    r"không (bị )?(nhiễm|lây|mắc)|bị (sốt|liệt|sốc|nhiễm|sảy thai|dị tật)|làm (rụng|tăng|giảm|biến|thay|hỏng|mất)|"
    r"chứa [\w ]{0,12}(thịt|tế bào|kim loại))\b"
)
NUMBER = r"\d+\s*(?:%|(?:phần trăm|ca|người|lần|ngày|độ|liều|mũi)\b)"
QUESTION = (
    r"\?|\b(có .{1,40} (không|hông|chưa) *(ạ|vậy|nhỉ|hả|nhé)?\s*$|bao giờ|ở đâu|thế nào|tại sao|vì sao|"
    r"làm sao|là gì|như thế nào|bao lâu|bao nhiêu|được không|nên không|phải không|hay không|"
    r"cho hỏi|xin hỏi|ai biết|có ai|muốn hỏi|hỏi)\b"
)
OPINION = (
    r"\b(tôi nghĩ|mình nghĩ|em nghĩ|tôi thấy|mình thấy|em thấy|theo tôi|theo mình|chán quá|mệt quá|buồn quá|"
    r"lo quá|sợ quá|mong|hy vọng|hi vọng|cố lên|thương|ghét|bực mình|bực|tức|vui|chúc|cảm ơn|chào|xin chào|"
    r"tuyệt vời|quá tốt|thật tệ|tệ quá|thật đáng|đáng sợ|hay quá|làm ơn|mọi người ơi)\b"
)
# teencode that survives expansion only in folded text (a question tag typed without accents)
FOLDED_ONLY = {"QUESTION": r"|\b(co .{1,40} (khong|ko|k|hok|chua) *(a|vay|nhi|ha|nhe)?\s*$)"}


@cache
def _rules(accented: bool) -> dict[str, re.Pattern]:
    """The rules as written (accented text), or folded with their folded-only additions."""
    rules = {"HEALTH": HEALTH, "ASSERT": ASSERT, "NUMBER": NUMBER, "QUESTION": QUESTION, "OPINION": OPINION}
    if accented:
        return {k: re.compile(v) for k, v in rules.items()}
    return {k: re.compile(strip_diacritics(v) + FOLDED_ONLY.get(k, "")) for k, v in rules.items()}


def has_diacritics(text: str) -> bool:
    """Whether any letter of ``text`` carries a Vietnamese mark (or is đ)."""
    return strip_diacritics(text) != text


def features(text: str) -> dict[str, float]:
    text = normalize(text)
    accented = has_diacritics(text)
    t = expand_abbreviations(text).lower()
    if not accented:
        t = strip_diacritics(t)
    r = _rules(accented)
    return {
        "accented": float(accented),
        "health": float(bool(r["HEALTH"].search(t))),
        "assert": float(len(r["ASSERT"].findall(t))),
        "number": float(bool(r["NUMBER"].search(t))),
        "question": float(bool(r["QUESTION"].search(t))),
        "opinion": float(bool(r["OPINION"].search(t))),
        "words": float(len(t.split())),
    }


def score(text: str) -> float:
    """Check-worthiness in [0, 1]; 0.5 and above is a checkable health assertion."""
    f = features(text)
    if not f["health"] or f["words"] < 3:
        return 0.05
    s = 0.3 + 0.2 * min(f["assert"], 2) + 0.2 * f["number"] - 0.45 * f["question"] - 0.35 * f["opinion"]
    return round(min(1.0, max(0.0, s)), 3)
