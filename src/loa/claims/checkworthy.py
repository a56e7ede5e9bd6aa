"""Check-worthiness: does a text assert a checkable health fact (a cure, prevention, a number, a vaccine
effect), rather than voice an opinion, greet, or ask a question? A transparent scored rule set on the
folded, teencode-expanded text; ``bench/claims_checkworthiness.py`` measures it on a labelled set."""

from __future__ import annotations

import re

from loa.text import expand_abbreviations, fold

HEALTH = re.compile(
    r"\b(covid|corona|virus|vi rut|sars|omicron|delta|bien chung|vac xin|vaccine|vacxin|tiem|mui|benh|thuoc|"
    r"khau trang|f0|f1|mien dich|khang the|nhiem|lay|ung thu|vo sinh|tu vong|chet|phoi|sot|ho|"
    r"xet nghiem|test nhanh|pcr|dich|khang sinh|ivermectin|xong|toi|gung|chanh|sa|nuoc muoi|mat ong|"
    r"vitamin|ruou|bia|thao duoc|la xong|bac si|y te|suc khoe|tre em|ba bau|mang thai|con trung|muoi)\b"
)
ASSERT = re.compile(
    r"\b(chua khoi|chua duoc|chua dut|tri duoc|tri khoi|diet|giet|phong duoc|phong ngua|ngua duoc|ngan duoc|"
    r"ngan chan|gay ra|gay|lam cho|lam tang|lam giam|khoi benh|khoi han|hieu qua|tang|giam|bao ve|"
    r"lay qua|lay truyen|khong lay|mien nhiem|thay doi|bien doi|gan chip|nhiem tu|vo sinh|tu vong|"
    r"chung minh|nghien cuu|khoa hoc|da duoc|se bi|se chet|deu bi|khong can|chi can|thay the|an toan|"
    r"doc|nguy hiem|tac dung|phat tan|lay lan|phong|giup|truyen|chong duoc|song duoc|chua|mien dich|"
    r"khong (bi )?(nhiem|lay|mac)|bi (sot|liet|soc|nhiem|say thai|di tat)|lam (rung|tang|giam|bien|thay|hong|mat)|"
    r"chua [a-z ]{0,12}(thit|te bao|kim loai))\b"
)
NUMBER = re.compile(r"\d+\s*(?:%|(?:phan tram|ca|nguoi|lan|ngay|do|lieu|mui)\b)")
QUESTION = re.compile(
    r"\?|\b(co .{1,40} (khong|ko|k|hok|chua) *(a|vay|nhi|ha|nhe)?\s*$|bao gio|o dau|the nao|tai sao|vi sao|"
    r"lam sao|la gi|nhu the nao|bao lau|bao nhieu|duoc khong|nen khong|phai khong|hay khong|cho hoi|xin hoi|"
    r"ai biet|co ai|muon hoi|hoi)\b"
)
OPINION = re.compile(
    r"\b(toi nghi|minh nghi|em nghi|toi thay|minh thay|em thay|theo toi|theo minh|chan qua|met qua|buon qua|"
    r"lo qua|so qua|mong|hy vong|hi vong|co len|thuong|ghet|buc minh|buc|tuc|vui|chuc|cam on|chao|xin chao|"
    r"tuyet voi|qua tot|that te|te qua|that dang|dang so|hay qua|lam on|moi nguoi oi)\b"
)


def features(text: str) -> dict[str, float]:
    t = fold(expand_abbreviations(text)).lower()
    return {
        "health": float(bool(HEALTH.search(t))),
        "assert": float(len(ASSERT.findall(t))),
        "number": float(bool(NUMBER.search(t))),
        "question": float(bool(QUESTION.search(t))),
        "opinion": float(bool(OPINION.search(t))),
        "words": float(len(t.split())),
    }


def score(text: str) -> float:
    """Check-worthiness in [0, 1]; 0.5 and above is a checkable health assertion."""
    f = features(text)
    if not f["health"] or f["words"] < 3:
        return 0.05
    s = 0.3 + 0.2 * min(f["assert"], 2) + 0.2 * f["number"] - 0.45 * f["question"] - 0.35 * f["opinion"]
    return round(min(1.0, max(0.0, s)), 3)
