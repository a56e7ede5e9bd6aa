"""What a health claim says does the work: the remedy, food, drug, chemical or device it names, or the harm,
and the people it is about.

Two claims often differ only there ("uống nước sả chữa covid" / "uống nước dừa chữa covid"), while every other
word is shared, so a post naming an agent that none of a claim's texts names is a claim of its own, for a person
to check (:func:`foreign`). The lexicon lists agents of folk remedies and rumours in general, not only those in
the registry; single syllables are matched only as written with diacritics ("cam" is also "cảm").
"""

from __future__ import annotations

import re
from functools import lru_cache

from loa.text import normalize, strip_diacritics

AGENTS = (
    # fruit
    "chuối",
    "trái chuối",
    "quả chuối",
    "dừa",
    "trái dừa",
    "nước dừa",
    "ổi",
    "lá ổi",
    "cam",
    "chanh",
    "bưởi",
    "lá bưởi",
    "xoài",
    "đu đủ",
    "dứa",
    "trái thơm",
    "quả táo",
    "trái táo",
    "nho",
    "mít",
    "sầu riêng",
    "thanh long",
    "khế",
    "mãng cầu",
    "măng cụt",
    "chanh dây",
    "quất",
    # vegetables, grains, herbs, spices
    "hành tây",
    "hành tím",
    "hành lá",
    "củ hành",
    "tỏi",
    "gừng",
    "sả",
    "củ nghệ",
    "nghệ vàng",
    "tinh bột nghệ",
    "hạt tiêu",
    "tiêu đen",
    "ớt",
    "rau má",
    "tía tô",
    "kinh giới",
    "húng",
    "ngò",
    "rau răm",
    "diếp cá",
    "lá lốt",
    "ngải cứu",
    "tràm",
    "lá tràm",
    "lá chanh",
    "lá é",
    "khổ qua",
    "mướp đắng",
    "bí đao",
    "cà rốt",
    "cà chua",
    "dưa leo",
    "bắp cải",
    "cần tây",
    "rau cần",
    "đậu xanh",
    "đậu đen",
    "mè",
    "dầu mè",
    "gạo",
    "gạo rang",
    "quế",
    "hoa hồi",
    "cam thảo",
    "kim ngân",
    "xuyên tâm liên",
    "bồ công anh",
    "lá neem",
    "nha đam",
    "lô hội",
    "trầm hương",
    # drinks and foods
    "mật ong",
    "trà",
    "trà xanh",
    "cà phê",
    "sữa",
    "sữa chua",
    "trứng gà",
    "trứng vịt",
    "giấm",
    "muối",
    "nước muối",
    "nước đường",
    "đường phèn",
    "rượu",
    "bia",
    "rượu đế",
    "nước ngọt",
    "coca",
    "nước tiểu",
    "nước tiểu bò",
    "phân bò",
    "thịt bò",
    "thịt gà",
    "sâm",
    "nhân sâm",
    "yến",
    "đông trùng",
    "linh chi",
    "hải sản",
    "chè",
    "nước đá",
    # oils and household products
    "dầu gió",
    "dầu dừa",
    "dầu tràm",
    "tinh dầu",
    "dầu ăn",
    "cồn",
    "javel",
    "javen",
    "clo",
    "thuốc tẩy",
    "oxy già",
    "thuốc tím",
    "baking soda",
    "xà phòng",
    "xà bông",
    "nước rửa tay",
    "long não",
    "băng phiến",
    "nhang",
    # drugs and supplements
    "kháng sinh",
    "trụ sinh",
    "ivermectin",
    "hydroxychloroquine",
    "hcq",
    "chloroquine",
    "paracetamol",
    "aspirin",
    "thuốc hạ sốt",
    "vitamin",
    "kẽm",
    "thuốc bắc",
    "thuốc nam",
    "an cung",
    "thuốc sốt rét",
    "thuốc tẩy giun",
    "thuốc lá",
    "thuốc lào",
    "xì gà",
    "thuốc nhỏ mũi",
    # devices and physical things
    "máy sấy",
    "đèn uv",
    "tia cực tím",
    "trực thăng",
    "máy bay",
    "máy lọc không khí",
    "ion âm",
    "nam châm",
    "5g",
    "wifi",
    "điều hòa",
    "máy lạnh",
    "quạt",
    "xông",
    "xông hơi",
    "nước nóng",
    "nắng",
    "lửa",
    "ngải",
    "vòng tay",
    "vòng đồng",
    "vòng bạc",
    # animals
    "dơi",
    "chó",
    "mèo",
    "heo",
    "lợn",
    "muỗi",
    "chuột",
    # harms said of vaccines and medicines: "vắc xin gây đông máu" is another claim than "vắc xin gây vô sinh"
    "đông máu",
    "huyết khối",
    "vô sinh",
    "ung thư",
    "tự kỷ",
    "đột quỵ",
    "bại liệt",
    "sảy thai",
    "dị tật",
    "viêm cơ tim",
    "rụng tóc",
    "mất kinh",
    "suy thận",
    "hiv",
    "alzheimer",
    "nhiễm từ",
    "biến đổi gen",
    "đổi gen",
)
# Who a claim is about: "trẻ em không mắc" is another claim than "chỉ người già mới mắc".
GROUPS = (
    "trẻ em",
    "trẻ con",
    "trẻ nhỏ",
    "con nít",
    "em bé",
    "đứa nhỏ",
    "học sinh",
    "người già",
    "người cao tuổi",
    "người lớn tuổi",
    "người trẻ",
    "thanh niên",
    "nhóm máu",
    "bà bầu",
    "phụ nữ mang thai",
)

# Two names of one agent.
SAME = {
    "vòng đồng": "vòng tay",
    "vòng bạc": "vòng tay",
    "trụ sinh": "kháng sinh",
    "javen": "javel",
    "lợn": "heo",
    "mướp đắng": "khổ qua",
    "lô hội": "nha đam",
    "trái thơm": "dứa",
    "xà bông": "xà phòng",
    "nghệ vàng": "củ nghệ",
    "hcq": "hydroxychloroquine",
    "trẻ con": "trẻ em",
    "trẻ nhỏ": "trẻ em",
    "con nít": "trẻ em",
    "em bé": "trẻ em",
    "đứa nhỏ": "trẻ em",
    "người cao tuổi": "người già",
    "người lớn tuổi": "người già",
    "thanh niên": "người trẻ",
    "bà bầu": "phụ nữ mang thai",
    "trái chuối": "chuối",
    "quả chuối": "chuối",
    "trái dừa": "dừa",
}


@lru_cache(maxsize=1)
def _lexicon() -> tuple[re.Pattern, re.Pattern, dict[str, set[str]]]:
    """Patterns for agents as written and folded (several syllables only), and each agent's own parts."""
    accented = sorted({normalize(a).lower() for a in AGENTS + GROUPS}, key=len, reverse=True)
    folded = [strip_diacritics(a) for a in accented]
    parts = {
        strip_diacritics(a): {strip_diacritics(b) for b in accented if f" {b} " in f" {a} "}
        | ({strip_diacritics(SAME[a])} if a in SAME else set())
        for a in accented
    }
    word = r"(?<!\w)(?:{})(?!\w)"
    return (
        re.compile(word.format("|".join(map(re.escape, accented)))),
        re.compile(word.format("|".join(re.escape(a) for a in folded if " " in a))),
        parts,
    )


def named(text: str) -> set[str]:
    """The agents ``text`` names, folded, with their parts ("nước tiểu bò" → "nuoc tieu", "bo"...)."""
    accented, folded, parts = _lexicon()
    text = normalize(text).lower()
    found = {strip_diacritics(m) for m in accented.findall(text)} | set(folded.findall(strip_diacritics(text)))
    return set().union(*(parts[a] for a in found)) if found else set()


def foreign(text: str, claim_texts: list[str]) -> set[str]:
    """The agents that ``text`` names when none of the claim's texts names any of them, and apart from them the
    groups of people it names when the claim is about others (empty: the text speaks of the claim's own agents
    and groups, or names none; a group mentioned in passing, as in "giăng mùng cho con nít", does not count
    against a claim about no group)."""
    mine, theirs = named(text), set().union(*(named(t) for t in claim_texts))
    things, people = mine - _groups(), mine & _groups()
    out = things if not things & theirs else set()
    if people and theirs & _groups() and not people & theirs:
        out |= people
    return out


@lru_cache(maxsize=1)
def _groups() -> frozenset[str]:
    return frozenset(strip_diacritics(normalize(g).lower()) for g in GROUPS) | {
        strip_diacritics(normalize(SAME[g]).lower()) for g in GROUPS if g in SAME
    }
