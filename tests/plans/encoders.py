"""Test helpers: the seed plan written in the formats and legacy encodings the parser must read."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

from loa.plans.reading import TCVN3, VNI

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "ke-hoach-thong-tin-tuyen-truyen-covid19.txt"
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def seed_bytes() -> bytes:
    assert SEED.exists(), f"the seed plan is read from {SEED} (shared/ beside the repository)"
    return SEED.read_bytes()


def seed_text() -> str:
    return seed_bytes().decode("utf-8")


def _cp1252(ch: str) -> bytes:
    return ch.encode("cp1252", errors="replace")


def to_tcvn3(text: str) -> bytes:
    """Unicode → TCVN3 bytes; capitals with tones fall back to the lower-case letter (no such glyph in ABC)."""
    inverse = {v: bytes([k]) for k, v in TCVN3.items()}
    return b"".join(inverse.get(ch) or inverse.get(ch.lower()) or _cp1252(ch) for ch in text)


def to_vni(text: str) -> bytes:
    inverse = {v: k for k, v in VNI.items()}
    return b"".join(inverse[ch].encode("cp1252") if ch in inverse else _cp1252(ch) for ch in text)


def to_cp1258(text: str) -> bytes:
    """Windows-1258 writes the tone as a combining mark after a (possibly precomposed) letter."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + tones)
    return "".join(out).encode("cp1258", errors="replace")


def to_docx(text: str) -> bytes:
    from docx import Document

    doc = Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def to_pdf(text: str) -> bytes:
    """A PDF with a text layer, one source line per line (as the seed itself was extracted from)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    from loa.documents import font_dir

    pdf = FPDF(format="A4")
    pdf.add_font("Serif", "", str(font_dir() / "DejaVuSerif.ttf"))
    pdf.set_font("Serif", "", 9)
    pdf.add_page()
    for line in text.splitlines():
        if line.strip():
            pdf.multi_cell(0, 4.5, line.strip(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
