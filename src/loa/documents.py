"""Administrative documents (reports, plans, print exports) in Vietnamese layout, rendered to DOCX and PDF.

A ``Document`` holds the parts a Vietnamese administrative document has (issuer and national or Party header
lines, number and place/date line, title, body, recipients, signature block); ``to_docx`` and ``to_pdf``
lay them out. The PDF embeds the DejaVu fonts that matplotlib ships, which cover Vietnamese.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

PARTY_HEADER = ("ĐẢNG CỘNG SẢN VIỆT NAM",)
NATIONAL_HEADER = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Paragraph:
    text: str


@dataclass
class Bullets:
    items: list[str]
    marker: str = "-"


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative column widths


Block = Heading | Paragraph | Bullets | Table


@dataclass
class Signature:
    title: str  # e.g. "PHÓ BÍ THƯ"
    name: str = ""
    on_behalf: str = ""  # e.g. "T/M BAN THƯỜNG VỤ"


@dataclass
class Document:
    title: str
    issuer: list[str] = field(default_factory=list)  # e.g. ["TỈNH ỦY TRÀ VINH", "BAN TUYÊN GIÁO"]
    header: tuple[str, ...] = PARTY_HEADER
    number: str = ""  # e.g. "12-BC/BTGTU" (written after "Số ")
    place: str = ""
    date: date | None = None
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signature: Signature | None = None

    def place_date(self) -> str:
        """"Trà Vinh, ngày 05 tháng 10 năm 2021" (dots left for a date filled in by hand)."""
        when = (f"ngày {self.date.day:02d} tháng {self.date.month:02d} năm {self.date.year}" if self.date
                else "ngày ..... tháng ..... năm .....")
        return f"{self.place}, {when}" if self.place else when.capitalize()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


# ---- DOCX -------------------------------------------------------------------------------------------------

def to_docx(doc: Document) -> bytes:
    """The document as a .docx file (Times New Roman 13 pt, A4, administrative margins)."""
    from docx import Document as Docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    out = Docx()
    section = out.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = out.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    style.paragraph_format.space_after = Pt(3)
    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY

    def para(container, text, *, bold=False, italic=False, align=None, size=None, indent=False):
        p = container.add_paragraph()
        run = p.add_run(_nfc(text))
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Cm(1)
        return p

    def two_columns(widths):
        table = out.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        cells = table.rows[0].cells
        for cell, w in zip(cells, widths):
            cell.width = Cm(w)
            cell.paragraphs[0].text = ""
        return cells

    left, right = two_columns((7, 9))
    for i, line in enumerate(doc.issuer):
        para(left, line, bold=i == len(doc.issuer) - 1, align=center)
    para(left, "*" if doc.header == PARTY_HEADER else "-----", align=center)
    if doc.number:
        para(left, f"Số {doc.number}", align=center)
    for i, line in enumerate(doc.header):
        para(right, line, bold=True, align=center, size=13 if i == 0 else 14)
    para(right, "---------------", align=center)
    para(right, doc.place_date(), italic=True, align=center)
    for cell in (left, right):
        cell._element.remove(cell.paragraphs[0]._element)

    para(out, doc.title.upper(), bold=True, align=center, size=14).paragraph_format.space_before = Pt(12)
    if doc.subtitle:
        para(out, doc.subtitle, bold=True, align=center)
    para(out, "-----", align=center)
    for block in doc.blocks:
        if isinstance(block, Heading):
            para(out, block.text, bold=True, italic=block.level > 1).paragraph_format.space_before = Pt(6)
        elif isinstance(block, Paragraph):
            para(out, block.text, align=justify, indent=True)
        elif isinstance(block, Bullets):
            for item in block.items:
                para(out, f"{block.marker} {item}", align=justify, indent=True)
        elif isinstance(block, Table):
            table = out.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header):
                cell.paragraphs[0].add_run(_nfc(text)).bold = True
            for row in block.rows:
                for cell, text in zip(table.add_row().cells, row):
                    cell.paragraphs[0].add_run(_nfc(str(text)))
            if block.widths:
                total = sum(block.widths)
                for row in table.rows:
                    for cell, w in zip(row.cells, block.widths):
                        cell.width = Cm(16 * w / total)
            out.add_paragraph()

    left, right = two_columns((7, 9))
    if doc.recipients:
        p = left.add_paragraph()
        run = p.add_run("Nơi nhận:")
        run.bold, run.italic, run.font.size = True, True, Pt(12)
        for r in doc.recipients:
            para(left, f"- {r}", size=11)
    if doc.signature:
        if doc.signature.on_behalf:
            para(right, doc.signature.on_behalf, bold=True, align=center)
        para(right, doc.signature.title, bold=True, align=center)
        for _ in range(3):
            para(right, "", align=center)
        if doc.signature.name:
            para(right, doc.signature.name, bold=True, align=center)
    for cell in (left, right):
        cell._element.remove(cell.paragraphs[0]._element)
        if not cell.paragraphs:
            cell.add_paragraph()

    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


# ---- PDF --------------------------------------------------------------------------------------------------

def font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def to_pdf(doc: Document) -> bytes:
    """The document as an A4 PDF with embedded DejaVu Serif (Vietnamese diacritics render and extract)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4", unit="mm")
    fonts = font_dir()
    for style, name in (("", "DejaVuSerif.ttf"), ("B", "DejaVuSerif-Bold.ttf"), ("I", "DejaVuSerif-Italic.ttf"),
                        ("BI", "DejaVuSerif-BoldItalic.ttf")):
        pdf.add_font("Serif", style, str(fonts / name))
    pdf.set_margins(25, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    left_w, right_w = width * 0.42, width * 0.58
    nl = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

    def line(text, *, x, w, style="", size=11, align="C", h=5.5):
        pdf.set_xy(x, pdf.get_y())
        pdf.set_font("Serif", style, size)
        pdf.multi_cell(w, h, _nfc(text), align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)

    def column(x, w, rows, top):
        pdf.set_y(top)
        for text, style, size, align in rows:
            line(text, x=x, w=w, style=style, size=size, align=align)
        return pdf.get_y()

    top = pdf.get_y()
    left_rows = [(t, "B" if i == len(doc.issuer) - 1 else "", 11, "C") for i, t in enumerate(doc.issuer)]
    left_rows.append(("*" if doc.header == PARTY_HEADER else "-----", "", 11, "C"))
    if doc.number:
        left_rows.append((f"Số {doc.number}", "", 11, "C"))
    right_rows = [(t, "B", 11 if i == 0 else 12, "C") for i, t in enumerate(doc.header)]
    right_rows += [("---------------", "", 11, "C"), (doc.place_date(), "I", 11, "C")]
    bottom = max(column(pdf.l_margin, left_w, left_rows, top),
                 column(pdf.l_margin + left_w, right_w, right_rows, top))

    pdf.set_y(bottom + 8)
    pdf.set_font("Serif", "B", 14)
    pdf.multi_cell(width, 7, _nfc(doc.title.upper()), align="C", **nl)
    if doc.subtitle:
        pdf.set_font("Serif", "B", 12)
        pdf.multi_cell(width, 6, _nfc(doc.subtitle), align="C", **nl)
    pdf.set_font("Serif", "", 12)
    pdf.multi_cell(width, 6, "-----", align="C", **nl)
    pdf.ln(2)

    for block in doc.blocks:
        if isinstance(block, Heading):
            pdf.ln(2)
            pdf.set_font("Serif", "B" if block.level == 1 else "BI", 12)
            pdf.multi_cell(width, 6.5, _nfc(block.text), align="L", **nl)
        elif isinstance(block, Paragraph):
            pdf.set_font("Serif", "", 12)
            pdf.multi_cell(width, 6.5, "      " + _nfc(block.text), align="J", **nl)
        elif isinstance(block, Bullets):
            pdf.set_font("Serif", "", 12)
            for item in block.items:
                pdf.multi_cell(width, 6.5, f"      {block.marker} {_nfc(item)}", align="J", **nl)
        elif isinstance(block, Table):
            pdf.set_font("Serif", "", 10)
            widths = block.widths or [1] * len(block.header)
            with pdf.table(col_widths=tuple(widths), text_align="LEFT", line_height=5,
                           headings_style=_heading_style()) as table:
                for cells in [block.header] + [[str(c) for c in r] for r in block.rows]:
                    row = table.row()
                    for cell in cells:
                        row.cell(_nfc(cell))
            pdf.ln(3)

    pdf.ln(6)
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    top = pdf.get_y()
    left_rows = [("Nơi nhận:", "BI", 11, "L")] if doc.recipients else []
    left_rows += [(f"- {r}", "", 10, "L") for r in doc.recipients]
    right_rows = []
    if doc.signature:
        if doc.signature.on_behalf:
            right_rows.append((doc.signature.on_behalf, "B", 12, "C"))
        right_rows += [(doc.signature.title, "B", 12, "C"), ("", "", 12, "C"), ("", "", 12, "C"), ("", "", 12, "C")]
        if doc.signature.name:
            right_rows.append((doc.signature.name, "B", 12, "C"))
    column(pdf.l_margin, left_w, left_rows, top)
    column(pdf.l_margin + left_w, right_w, right_rows, top)
    return bytes(pdf.output())


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", fill_color=(238, 242, 245))
