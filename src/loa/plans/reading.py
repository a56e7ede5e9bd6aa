"""Turning an uploaded plan file into Unicode text: .docx, PDF with a text layer, UTF-8/UTF-16, Windows-1258,
and the legacy Vietnamese font encodings TCVN3 (ABC) and VNI, which many government files still use.

The TCVN3 and VNI tables below were written from the published character tables of TCVN 5712:1993 (VN3)
and of the VNI-Windows fonts.
"""

from __future__ import annotations

import io
import re
import unicodedata

from loa.archives import DOCX, check_package
from loa.errors import UserError

# TCVN3 (ABC): one byte per letter; the fonts have no capital letters with tone marks (those need a
# separate ".VnTimeH" font), so such capitals come back lower-case and are restored per word below.
TCVN3 = {
    0xA1: "Ă",
    0xA2: "Â",
    0xA3: "Ê",
    0xA4: "Ô",
    0xA5: "Ơ",
    0xA6: "Ư",
    0xA7: "Đ",
    0xA8: "ă",
    0xA9: "â",
    0xAA: "ê",
    0xAB: "ô",
    0xAC: "ơ",
    0xAD: "ư",
    0xAE: "đ",
    0xB5: "à",
    0xB6: "ả",
    0xB7: "ã",
    0xB8: "á",
    0xB9: "ạ",
    0xBB: "ằ",
    0xBC: "ẳ",
    0xBD: "ẵ",
    0xBE: "ắ",
    0xC6: "ặ",
    0xC7: "ầ",
    0xC8: "ẩ",
    0xC9: "ẫ",
    0xCA: "ấ",
    0xCB: "ậ",
    0xCC: "è",
    0xCE: "ẻ",
    0xCF: "ẽ",
    0xD0: "é",
    0xD1: "ẹ",
    0xD2: "ề",
    0xD3: "ể",
    0xD4: "ễ",
    0xD5: "ế",
    0xD6: "ệ",
    0xD7: "ì",
    0xD8: "ỉ",
    0xDC: "ĩ",
    0xDD: "í",
    0xDE: "ị",
    0xDF: "ò",
    0xE1: "ỏ",
    0xE2: "õ",
    0xE3: "ó",
    0xE4: "ọ",
    0xE5: "ồ",
    0xE6: "ổ",
    0xE7: "ỗ",
    0xE8: "ố",
    0xE9: "ộ",
    0xEA: "ờ",
    0xEB: "ở",
    0xEC: "ỡ",
    0xED: "ớ",
    0xEE: "ợ",
    0xEF: "ù",
    0xF1: "ủ",
    0xF2: "ũ",
    0xF3: "ú",
    0xF4: "ụ",
    0xF5: "ừ",
    0xF6: "ử",
    0xF7: "ữ",
    0xF8: "ứ",
    0xF9: "ự",
    0xFA: "ỳ",
    0xFB: "ỷ",
    0xFC: "ỹ",
    0xFD: "ý",
    0xFE: "ỵ",
}

# VNI-Windows: a base letter followed by a mark character (as the font draws it over the letter), plus a
# few letters of their own. Lower case marks, in the order ´ ` ̉ ˜ ̣ ; then ^ with tones, then ˘ with tones.
_VNI_TONES = "ùøûõï"
_VNI_CIRC = "âáàåãä"  # ^, ^´, ^`, ^̉, ^˜, ^̣
_VNI_BREVE = "êéèúüë"  # ˘, ˘´, ˘`, ˘̉, ˘˜, ˘̣
_TONED = {  # base → the five toned forms (acute, grave, hook, tilde, dot)
    "a": "áàảãạ",
    "e": "éèẻẽẹ",
    "o": "óòỏõọ",
    "u": "úùủũụ",
    "y": "ýỳỷỹỵ",
    "ơ": "ớờởỡợ",
    "ư": "ứừửữự",
}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for upper in (False, True):
        case = str.upper if upper else (lambda s: s)
        for base, forms in _TONED.items():
            vni_base = {"ơ": "ô", "ư": "ö"}.get(base, base)
            marks = _VNI_TONES if base != "y" else _VNI_TONES[:4]  # ỵ has its own character
            for mark, letter in zip(marks, forms):
                table[case(vni_base + mark)] = case(letter)
        for base, circ in (("a", "âấầẩẫậ"), ("e", "êếềểễệ"), ("o", "ôốồổỗộ")):
            for mark, letter in zip(_VNI_CIRC, circ):
                table[case(base + mark)] = case(letter)
        for mark, letter in zip(_VNI_BREVE, "ăắằẳẵặ"):
            table[case("a" + mark)] = case(letter)
        for vni, letter in (
            ("í", "í"),
            ("ì", "ì"),
            ("æ", "ỉ"),
            ("ó", "ĩ"),
            ("ò", "ị"),
            ("ô", "ơ"),
            ("ö", "ư"),
            ("î", "ỵ"),
            ("ñ", "đ"),
        ):
            table[case(vni)] = case(letter)
    return table


VNI = _vni_table()
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(VNI, key=len, reverse=True)))
_TCVN3_LOWER_ONLY = {c for c in TCVN3.values() if c.islower()}

COMMON_WORDS = set(
    "và của các trong được cho những với người phòng chống dịch tuyên truyền thông tin tỉnh công "
    "tác có là không để này đến một về nhân dân thực hiện xã hội kế hoạch chỉ đạo cơ quan".split()
)


_CP1252 = {i: bytes([i]).decode("cp1252") for i in range(0x80, 0xA0) if i not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


def _cp1252(data: bytes) -> str:
    """Bytes as a Windows (cp1252) font would show them; the five unassigned bytes as Latin-1."""
    return data.decode("latin-1").translate(_CP1252)


def tcvn3_to_unicode(text: str) -> str:
    """Text whose characters are TCVN3 bytes (as read through cp1252 or Latin-1) → Unicode."""
    return _restore_capitals(text.translate(TCVN3))  # every TCVN3 code is ≥ 0xA1, where cp1252 is Latin-1


_LOWER_ONLY_WORD = re.compile(r"\w*[" + "".join(sorted(_TCVN3_LOWER_ONLY)) + r"]\w*")


def _restore_capitals(text: str) -> str:
    """TCVN3 capitals with tones arrive lower-case: a line whose other letters are all capitals ("MụC ĐíCH")
    is upper-cased, and so is a word with at least two other letters, all capitals ("CầU")."""

    def caps(part: str, least: int) -> bool:
        if any(c.islower() and c not in _TCVN3_LOWER_ONLY for c in part):
            return False
        return sum(1 for c in part if c.isupper()) >= least

    lines = []
    for line in text.split("\n"):
        if not _LOWER_ONLY_WORD.search(line):
            lines.append(line)
        elif caps(line, 3):
            lines.append(line.upper())
        else:
            lines.append(
                _LOWER_ONLY_WORD.sub(lambda m: m.group(0).upper() if caps(m.group(0), 2) else m.group(0), line)
            )
    return "\n".join(lines)


def vni_to_unicode(text: str) -> str:
    """Text whose characters are VNI-Windows bytes (read through cp1252) → Unicode."""
    return _VNI_PATTERN.sub(lambda m: VNI[m.group(0)], text)


def vietnamese_score(text: str) -> int:
    """How many words of ``text`` are frequent Vietnamese words: picks the right reading of legacy bytes."""
    return sum(1 for w in re.findall(r"\w+", text.lower()[:200_000]) if w in COMMON_WORDS)


def decode_text(data: bytes) -> str:
    """Plain text bytes in any of the supported encodings → NFC Unicode."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _nfc(data[3:].decode("utf-8", errors="replace"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _nfc(data.decode("utf-16", errors="replace"))
    sample = data[:2000]
    if sample and sample.count(0) > len(sample) // 4:
        odd_zeros = sample[1::2].count(0)
        return _nfc(data.decode("utf-16-le" if odd_zeros > sample[0::2].count(0) else "utf-16-be", errors="replace"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        readings = [_nfc(data.decode("cp1258", errors="replace"))]
        raw = _cp1252(data)
        readings += [tcvn3_to_unicode(raw), _nfc(vni_to_unicode(raw))]
        return max(readings, key=vietnamese_score)  # first wins a tie: Windows-1258
    return repair_legacy(_nfc(text))


def repair_legacy(text: str) -> str:
    """Unicode text that is really TCVN3 or VNI seen through cp1252 ("Céng hoµ", "Vieät Nam") → proper text."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return text
    best = max([text, tcvn3_to_unicode(text), _nfc(vni_to_unicode(text))], key=vietnamese_score)
    return best if vietnamese_score(best) > vietnamese_score(text) else text


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def docx_text(data: bytes) -> str:
    from docx import Document

    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise UserError(
            "Tệp .docx bị hỏng hoặc không đọc được.", "The .docx file is broken or unreadable.", 422
        ) from exc
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:  # header and signature blocks are often laid out in tables
        for row in table.rows:
            lines.extend(c.text for c in row.cells)
    return _nfc("\n".join(lines))


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as exc:  # pypdf raises many kinds for a broken file
        raise UserError("Tệp PDF bị hỏng hoặc không đọc được.", "The PDF file is broken or unreadable.", 422) from exc
    if not text.strip():
        raise UserError(
            "Tệp PDF không có lớp chữ (có thể là bản quét): cần bản có chữ hoặc .docx.",
            "The PDF has no text layer (perhaps a scan): upload a text PDF or a .docx.",
            422,
        )
    return repair_legacy(_nfc(text))


def read_document(data: bytes) -> str:
    """Any supported plan file → Unicode text (NFC)."""
    if data.startswith(b"%PDF-"):
        return pdf_text(data)
    if data.startswith(b"PK\x03\x04"):
        check_package(data, DOCX)  # sizes, entry count, no DTD: before python-docx unpacks anything
        return docx_text(data)
    return decode_text(data)
