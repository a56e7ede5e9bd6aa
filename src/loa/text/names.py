"""Finding people's names in text from the public, for ``scrub`` (``[TÊN]``).

Three signs mark a name: a kinship term or honorific before it ("chị Lan", "ông Nguyễn Văn Bình", "cháu Na"), a
self-introduction ("tôi tên là Bình", "mình là Nguyễn Thị Hoa"), or a full name of three or four words built on a
Vietnamese (or Khmer-Vietnamese) surname ("Thạch Thị Sa Rol"). A name is kept when it is a place (the gazetteer's
provinces and districts and look-alike communes in ``data/scrub_places.txt``: "Bà Rịa", "Cô Tô", "Long Hòa"), follows a
place or institution word ("xã", "đường", "trường"), is a historical figure streets are named after ("Lê Lợi",
"Bác Hồ"), or is a public official or health professional named in their role ("Bộ trưởng Bộ Y tế Nguyễn Thanh
Long", "ông Nguyễn Văn A, Chủ tịch UBND xã"). Lower-case names are recognised only after a kinship term or in a
self-introduction, and only among common given names that are not everyday words.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from loa.text.normalize import normalize, strip_diacritics

_UPPER = "".join(c for c in map(chr, [*range(0x41, 0x250), *range(0x1E00, 0x1F00)]) if c.isupper())
_CAP = rf"(?:[{_UPPER}](?:(?![{_UPPER}])[^\W\d_])*(?!\w))"  # "Lan", "Đức", "A"; not "SYT", "F0"
_SP = r"[ \t]+"

HONORIFICS = "anh chị ông bà cô chú bác em cháu cậu mợ dì dượng thím cụ bé bạn con thằng o mệ chàng nàng ả".split()
SURNAMES = set(
    """nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý thạch kim sơn lâm trương đinh
    đoàn lương mai tô cao châu tạ hà quách thái la lưu trịnh tăng từ triệu kiều thân chu diệp giang hứa khúc
    lạc lục mạc mã nghiêm ninh quan tôn trình tống viên vương lò điểu danh lã""".split()
)
SURNAMES |= {strip_diacritics(n) for n in SURNAMES} - {"ha", "la", "to", "mai", "cao", "kim", "son", "lam"}
# Given names recognised in lower case after a kinship term or in a self-introduction: none is an everyday word
# that commonly follows "anh", "chị", "em" ("anh hùng", "chú ý", "em bé" stay; "thảo luận", "liên hệ", "phong
# tỏa", "hằng ngày", "trang bị", "tài xế", "huy động" rule out Thảo, Liên, Phong, Hằng, Trang, Tài, Huy).
GIVEN_LOWER = set(
    """lan hoa cúc huệ linh nga ngọc nhung oanh phượng thủy thúy trinh tuyết yến dũng tuấn hiếu lộc thịnh tùng
    cường đức khang tú na ngân nhi uyên vy xuyến my diệp giang huyền kiều liễu nguyệt nương phương quế trâm
    tuyền""".split()
)
# Capitalised words that are not names (roles, agencies, days, function words, brands) and end a name.
_NOT_NAME = set(
    """bộ sở ủy uỷ ubnd trạm trung bệnh hội đoàn mặt công ban phòng cục viện y trưởng phó chủ bí giám tổ đội xã
    phường huyện quận tỉnh thành ấp khóm thôn xóm covid tết zalo facebook pfizer moderna astrazeneca vero
    sinopharm ngày tháng thứ chúng họ nó ai các những mọi nhà người dân vắc tiêm thuốc trường nhờ cảm ơn xin
    dạ vâng hôm nay khi nếu vì nhưng và hay hoặc thì là có không được bị đã đang sẽ rồi còn cũng ở tại từ đến
    về ra vào cho với của theo sau trước trong ngoài trên dưới giữa bên gần xa thưa kính gửi đồng chào ạ nhé
    nha corona delta omicron google youtube tiktok messenger telegram trời bụt phật chúa""".split()
)
# Kinship words and pronouns: no name starts with one, though many end with one ("Phương Anh", "Kim Chi").
_NOT_FIRST = set("tôi em anh chị mình ông bà cô chú bác cháu con mẹ bố má cha vợ chồng bé".split())
# Words that, just before a name, make it a place or an institution ("xã Long Hòa", "đường Lê Lợi").
_PLACE_BEFORE = re.compile(
    r"(?<!\w)(?i:xã|phường|thị trấn|huyện|quận|thị xã|tỉnh|thành phố|tp\.?|ấp|khóm|thôn|xóm|bản|buôn|sóc|phum|khu phố|"
    r"kp\.?|đường|phố|hẻm|ngõ|kiệt|cầu|chợ|sông|núi|đảo|kênh|rạch|trường|thpt|thcs|tiểu học|bệnh viện|bv|"
    r"công viên|quảng trường|đền|chùa|miếu|nhà thờ|lăng|bến|vàm|cồn|cù lao|vịnh|đình|ga|sân bay|khu|"
    r"trạm y tế|trung tâm y tế|ttyt|tượng|giải|quỹ|tàu|nhà văn hóa|số nhà)[ \t]+$"
)
# An official's or professional's title: their name, in that role, stays. Agency words may stand in between.
_TITLE = (
    r"(?i:thủ tướng|bộ trưởng|thứ trưởng|chủ tịch|bí thư|giám đốc|trưởng ban|trưởng phòng|trưởng khoa|trưởng "
    r"trạm|trạm trưởng|cục trưởng|vụ trưởng|viện trưởng|hiệu trưởng|người phát ngôn|đại biểu|đồng chí|chủ "
    r"nhiệm|bác sĩ|bác sỹ|bs\.?|gs\.?|pgs\.?|ts\.?|ths\.?|bsckii|bscki|giáo sư|tiến sĩ|thạc sĩ|dược sĩ|y sĩ|"
    r"điều dưỡng|đại tá|thượng tá|trung tá|thiếu tá|thiếu tướng|trung tướng|thượng tướng|đại tướng|trưởng ấp|"
    r"trưởng khóm|tổ trưởng|trưởng công an|nhà báo|phóng viên|nhà thơ|nhà văn|ca sĩ|nghệ sĩ|diễn viên)"
)
_AGENCY_WORD = (
    r"(?:[A-ZĐ]{2,}|" + _CAP + r"|tỉnh|huyện|xã|phường|quận|thị|trấn|thành|phố|tp\.?|tế|y|nhân|dân|ban|nước|"
    r"chính|phủ|trung|ương|thường|trực|kiểm|soát|bệnh|tật|tâm|ủy|phó|và|các|chi|bộ|hội|đồng|ông|bà|-|,)"
)
_TITLE_BEFORE = re.compile(rf"{_TITLE}(?:{_SP}{_AGENCY_WORD}){{0,10}}[ \t,]+$")
_TITLE_AFTER = re.compile(rf"^[ \t]*[,(–-][ \t]*(?i:phó[ \t]+)?{_TITLE}")
_HISTORICAL = {
    strip_diacritics(normalize(n.strip())).lower()
    for n in """Hồ Chí Minh|Bác Hồ|Lê Lợi|Lê Lai|Trần Hưng Đạo|Nguyễn Huệ|Nguyễn Trãi|Nguyễn Du|Lý Thường Kiệt|
    Quang Trung|Hai Bà Trưng|Bà Triệu|Nguyễn Đình Chiểu|Phan Bội Châu|Phan Châu Trinh|Võ Thị Sáu|Nguyễn Thị Minh
    Khai|Lê Văn Tám|Võ Văn Kiệt|Phạm Văn Đồng|Lê Duẩn|Tôn Đức Thắng|Nguyễn Văn Trỗi|Trần Phú|Lê Thánh Tông|Ngô
    Quyền|Đinh Tiên Hoàng|Lý Thái Tổ|Trần Quốc Toản|Nguyễn Văn Cừ|Phạm Ngũ Lão|Nguyễn Đáng|Phạm Thái Bường|Nguyễn
    Thị Định|Lê Quý Đôn|Chu Văn An|Nguyễn Bỉnh Khiêm|Trương Định|Hoàng Hoa Thám|Lê Hồng Phong|Nguyễn An Ninh|Phan
    Đình Phùng|Trần Quang Khải|Lê Văn Sỹ|Huỳnh Thúc Kháng|Nguyễn Tri Phương|Kim Đồng|Võ Nguyên Giáp|Trường Chinh|
    Nguyễn Văn Linh|Lê Hồng Phong|Điện Biên Phủ|Nguyễn Thái Học|Hàm Nghi|Lê Thị Hồng Gấm|Nguyễn Văn Cừ|Trần Văn
    Ơn|Nguyễn Chí Thanh|Lê Văn Việt|Hoàng Văn Thụ|Nguyễn Thị Thập|Nguyễn Hữu Thọ|Lý Tự Trọng|Mạc Đĩnh Chi|Đồng
    Khởi|Kiên Thị Nhẫn|Sơn Thông|Lê Văn Tám|Nguyễn Thiện Thành|Điện Biên|Bạch Đằng""".replace("\n", " ").split("|")
}
_WORD_RUN = re.compile(rf"{_CAP}(?:{_SP}{_CAP}){{0,3}}(?!\w)")
_HONORIFIC = re.compile(rf"(?<!\w)(?i:{'|'.join(HONORIFICS)}){_SP}(?=\w)")
# The same typed without diacritics ("chi Lan", "ong Tam"): only a capitalised name may follow ("co lan" is "có lần").
_HONORIFIC_FOLDED = re.compile(rf"(?<!\w)(?i:anh|chi|ong|ba|co|chu|bac|em|chau|cau|di){_SP}(?=[{_UPPER}])")
_INTRO = re.compile(
    rf"(?<!\w)(?i:(?:tôi|mình|em|tui|tớ|con|cháu|tao){_SP}(?:tên(?:{_SP}là)?|là)|tên{_SP}(?:tôi|mình|em|con|cháu|"
    rf"tui){_SP}là|(?:tôi|mình|em){_SP}họ{_SP}tên(?:{_SP}là)?){_SP}(?=\w)"
)
_CAPS_BEFORE = re.compile(rf"(?:{_CAP}{_SP}){{1,2}}$")
_LOWER_WORD = re.compile(r"[^\W\d_]+(?!\w)")
_FULL = re.compile(rf"(?<!\w)(?={_CAP}{_SP}{_CAP}{_SP}{_CAP})")


@cache
def places() -> frozenset[str]:
    """Place names kept by the scrubber (lower case, one tone-mark placement)."""
    lines = (Path(__file__).parent / "data" / "scrub_places.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(_key([line]) for line in lines if line.strip() and not line.startswith("#"))


def _key(words: list[str]) -> str:
    """Lower case without diacritics: "Bà Rịa", "Ba Ria" and "bà rịa" are one place."""
    return strip_diacritics(normalize(" ".join(words))).lower()


def _is_place_or_figure(words: list[str]) -> bool:
    """A place or a historical figure, whole or as its first words ("Châu Thành A", "Hồ Chí Minh")."""
    return any(_key(words[:k]) in places() or _key(words[:k]) in _HISTORICAL for k in range(len(words), 0, -1))


def _in_role(s: str, start: int, end: int) -> bool:
    """An official or professional named with their title, before ("Bộ trưởng Bộ Y tế …") or after (", Chủ tịch")."""
    return bool(_TITLE_BEFORE.search(s[max(0, start - 120) : start]) or _TITLE_AFTER.match(s[end : end + 40]))


def _name_words(s: str, pos: int, lower_ok: bool, intro: bool) -> tuple[int, int] | None:
    """The name starting at ``pos``: capitalised words (up to four, stopped by a word that is no name), or, when
    ``lower_ok``, a lower-case given name or (in a self-introduction) a lower-case full name on a surname."""
    run = _WORD_RUN.match(s, pos)
    if run:
        words: list[str] = []
        end = pos
        for m in re.finditer(rf"{_CAP}", run.group()):
            if m.group().lower() in _NOT_NAME or (not words and m.group().lower() in _NOT_FIRST):
                break
            words.append(m.group())
            end = pos + m.end()
        return (pos, end) if words else None
    if not lower_ok:
        return None
    first = _LOWER_WORD.match(s, pos)
    if first is None:
        return None
    word = first.group()
    if word in GIVEN_LOWER and not intro:
        return pos, first.end()
    if intro and (word in SURNAMES or word in GIVEN_LOWER):
        end, count = first.end(), 1
        while count < 4:
            nxt = re.compile(rf"{_SP}([^\W\d_]+)(?!\w)").match(s, end)
            if nxt is None or nxt.group(1) in _NOT_NAME or not nxt.group(1).islower():
                break
            end, count = nxt.end(), count + 1
        return pos, end
    return None


def find_names(s: str) -> list[tuple[int, int]]:
    """Spans of people's names in ``s`` (NFC), unsorted and possibly overlapping."""
    found = []
    honorifics = [(m, True) for m in _HONORIFIC.finditer(s)] + [(m, False) for m in _HONORIFIC_FOLDED.finditer(s)]
    for m, lower_ok in honorifics:
        term = m.group().strip()
        span = _name_words(s, m.end(), lower_ok=lower_ok, intro=False)
        if span is None:
            continue
        words = s[span[0] : span[1]].split()
        before = _CAPS_BEFORE.search(s, 0, m.start())  # "Hai Bà Trưng": a place that starts before the honorific
        lead = before.group().split() if before else []
        if any(_is_place_or_figure([*lead[i:], term, *words]) for i in range(len(lead) + 1)):
            continue
        if _is_place_or_figure(words):
            continue
        if _PLACE_BEFORE.search(s[max(0, m.start() - 30) : m.start()]) or _in_role(s, m.start(), span[1]):
            continue
        found.append(span)
    for m in _INTRO.finditer(s):
        span = _name_words(s, m.end(), lower_ok=True, intro=True)
        if span and not _is_place_or_figure(s[span[0] : span[1]].split()):
            found.append(span)
    for m in _FULL.finditer(s):
        run = _WORD_RUN.match(s, m.start())
        if run is None:  # the lookahead saw three capitalised words, so a run starts here
            continue
        words = run.group().split()
        if words[0].lower() not in SURNAMES or any(w.lower() in _NOT_NAME for w in words[:3]):
            continue
        if _is_place_or_figure(words) or _PLACE_BEFORE.search(s[max(0, m.start() - 30) : m.start()]):
            continue
        if _in_role(s, m.start(), run.end()):
            continue
        found.append((m.start(), run.end()))
    return found
