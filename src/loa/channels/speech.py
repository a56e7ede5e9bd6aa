"""Loudspeaker speech: a Vietnamese text pre-normaliser and espeak-ng synthesis to WAV, MP3 or OGG.

``normalize(text)`` rewrites what a synthesiser would misread — numbers, dates, times, percentages, phone
numbers, units, abbreviations and foreign words — into the words a Vietnamese listener expects
("1.234" → "một nghìn hai trăm ba mươi tư", "15/7/2021" → "ngày mười lăm tháng bảy năm hai nghìn không trăm
hai mươi mốt"). ``synthesize`` speaks exactly that text with espeak-ng's northern, central or southern voice.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
import wave
from pathlib import Path

from loa.errors import UserError
from loa.text import fold

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
HYPHEN = "\u2011"  # joins loanword syllables ("cô-vít") while the text is processed; becomes "-" at the end


# ---- numbers --------------------------------------------------------------------------------------------


def _group(n: int, full: bool) -> list[str]:
    """0..999; ``full`` reads the hundreds and "linh" even when they are zero (inside a larger number)."""
    h, t, u = n // 100, n // 10 % 10, n % 10
    words = [DIGITS[h], "trăm"] if full or h else []
    if t == 0:
        if u:
            words += (["linh"] if words else []) + [DIGITS[u]]
    elif t == 1:
        words += ["mười"] + ([("lăm" if u == 5 else DIGITS[u])] if u else [])
    else:
        words += [DIGITS[t], "mươi"] + ([{1: "mốt", 4: "tư", 5: "lăm"}.get(u, DIGITS[u])] if u else [])
    return words


def number_words(n: int, full: bool = False) -> str:
    """An integer in words: 1234 → "một nghìn hai trăm ba mươi tư", 2021 → "hai nghìn không trăm hai mươi mốt"."""
    if n < 0:
        return "âm " + number_words(-n)
    if n == 0 and not full:
        return "không"
    if n >= 10**9:
        high, low = divmod(n, 10**9)
        return " ".join([number_words(high, full), "tỷ"] + ([number_words(low, True)] if low else []))
    words: list[str] = []
    for value, name in ((n // 10**6, "triệu"), (n // 1000 % 1000, "nghìn"), (n % 1000, "")):
        if value:
            words += _group(value, full or bool(words)) + ([name] if name else [])
    return " ".join(words)


def digits_words(digits: str) -> str:
    """Digit by digit: "0912" → "không chín một hai"."""
    return " ".join(DIGITS[int(d)] for d in digits if d.isdecimal())


def decimal_words(integer: int, fraction: str = "") -> str:
    """12 and "5" → "mười hai phẩy năm"; a fraction with a leading zero or many digits is read digit by digit."""
    out = number_words(integer)
    if fraction:
        tail = digits_words(fraction) if fraction[0] == "0" or len(fraction) > 3 else number_words(int(fraction))
        out += " phẩy " + tail
    return out


NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d{1,2}(?!\d)|\d+"


def number_text(token: str) -> str:
    """A written number ("1.234", "12,5", "2.5", "0123") in words."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", token):
        whole, _, frac = token.partition(",")
        return decimal_words(int(whole.replace(".", "")), frac)
    if "," in token or "." in token:
        whole, frac = re.split(r"[.,]", token, maxsplit=1)
        return decimal_words(int(whole), frac)
    if len(token) > 1 and token[0] == "0" or len(token) > 15:
        return digits_words(token)
    return number_words(int(token))


# ---- words ------------------------------------------------------------------------------------------------


def _h(text: str) -> str:
    return text.replace("-", HYPHEN)


# Case-sensitive abbreviations (the longest match wins).
ABBREVIATIONS = {
    "TP.HCM": "thành phố Hồ Chí Minh",
    "TP. HCM": "thành phố Hồ Chí Minh",
    "TPHCM": "thành phố Hồ Chí Minh",
    "TP.": "thành phố",
    "TP": "thành phố",
    "TX": "thị xã",
    "HCM": "Hồ Chí Minh",
    "VN": "Việt Nam",
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "UBND": "ủy ban nhân dân",
    "HĐND": "hội đồng nhân dân",
    "UBMTTQ": "ủy ban mặt trận tổ quốc",
    "MTTQ": "mặt trận tổ quốc",
    "BCĐQG": "Ban Chỉ đạo quốc gia",
    "BCĐ": "ban chỉ đạo",
    "BYT": "Bộ Y tế",
    "SYT": "Sở Y tế",
    "TTYT": "trung tâm y tế",
    "TYT": "trạm y tế",
    "BVĐK": "bệnh viện đa khoa",
    "BV": "bệnh viện",
    "CDC": "xê đê xê",
    "WHO": "tổ chức Y tế thế giới",
    "PGS.TS": "phó giáo sư, tiến sĩ",
    "PGS": "phó giáo sư",
    "GS": "giáo sư",
    "TS": "tiến sĩ",
    "ThS": "thạc sĩ",
    "BS": "bác sĩ",
    "BSCKII": "bác sĩ chuyên khoa hai",
    "BSCKI": "bác sĩ chuyên khoa một",
    "CKII": "chuyên khoa hai",
    "CKI": "chuyên khoa một",
    "ĐD": "điều dưỡng",
    "THPT": "trung học phổ thông",
    "THCS": "trung học cơ sở",
    "KCN": "khu công nghiệp",
    "SĐT": "số điện thoại",
    "ĐT": "điện thoại",
    "TW": "trung ương",
    "TƯ": "trung ương",
    "QĐ": "quyết định",
    "CT": "chỉ thị",
    "NQ": "nghị quyết",
    "KH": "kế hoạch",
    "CV": "công văn",
    "TTg": "thủ tướng",
    "CP": "chính phủ",
    "BTG": "ban tuyên giáo",
    "TT&TT": "thông tin và truyền thông",
    "VHTTDL": "văn hóa, thể thao và du lịch",
    "GD&ĐT": "giáo dục và đào tạo",
    "LĐTB&XH": "lao động, thương binh và xã hội",
    "PCD": "phòng, chống dịch",
    "v.v.": "vân vân",
    "F0": "ép không",
    "F1": "ép một",
    "F2": "ép hai",
    "F3": "ép ba",
    "5K": "năm ca",
    "PCR": _h("pê xê e-rờ"),
    "RT-PCR": _h("e-rờ tê pê xê e-rờ"),
    "SpO2": _h("xờ pê ô hai"),
    "ICU": "i xê u",
    "mRNA": _h("em-a-rờ-nờ-a"),
    "ARN": _h("a-rờ-nờ"),
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BTGTW": "Ban Tuyên giáo Trung ương",
    "TU": "tỉnh ủy",
    "HU": "huyện ủy",
    "NĐ": "nghị định",
    "TB": "thông báo",
    "BC": "báo cáo",
    "HD": "hướng dẫn",
    "CĐ": "công điện",
    "HIV": "hát i vê",
    "QR": _h("kiu-a"),
    "ECMO": _h("ếch-mô"),
    "UNICEF": _h("u-ni-xép"),
}

# Foreign words, matched regardless of case.
FOREIGN = {
    "covid-19": _h("cô-vít mười chín"),
    "covid19": _h("cô-vít mười chín"),
    "covid": _h("cô-vít"),
    "sars-cov-2": _h("xát-cô-vi hai"),
    "pc-covid": _h("pê xê cô-vít"),
    "vaccine": "vắc xin",
    "vaccines": "vắc xin",
    "vaccin": "vắc xin",
    "vắc-xin": "vắc xin",
    "vacxin": "vắc xin",
    "vắcxin": "vắc xin",
    "astrazeneca": _h("át-xtra-dê-nê-ca"),
    "pfizer": _h("phai-dơ"),
    "biontech": _h("bai-ôn-tếch"),
    "moderna": _h("mô-đéc-na"),
    "vero cell": _h("vê-rô xeo"),
    "sinopharm": _h("xi-nô-pham"),
    "sputnik v": _h("xpút-ních vê"),
    "janssen": _h("gian-xen"),
    "abdala": _h("áp-đa-la"),
    "nanocovax": _h("na-nô-cô-vắc"),
    "delta": _h("đen-ta"),
    "omicron": _h("ô-mi-crôn"),
    "test": "tét",
    "antigen": _h("an-ti-gien"),
    "oxy": _h("ô-xi"),
    "molnupiravir": _h("môn-nu-pi-ra-via"),
    "remdesivir": _h("rem-đê-xi-via"),
    "paracetamol": _h("pa-ra-xê-ta-mol"),
    "zalo": _h("da-lô"),
    "facebook": _h("phây-búc"),
    "youtube": _h("diu-túp"),
    "tiktok": _h("tích-tóc"),
    "online": _h("on-lai"),
    "website": _h("guép-sai"),
    "hotline": _h("hót-lai"),
    "email": _h("i-meo"),
    "lockdown": _h("lốc-đao"),
    "bluezone": _h("bờ-lu-dôn"),
    "ventilator": _h("ven-ti-lây-tơ"),
    "virus": _h("vi-rút"),
    "vi-rút": _h("vi-rút"),
}

UNITS = {
    "km²": _h("ki-lô-mét vuông"),
    "km2": _h("ki-lô-mét vuông"),
    "m²": "mét vuông",
    "m2": "mét vuông",
    "km/h": _h("ki-lô-mét một giờ"),
    "km": _h("ki-lô-mét"),
    "cm": _h("xăng-ti-mét"),
    "mm": _h("mi-li-mét"),
    "mmHg": _h("mi-li-mét thủy ngân"),
    "m": "mét",
    "kg": _h("ki-lô-gam"),
    "mg": _h("mi-li-gam"),
    "mcg": _h("mi-crô-gam"),
    "µg": _h("mi-crô-gam"),
    "μg": _h("mi-crô-gam"),
    "g": "gam",
    "ml": _h("mi-li-lít"),
    "l": "lít",
    "°C": "độ xê",
    "ºC": "độ xê",
    "°": "độ",
    "ha": _h("héc-ta"),
    "đ": "đồng",
    "VNĐ": "đồng",
    "VND": "đồng",
    "USD": "đô la Mỹ",
    "tr": "triệu",
    "k": "nghìn",
}

LETTERS = {
    "A": "a",
    "B": "bê",
    "C": "xê",
    "D": "dê",
    "Đ": "đê",
    "E": "e",
    "F": "ép",
    "G": "gờ",
    "H": "hát",
    "I": "i",
    "J": "gi",
    "K": "ca",
    "L": "lờ",
    "M": "mờ",
    "N": "nờ",
    "O": "ô",
    "P": "pê",
    "Q": "quy",
    "R": "rờ",
    "S": "ét",
    "T": "tê",
    "U": "u",
    "V": "vê",
    "W": "vê kép",
    "X": "ích",
    "Y": "i",
    "Z": "dét",
}

MONTHS = {1: "một", 4: "tư"}
WEEKDAYS = {"T2": "thứ hai", "T3": "thứ ba", "T4": "thứ tư", "T5": "thứ năm", "T6": "thứ sáu", "T7": "thứ bảy"}
WEEKDAYS |= {"CN": "chủ nhật"}
DATE_CUES = (
    r"(?:ngày|hôm|từ|đến|tới|trước|sau|hết|sáng|chiều|tối|đêm|trưa|vào|dịp|hạn|chủ nhật"
    r"|thứ (?:hai|ba|tư|năm|sáu|bảy))"
)
# Administrative units written with a dot ("H. Trà Cú", "TX. Duyên Hải", "P.4", "Q.1").
UNIT_PREFIXES = {"TX": "thị xã", "TT": "thị trấn", "TP": "thành phố", "H": "huyện", "X": "xã", "P": "phường"}
UNIT_PREFIXES |= {"Q": "quận"}
# Kinds of administrative documents, read in a document number ("2686/QĐ-BCĐQG").
DOCUMENT_KINDS = {"TT": "thông tư", "TTr": "tờ trình", "QH": "quốc hội"}
EMERGENCY_NUMBERS = r"(?:11[1-5]|1022)"  # police, fire, rescue, ambulance; province help line
EMERGENCY_CUES = r"(?:số|gọi|quay|bấm|tổng đài|đường dây nóng|hotline|liên hệ|cấp cứu|khẩn cấp)"
COUNTED = ("người", "ca", "trường hợp", "liều", "mũi", "hộ", "lượt", "xã", "huyện")  # "số 113 người" is a count
RATIO_CUES = r"(?:tỷ lệ|tỉ lệ|pha|pha loãng|theo tỷ lệ|theo tỉ lệ)"
PHONE_CUES = r"(?:gọi|điện thoại|đt|sđt|hotline|đường dây nóng|tổng đài|liên hệ|số máy)"
PER_WORDS = ("ngày", "tuần", "tháng", "năm", "giờ", "người", "lần", "liều", "ca")
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"[aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ]{1,3}"
    r"(?:ch|ng|nh|[cmnpt])?",
    re.IGNORECASE,
)


def _alternation(keys) -> str:
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


_ABBR = re.compile(rf"(?<![\w.])(?:{_alternation(ABBREVIATIONS)})(?![\w])")
_FOREIGN = re.compile(rf"(?<![\w])(?:{_alternation(FOREIGN)})(?![\w])", re.IGNORECASE)
_UNIT = re.compile(rf"(?<![\w.,])({NUMBER})\s?({_alternation(UNITS)})(?![\w²])")


def _month(m: int) -> str:
    return MONTHS.get(m, number_words(m))


def _valid(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _date(match: re.Match) -> str:
    before, d, m, y = match.group("before") or "", int(match.group("d")), int(match.group("m")), match.group("y")
    if not _valid(d, m):
        return match.group(0)
    lead = before if before.strip().lower() == "ngày" else before + "ngày "
    return f"{lead}{number_words(d)} tháng {_month(m)} năm {number_words(int(y))}"


def _iso_date(match: re.Match) -> str:
    y, m, d = (int(g) for g in match.groups())
    if not _valid(d, m):
        return match.group(0)
    return f"ngày {number_words(d)} tháng {_month(m)} năm {number_words(y)}"


def _day_month(match: re.Match) -> str:
    cue, d, m = match.group("cue"), int(match.group("d")), int(match.group("m"))
    if not _valid(d, m):
        return match.group(0)
    lead = cue + " " if cue.lower() == "ngày" else f"{cue} ngày "
    return f"{lead}{number_words(d)} tháng {_month(m)}"


def _month_year(match: re.Match) -> str:
    before, m, y = match.group("before") or "", int(match.group("m")), int(match.group("y"))
    if not 1 <= m <= 12:
        return match.group(0)
    lead = before if before.strip().lower() == "tháng" else before + "tháng "
    return f"{lead}{_month(m)} năm {number_words(y)}"


def _date_range(match: re.Match) -> str:
    """ "15-20/7" → "từ ngày mười lăm đến ngày hai mươi tháng bảy"."""
    d1, d2, m, y = int(match.group("d1")), int(match.group("d2")), int(match.group("m")), match.group("y")
    if not (_valid(d1, m) and _valid(d2, m) and d1 < d2):
        return match.group(0)
    spoken = f"từ ngày {number_words(d1)} đến ngày {number_words(d2)} tháng {_month(m)}"  # replaces "từ", "ngày"
    return spoken + (f" năm {number_words(int(y))}" if y else "")


def _document_number(match: re.Match) -> str:
    """ "Số 12/QĐ-UBND" → "Số mười hai, quyết định, ủy ban nhân dân"; the year of "15/2021/NĐ-CP" is read too."""
    lead, n, year = match.group("so") or "số ", int(match.group("n")), match.group("y")
    parts = [f"{lead.strip()} {number_words(n)}"] + ([f"năm {number_words(int(year))}"] if year else [])
    for code in match.group("codes").split("-"):
        word = DOCUMENT_KINDS.get(code) or ABBREVIATIONS.get(code)
        parts.append(word if word else " ".join(LETTERS.get(c, c) for c in code.upper()))
    return ", ".join(parts)


def _time(match: re.Match) -> str:
    h, m = int(match.group("h")), int(match.group("m") or 0)
    if h > 24 or m > 59:
        return match.group(0)
    return f"{number_words(h)} giờ" + (f" {number_words(m)} phút" if m else "")


def _phone(match: re.Match) -> str:
    raw = match.group("num")
    groups = re.split(r"[ .\-]", raw)
    if len(groups) == 1 and len(raw) >= 9:
        digits = raw.replace("+", "")
        groups = [digits[:4], digits[4:7], digits[7:]]
    spoken = ", ".join(("cộng " if g.startswith("+") else "") + digits_words(g) for g in groups if g)
    return match.group("cue") + spoken


def _address(match: re.Match) -> str:
    """A web or e-mail address read out: "syt@travinh.gov.vn" → "syt a còng travinh chấm gov chấm vn"."""
    text = re.sub(r"^https?://|/$", "", match.group(0))
    for sign, word in (
        ("@", " a còng "),
        (".", " chấm "),
        ("/", " gạch chéo "),
        ("-", " gạch ngang "),
        ("_", " gạch dưới "),
    ):
        text = text.replace(sign, word)
    return " ".join(text.split())


def _spell(match: re.Match) -> str:
    word = match.group(0)
    if _SYLLABLE.fullmatch(word):
        return word
    return " ".join(LETTERS.get(c, c) for c in word)


def _fraction(match: re.Match) -> str:
    """ "1/3" → "một phần ba"; "120/80" (a ratio such as blood pressure) → "một trăm hai mươi trên tám mươi"."""
    a, b = int(match.group(1)), int(match.group(2))
    return f"{number_words(a)} {'phần' if 0 < a < b else 'trên'} {number_words(b)}"


def _ordinal(match: re.Match) -> str:
    n = int(match.group(2))
    return f"{match.group(1)} " + {1: "nhất", 4: "tư"}.get(n, number_words(n))


def normalize(text: str) -> str:
    """The text exactly as it will be spoken: every number, date, time, unit, abbreviation and foreign word
    written out in Vietnamese words."""
    s = unicodedata.normalize("NFC", text or "")
    s = re.sub(r"[–—]", "-", s)
    s = re.sub(
        r"https?://\S+?(?=[.,;:!?)]*(?:\s|$))|www\.\S+?(?=[.,;:!?)]*(?:\s|$))|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", _address, s
    )
    s = re.sub(r"[•*#_~|]+", " ", s)
    s = re.sub(r"(?<!\w)(và|Và)/hoặc(?!\w)", r"\1 hoặc", s)
    s = re.sub(
        rf"(?P<cue>(?<!\w)(?<!tổng\s){EMERGENCY_CUES}(?:\s+ngay)?\s*:?\s*)(?P<num>{EMERGENCY_NUMBERS}"
        rf"(?:\s*(?:,|và|hoặc)\s*{EMERGENCY_NUMBERS})*)(?![\d,.]\d|\d|\s*(?:{'|'.join(COUNTED)})(?!\w))",
        lambda m: m.group("cue") + re.sub(r"\d+", lambda d: digits_words(d.group(0)), m.group("num")),
        s,
        flags=re.IGNORECASE,
    )
    # Phone numbers first (they look like other numbers): after a cue word, or shaped like one.
    s = re.sub(r"\((0\d{2,3})\)\s*", r"\1 ", s)  # "(0294) 3855 123"
    s = re.sub(
        rf"(?P<cue>(?<!\w){PHONE_CUES}\s*:?\s*)(?P<num>\+?\d[\d .\-]{{1,14}}\d)(?![\d,])",
        _phone,
        s,
        flags=re.IGNORECASE,
    )
    s = re.sub(
        r"(?P<cue>)(?<![\w.,])(?P<num>(?:\+84[ .]?|0)\d{2,3}(?:[ .\-]?\d{3,4}){2}"
        r"|(?:1800|1900)[ .]?\d{3,4}(?:[ .]?\d{2,3})?)(?![\w,]|\.\d)",
        _phone,
        s,
    )
    s = re.sub(
        r"(?P<so>(?<!\w)[Ss]ố\s+)?(?<![\w/])(?P<n>\d+)(?:/(?P<y>\d{4}))?/"
        r"(?P<codes>[A-ZĐ][A-ZĐa-z&]*(?:-[A-ZĐ][A-ZĐa-z&]*)*)(?![\w])",
        _document_number,
        s,
    )
    s = re.sub(r"(?<=\w)/(?=[A-ZĐ])", " ", s)
    s = re.sub(
        rf"(?<![\w.])({_alternation(UNIT_PREFIXES)})\.\s*(?=\d|[A-ZĐÂĂÊÔƠƯ])",
        lambda m: UNIT_PREFIXES[m.group(1)] + " ",
        s,
    )
    s = re.sub(rf"(?<![\w])({_alternation(WEEKDAYS)})(?![\w])", lambda m: WEEKDAYS[m.group(1)], s)
    s = _FOREIGN.sub(lambda m: FOREIGN[m.group(0).lower()], s)
    s = _ABBR.sub(lambda m: ABBREVIATIONS[m.group(0)], s)
    s = re.sub(r"(?<=[A-ZĐa-zđ])-(?=[A-ZĐ])", " ", s)
    # Dates and times.
    s = re.sub(
        r"(?P<cue>(?<!\w)(?:từ\s+)?(?:ngày\s+)?)(?<![\d/.])(?P<d1>\d{1,2})\s?-\s?(?P<d2>\d{1,2})/(?P<m>\d{1,2})"
        r"(?:/(?P<y>\d{4}))?(?![\d/])",
        _date_range,
        s,
        flags=re.IGNORECASE,
    )
    s = re.sub(
        r"(?P<before>(?<!\w)ngày\s+)?(?<![\d/.])(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})(?![\d/])",
        _date,
        s,
        flags=re.IGNORECASE,
    )
    s = re.sub(r"(?<![\d/\-])(\d{4})-(\d{2})-(\d{2})(?![\d\-])", _iso_date, s)
    s = re.sub(
        r"(?P<before>(?<!\w)tháng\s+)?(?<![\d/.])(?P<m>\d{1,2})/(?P<y>\d{4})(?![\d/])",
        _month_year,
        s,
        flags=re.IGNORECASE,
    )
    s = re.sub(
        rf"(?<!\w)(?P<cue>{DATE_CUES}),?\s+"
        r"(?P<d>\d{1,2})/(?P<m>\d{1,2})(?![\d/])",
        _day_month,
        s,
        flags=re.IGNORECASE,
    )
    s = re.sub(
        r"(?P<cue>(?<!\w)tháng\s+\w+(?:\s+và|\s+đến|,))\s*(?P<d>\d{1,2})/(?P<m>\d{1,2})(?![\d/])",
        _day_month,
        s,
        flags=re.IGNORECASE,
    )  # "30/4 và 1/5": the second one is a date too
    s = re.sub(
        rf"(?P<cue>(?<!\w){RATIO_CUES}\s+(?:là\s+)?)(?P<a>\d+):(?P<b>\d+)(?![\d:])",
        lambda m: f"{m.group('cue')}{number_words(int(m.group('a')))} trên {number_words(int(m.group('b')))}",
        s,
        flags=re.IGNORECASE,
    )
    s = re.sub(r"(?<![\w:,.])(?P<h>\d{1,2}):(?P<m>\d{2})(?::\d{2})?(?![\d:])", _time, s)
    s = re.sub(
        r"(?<![\w:,.])(\d+):(\d+)(?![\d:])",
        lambda m: f"{number_words(int(m.group(1)))} trên {number_words(int(m.group(2)))}",
        s,
    )
    s = re.sub(r"(?<![\w:,.])(?P<h>\d{1,2})\s?[hg](?P<m>\d{2})?(?:'|p|ph)?(?![\w])", _time, s)
    # Ordinals, percentages, units, ranges, then every remaining number.
    s = re.sub(r"(?<!\w)(thứ|Thứ)\s+(\d+)(?!\d)", _ordinal, s)
    s = re.sub(rf"(?<![\w.,])({NUMBER})\s?-\s?(?=\d)", lambda m: number_text(m.group(1)) + " đến ", s)
    s = re.sub(rf"(?<![\w.,])({NUMBER})\s?%", lambda m: number_text(m.group(1)) + " phần trăm", s)
    s = re.sub(r"(?<![\w])[x×](\d+)(?![\w])", lambda m: "nhân " + number_words(int(m.group(1))), s)
    s = _UNIT.sub(lambda m: f"{number_text(m.group(1))} {UNITS[m.group(2)]}", s)
    s = re.sub(r"(?<![\w])km(?![\w²/])", _h("ki-lô-mét"), s)
    s = re.sub(r"(?<![\w/])(\d+)/(\d+)(?![\w/])", _fraction, s)
    s = re.sub(NUMBER, lambda m: f" {number_text(m.group(0))} ", s)
    # Symbols and leftover acronyms.
    s = re.sub(r"\s*&\s*", " và ", s)
    s = re.sub(r"\s*\+\s*", " cộng ", s)
    s = re.sub(r"\s*(?:≥|>=)\s*", " từ ", s)
    s = re.sub(r"\s*(?:≤|<=)\s*", " tối đa ", s)
    s = re.sub(r"\s*>\s*", " trên ", s)
    s = re.sub(r"\s*<\s*", " dưới ", s)
    s = re.sub(rf"(?<=\w)/({'|'.join(PER_WORDS)})(?!\w)", r" mỗi \1", s)
    s = re.sub(r"(?<=\w)\s*/\s*(?=\w)", " trên ", s)
    s = re.sub(r"(?<![\w])[A-ZĐ]{2,6}(?![\w])", _spell, s)
    s = re.sub(r"^[ \t]*-[ \t]*", "", s, flags=re.MULTILINE)  # list bullets
    s = re.sub(r"[ \t]+-[ \t]+|[ \t]*-$", ", ", s, flags=re.MULTILINE)
    s = re.sub(r"(?<=\w)-(?=\w)", " ", s)
    s = re.sub(r"\s*\(\s*|\s*\)\s*", ", ", s)
    s = re.sub(r"[ \t]+", " ", s)
    s = re.sub(r"[ \t]+([,.;:!?])", r"\1", s)
    s = re.sub(r",(?:\s*,)+", ",", s)
    s = re.sub(r"([.;:!?]),|,([.;:!?])", r"\1\2", s)
    s = re.sub(r"(?m)^\s*,\s*|\s*,\s*$", "", s)
    return "\n".join(line.strip() for line in s.replace(HYPHEN, "-").splitlines()).strip()


# ---- synthesis --------------------------------------------------------------------------------------------

VOICES = {"north": "vi", "central": "vi-vn-x-central", "south": "vi-vn-x-south"}
ENGLISH_VOICE = "en"  # English variants are read as written, without the Vietnamese pre-normaliser
VOICE_LABELS = {"north": "Giọng miền Bắc", "central": "Giọng miền Trung", "south": "Giọng miền Nam"}

# Provinces by region (folded names) for the default voice; the rest speak with the northern voice.
_SOUTH = """ho chi minh, tp ho chi minh, thanh pho ho chi minh, binh duong, dong nai, ba ria vung tau,
ba ria - vung tau, tay ninh, binh phuoc, long an, tien giang, ben tre, tra vinh, vinh long, dong thap, an giang,
kien giang, can tho, hau giang, soc trang, bac lieu, ca mau"""
_CENTRAL = """thanh hoa, nghe an, ha tinh, quang binh, quang tri, thua thien hue, hue, da nang, quang nam, quang ngai,
binh dinh, phu yen, khanh hoa, ninh thuan, binh thuan, kon tum, gia lai, dak lak, dak nong, lam dong"""


def _names(block: str) -> set[str]:
    return {n.strip() for n in block.replace("\n", " ").split(",") if n.strip()}


def region_for(province: str) -> str:
    """ "Trà Vinh" → "south"; the region whose espeak-ng voice a province's listeners are used to."""
    name = re.sub(r"^(tinh|thanh pho|tp\.?)\s+", "", fold(province).strip())
    if name in _names(_SOUTH):
        return "south"
    if name in _names(_CENTRAL):
        return "central"
    return "north"


def voice_for(province: str) -> str:
    return VOICES[region_for(province)]


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


FORMATS = {"wav": "audio/wav", "mp3": "audio/mpeg", "ogg": "audio/ogg"}


def synthesize(text: str, out: Path, voice: str = "vi-vn-x-south", speed: int = 150, normalized: bool = False) -> Path:
    """Speak ``text`` (normalised first unless ``normalized``) into ``out``; the suffix picks WAV, MP3 or OGG."""
    out = Path(out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UserError("Định dạng âm thanh phải là WAV, MP3 hoặc OGG.", "Audio format must be WAV, MP3 or OGG.")
    if voice not in set(VOICES.values()) | {ENGLISH_VOICE}:
        raise UserError(f"Không có giọng đọc “{voice}”.", f"No such voice “{voice}”.")
    if not espeak_available():
        raise UserError(
            "Máy chủ chưa cài espeak-ng nên chưa đọc được văn bản thành tiếng.",
            "espeak-ng is not installed on the server, so text cannot be read aloud.",
            503,
        )
    spoken = text if normalized else normalize(text)
    if not spoken.strip():
        raise UserError("Không có nội dung để đọc.", "There is nothing to read aloud.")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(speed), "-b", "1", "-w", str(wav), "--stdin"],
            input=spoken.encode("utf-8"),
            check=True,
            capture_output=True,
            timeout=300,
        )
        if fmt == "wav":
            shutil.copyfile(wav, out)
        elif fmt == "mp3":
            _tool("lame")
            subprocess.run(
                ["lame", "--quiet", "-V", "5", str(wav), str(out)], check=True, capture_output=True, timeout=300
            )
        else:
            _tool("sox")
            subprocess.run(["sox", str(wav), "-C", "3", str(out)], check=True, capture_output=True, timeout=300)
    return out


def _tool(name: str) -> None:
    if shutil.which(name) is None:
        raise UserError(f"Máy chủ chưa cài {name}.", f"{name} is not installed on the server.", 503)


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


# MPEG audio: bitrates (kbit/s) of layer III by [MPEG-1?][index], sample rates by version bits
_MP3_BITRATES = {
    True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def mp3_seconds(data: bytes) -> float:
    """Duration of MP3 (layer III) data, from its frame headers: frames × samples per frame / sample rate. The
    encoder's information frame (Xing/Info) carries no sound and is not counted."""
    pos, samples, rate, first = 0, 0, 0, True
    if data[:3] == b"ID3" and len(data) >= 10:
        pos = 10 + ((data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F))
    while pos + 4 <= len(data):
        b1, b2 = data[pos + 1], data[pos + 2]
        version, layer, bitrate_i, rate_i = (b1 >> 3) & 3, (b1 >> 1) & 3, b2 >> 4, (b2 >> 2) & 3
        if data[pos] != 0xFF or b1 & 0xE0 != 0xE0 or version == 1 or layer != 1 or bitrate_i in (0, 15) or rate_i == 3:
            pos += 1  # not a layer III frame header: resynchronise
            continue
        mpeg1 = version == 3
        rate = _MP3_RATES[version][rate_i]
        length = (144 if mpeg1 else 72) * _MP3_BITRATES[mpeg1][bitrate_i] * 1000 // rate + ((b2 >> 1) & 1)
        frame = data[pos : pos + length]
        if not (first and (b"Xing" in frame[:64] or b"Info" in frame[:64])):
            samples += 1152 if mpeg1 else 576
        first = False
        pos += max(length, 1)
    return samples / rate if rate else 0.0


def file_seconds(path: Path) -> float:
    """Duration of a WAV, MP3 or OGG file (OGG through sox's ``soxi``); 0.0 when it cannot be read."""
    path = Path(path)
    try:
        head = path.read_bytes()[:16]
        if head[:4] == b"RIFF":
            return wav_seconds(path)
        if head[:4] == b"OggS":
            out = subprocess.run(["soxi", "-D", str(path)], check=True, capture_output=True, timeout=60)
            return float(out.stdout.decode().strip() or 0)
        return mp3_seconds(path.read_bytes())
    except (OSError, wave.Error, EOFError, ValueError, subprocess.CalledProcessError):
        return 0.0
