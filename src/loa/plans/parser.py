"""Parser for Vietnamese plan documents (Kế hoạch): text → the structured plan.

It repairs what PDF extraction leaves behind (a blank line after every line, sentences broken across lines,
stray spaces at page breaks), then reads the layout: header (issuer, number, date), title, preamble, Roman
numbered sections (purposes "MỤC ĐÍCH, YÊU CẦU", themes "NỘI DUNG", implementation "TỔ CHỨC THỰC HIỆN"
with numbered agency groups and their duty bullets), recipients ("Nơi nhận") and the signature block.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date

from loa.errors import UserError
from loa.plans.reading import read_document

MAX_CHARS = 2_000_000


class ParseError(UserError):
    """The document could not be read as a plan; says where parsing stopped."""

    def __init__(self, message: str, message_en: str, line: int = 0, snippet: str = ""):
        where_vi = f" (dừng ở dòng {line}: “{snippet[:80]}”)" if line else ""
        where_en = f" (stopped at line {line}: “{snippet[:80]}”)" if line else ""
        super().__init__(message + where_vi, message_en + where_en, 422)
        self.line = line


@dataclass
class CitedDocument:
    text: str
    kind: str
    number: str
    date: str = ""  # ISO date when given


@dataclass
class AgencyGroup:
    name: str
    bodies: list[str]
    duties: list[str] = field(default_factory=list)


@dataclass
class Signer:
    title: str = ""
    on_behalf: str = ""
    name: str = ""


@dataclass
class ParsedPlan:
    title: str
    issuer: list[str] = field(default_factory=list)
    number: str = ""
    date: str = ""
    preamble: str = ""
    cited_documents: list[CitedDocument] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    agency_groups: list[AgencyGroup] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer: Signer = field(default_factory=Signer)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ParsedPlan:
        return cls(
            **{
                **data,
                "cited_documents": [CitedDocument(**c) for c in data.get("cited_documents", [])],
                "agency_groups": [AgencyGroup(**g) for g in data.get("agency_groups", [])],
                "signer": Signer(**data.get("signer", {})),
            }
        )

    @property
    def duty_count(self) -> int:
        return sum(len(g.duties) for g in self.agency_groups)


def fold(text: str) -> str:
    """Lower case without diacritics: "Sở Y tế" → "so y te" (for matching only, never stored alone)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


# ---- line classification ----------------------------------------------------------------------------------

ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
RE_SECTION = re.compile(rf"^(?P<num>{ROMAN})\s*[-.–)]\s*(?P<title>\S.*)$")
RE_NUMBER = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})*)\s*[.)\-–]\s*(?P<text>\S.*)$")
RE_BULLET = re.compile(r"^(?P<mark>[-–—•*+])\s+(?P<text>\S.*)$")
RE_LETTER = re.compile(r"^(?P<mark>[a-zđ])\)\s*(?P<text>\S.*)$")
RE_SEPARATOR = re.compile(r"^[-–—_*=.\s]{3,}$|^\*$")
RE_DOC_KIND = re.compile(r"^(KẾ HOẠCH|CHƯƠNG TRÌNH|HƯỚNG DẪN|PHƯƠNG ÁN)\b")
RE_RECIPIENTS = re.compile(r"^Nơi nhận\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
RE_SIGN_ROLE = re.compile(r"^(T/M|TM\.?|K/T|KT\.?|Q\.|TL\.|TUQ\.)\s|BÍ THƯ|CHỦ TỊCH|TRƯỞNG BAN|GIÁM ĐỐC|TỔNG BIÊN TẬP")
HEADER_PHRASES = (
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Độc lập – Tự do – Hạnh phúc",
)
RE_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
RE_DOC_NUMBER = re.compile(r"^Số\s*:?\s*(?P<num>[\w./\-–]+)", re.IGNORECASE)
CITED_KINDS = (
    "Kế hoạch|Nghị định|Nghị quyết|Quyết định|Chỉ thị|Thông tư|Công văn|Kết luận|Hướng dẫn|Thông báo|Luật|Quy định"
)
RE_CITED = re.compile(
    rf"\b(?P<kind>{CITED_KINDS}) số\s+(?P<num>\d[\w/\-–.]*\w)"
    r"(?:\s*,?\s*ngày\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4}))?"
)

# Agency-kind words that start a new body after a comma in a group heading ("Báo Trà Vinh, Đài Phát thanh...").
BODY_STARTS = (
    "Báo",
    "Đài",
    "Sở",
    "Ban",
    "Ủy ban",
    "Uỷ ban",
    "UBND",
    "Hội",
    "Mặt trận",
    "Đoàn",
    "Tỉnh đoàn",
    "Công an",
    "Bộ Chỉ huy",
    "Huyện ủy",
    "Thành ủy",
    "Thị ủy",
    "Liên đoàn",
    "Trung tâm",
    "Văn phòng",
    "Bệnh viện",
    "Trường",
    "Phòng",
    "Cục",
    "Chi cục",
    "Hội đồng",
    "Liên minh",
    "Viện",
)
SECTION_KINDS = (
    ("purposes", ("muc dich", "yeu cau")),
    ("themes", ("noi dung",)),
    ("groups", ("to chuc thuc hien", "nhiem vu", "phan cong")),
)


@dataclass
class Line:
    no: int  # 1-based line number in the text
    text: str


def clean_lines(text: str) -> list[Line]:
    """Non-empty lines, NFC, whitespace collapsed (stray spaces at page breaks and doubled spaces go)."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\u200b\u200c\u200d\ufeff\u00ad]", "", text).replace("\u00a0", " ").replace("\t", " ")
    lines = []
    for no, raw in enumerate(re.split(r"\r\n|\r|\n|\f|\v|\u2028|\u2029", text), start=1):
        clean = " ".join(raw.split())
        if clean:
            lines.append(Line(no, clean))
    return lines


def is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def starts_item(text: str) -> bool:
    return bool(
        RE_BULLET.match(text)
        or RE_LETTER.match(text)
        or RE_NUMBER.match(text)
        or section_of(text)
        or RE_RECIPIENTS.match(text)
    )


def section_of(text: str) -> re.Match | None:
    m = RE_SECTION.match(text)
    return m if m and m.group("num") and is_upper(m.group("title")) else None


def join(parts: list[str]) -> str:
    """Rejoin a sentence broken across lines: Vietnamese words are separated by spaces, so one space."""
    return " ".join(p for p in parts if p).strip()


# ---- the parser -------------------------------------------------------------------------------------------


def parse_bytes(data: bytes) -> ParsedPlan:
    """Read a plan file of any supported format and parse it."""
    try:
        text = read_document(data)
    except UserError as exc:  # a broken .docx or PDF
        raise ParseError(exc.message, exc.message_en) from exc
    return parse_text(text)


def parse_text(text: str) -> ParsedPlan:
    """Parse a plan's text; raises ``ParseError`` saying where parsing stopped."""
    if len(text) > MAX_CHARS:
        raise ParseError("Văn bản quá dài để là một kế hoạch.", "The text is too long to be a plan.")
    lines = [ln for ln in clean_lines(text) if not RE_SEPARATOR.match(ln.text)]
    if not lines:
        raise ParseError("Tệp không có nội dung chữ.", "The file contains no text.")
    title_at = next((i for i, ln in enumerate(lines) if RE_DOC_KIND.match(ln.text)), None)
    if title_at is None:
        raise ParseError(
            "Không tìm thấy tiêu đề văn bản (“KẾ HOẠCH ...”).",
            "No document title (“KẾ HOẠCH ...”) found.",
            lines[0].no,
            lines[0].text,
        )
    plan = ParsedPlan(title="")
    _read_header(plan, lines[:title_at])
    i = _read_title(plan, lines, title_at)

    sections: list[tuple[str, list[Line], Line]] = []  # (kind, lines, heading)
    preamble: list[str] = []
    tail_at = len(lines)
    for j in range(i, len(lines)):
        ln = lines[j]
        if RE_RECIPIENTS.match(ln.text):
            tail_at = j
            break
        m = section_of(ln.text)
        if m:
            sections.append((_section_kind(m.group("title")), [], ln))
        elif sections:
            sections[-1][1].append(ln)
        else:
            preamble.append(ln.text)
    plan.preamble = join(preamble)
    if not sections:
        stop = lines[min(i, len(lines) - 1)]
        raise ParseError(
            "Không tìm thấy các phần đánh số La Mã (I-, II-, III-).",
            "No Roman-numbered sections (I-, II-, III-) found.",
            stop.no,
            stop.text,
        )
    for kind, body, heading in sections:
        if kind == "purposes":
            plan.purposes += _items(body)
        elif kind == "themes":
            plan.themes += _items(body)
        elif kind == "groups":
            plan.agency_groups += _groups(body, heading)
    if not plan.agency_groups:
        heading = next((h for k, _b, h in sections if k == "groups"), sections[-1][2])
        raise ParseError(
            "Không tìm thấy phần “TỔ CHỨC THỰC HIỆN” có các cơ quan được giao nhiệm vụ.",
            "No “TỔ CHỨC THỰC HIỆN” section naming agencies and their duties found.",
            heading.no,
            heading.text,
        )
    _read_tail(plan, lines[tail_at:])
    plan.cited_documents = cited_documents(
        " ".join([plan.preamble] + plan.purposes + plan.themes + [d for g in plan.agency_groups for d in g.duties])
    )
    return plan


def _section_kind(title: str) -> str:
    folded = fold(title)
    return next((kind for kind, keys in SECTION_KINDS if any(k in folded for k in keys)), "other")


def _read_header(plan: ParsedPlan, lines: list[Line]) -> None:
    for ln in lines:
        text = ln.text
        for phrase in HEADER_PHRASES:
            text = text.replace(phrase, " ")
        text = " ".join(text.split())
        n = RE_DOC_NUMBER.match(text)
        if n:
            plan.number = n.group("num").strip(".,")
            text = text[n.end() :]
        m = RE_DATE.search(text)
        if m:
            try:
                plan.date = plan.date or date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
            except ValueError:
                pass
            text = re.sub(r"[^,]*,\s*$", "", text[: m.start()])  # "Trà Vinh, ngày ..." → the place goes too
        text = text.strip(" ,-*")
        if text and is_upper(text):
            plan.issuer.append(text)


def _read_title(plan: ParsedPlan, lines: list[Line], at: int) -> int:
    parts = [lines[at].text]
    i = at + 1
    while i < len(lines) and len(parts) < 5:
        text = lines[i].text
        if (
            starts_item(text)
            or re.match(r"^(Thực hiện|Căn cứ|Triển khai|Theo|Để|Nhằm)\b", text)
            or parts[-1].endswith((".", ":"))
            or text.endswith(":")
        ):
            break
        parts.append(text)
        i += 1
    plan.title = join(parts)
    return i


def _paragraphs(lines: list[Line]) -> list[tuple[str, Line]]:
    """Group lines into paragraphs: a paragraph starts at a bullet or a number, or after a short heading line."""
    paras: list[tuple[list[str], Line]] = []
    for ln in lines:
        new = not paras or starts_item(ln.text)
        if not new and len(paras[-1][0]) == 1 and RE_NUMBER.match(paras[-1][0][0]):
            prev = paras[-1][0][0]  # a numbered heading ends at its line unless the next line carries on lower-case
            new = not (ln.text[:1].islower() or prev.endswith((",", "-", "–")))
        if new:
            paras.append(([ln.text], ln))
        else:
            paras[-1][0].append(ln.text)
    return [(join(parts), first) for parts, first in paras]


def _strip_mark(text: str) -> str:
    for pattern in (RE_BULLET, RE_LETTER):
        m = pattern.match(text)
        if m:
            return m.group("text")
    return text


def _items(lines: list[Line]) -> list[str]:
    """Bullet items of a section; "+ " sub-items stay inside the item they belong to."""
    items: list[str] = []
    for text, _first in _paragraphs(lines):
        if text.startswith("+ ") and items:
            items[-1] += "\n" + text
        else:
            m = RE_NUMBER.match(text)
            items.append(m.group("text") if m and not RE_BULLET.match(text) else _strip_mark(text))
    return items


def _groups(lines: list[Line], heading: Line) -> list[AgencyGroup]:
    groups: list[AgencyGroup] = []
    for text, first in _paragraphs(lines):
        m = RE_NUMBER.match(text)
        if m and "." not in m.group("num") and not RE_BULLET.match(text):
            name = m.group("text").rstrip(" .:")
            groups.append(AgencyGroup(name=name, bodies=split_bodies(name)))
        elif not groups:
            raise ParseError(
                "Phần “TỔ CHỨC THỰC HIỆN” phải bắt đầu bằng cơ quan được đánh số (1., 2., ...).",
                "The “TỔ CHỨC THỰC HIỆN” section must start with a numbered agency (1., 2., ...).",
                first.no,
                first.text,
            )
        elif text.startswith("+ ") and groups[-1].duties:
            groups[-1].duties[-1] += "\n" + text
        else:
            groups[-1].duties.append(_strip_mark(text))
    return groups


def split_bodies(name: str) -> list[str]:
    """ "Báo Trà Vinh, Đài Phát thanh - Truyền hình Trà Vinh" → two bodies; "Sở Văn hóa, Thể thao và Du lịch" → one."""
    starts = "|".join(re.escape(s) for s in BODY_STARTS)
    parts = re.split(rf"\s*(?:,|;|\bvà)\s+(?=(?:{starts})\b)", name)
    return [p.strip(" ,;") for p in parts if p.strip(" ,;")]


def cited_documents(text: str) -> list[CitedDocument]:
    found: list[CitedDocument] = []
    for m in RE_CITED.finditer(text):
        when = ""
        if m.group("y"):
            try:
                when = date(int(m.group("y")), int(m.group("m")), int(m.group("d"))).isoformat()
            except ValueError:
                when = ""
        doc = CitedDocument(text=m.group(0).strip(), kind=m.group("kind"), number=m.group("num"), date=when)
        if all(d.number != doc.number for d in found):
            found.append(doc)
    return found


def _read_tail(plan: ParsedPlan, lines: list[Line]) -> None:
    """Recipients ("Nơi nhận:" and dashed lines) and the signature block (upper-case role lines, then a name)."""
    recipients: list[list[str]] = []
    signature: list[str] = []
    for ln in lines:
        text = ln.text
        m = RE_RECIPIENTS.match(text)
        if m:
            text = m.group("rest").strip()
            if not text:
                continue
        bullet = RE_BULLET.match(text)
        if bullet:
            recipients.append([bullet.group("text")])
        elif RE_SIGN_ROLE.search(text) and is_upper(text) or signature:
            signature.append(text)
        elif recipients:
            recipients[-1].append(text)
    plan.recipients = [join(parts).rstrip(" ,;.") for parts in recipients]
    roles = [s for s in signature if is_upper(s)]
    names = [s for s in signature if not is_upper(s) and len(s.split()) <= 6]
    if roles:
        if len(roles) > 1 and RE_SIGN_ROLE.match(roles[0]):
            plan.signer.on_behalf, plan.signer.title = roles[0], " ".join(roles[1:])
        else:
            plan.signer.title = " ".join(roles)
    if names:
        plan.signer.name = names[-1]
