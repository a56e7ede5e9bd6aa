"""Administrative documents (reports, plans, print exports) in Vietnamese layout, rendered to DOCX and PDF.

A ``Document`` holds the parts a Vietnamese administrative document has (issuer and national or Party header
lines, number and place/date line, title, body, recipients, signature block); ``to_docx`` and ``to_pdf``
lay them out, each through a layout class with one method per part and per block type. The PDF embeds the
DejaVu fonts that matplotlib ships, which cover Vietnamese, with a Khmer font from Debian (``fonts-khmeros`` or
``fonts-noto-core``) as fallback and HarfBuzz text shaping (uharfbuzz), so Khmer prints; a letter no embedded font
has is refused (``UserError``) rather than left out of the page, and a symbol none has (an emoji) prints as "□".
"""

from __future__ import annotations

import io
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from loa.errors import UserError

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


@dataclass
class Figure:
    """A PNG, JPEG or WebP image (a chart) with its caption, printed across the text width."""

    data: bytes
    caption: str = ""


Block = Heading | Paragraph | Bullets | Table | Figure

# Fonts for scripts DejaVu lacks, in Debian packages (the first file found is used): Khmer from fonts-khmeros,
# else fonts-noto-core.
SCRIPT_FONTS = {
    "Khmer": (
        "/usr/share/fonts/truetype/khmeros/KhmerOS.ttf",
        "/usr/share/fonts/truetype/noto/NotoSansKhmer-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerifKhmer-Regular.ttf",
    ),
}


def script_font(script: str) -> Path | None:
    """The installed font file for ``script`` ("Khmer"), or None when no package providing one is installed."""
    return next((Path(p) for p in SCRIPT_FONTS[script] if Path(p).is_file()), None)


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
        """ "Trà Vinh, ngày 05 tháng 10 năm 2021" (dots left for a date filled in by hand)."""
        when = (
            f"ngày {self.date.day:02d} tháng {self.date.month:02d} năm {self.date.year}"
            if self.date
            else "ngày ..... tháng ..... năm ....."
        )
        return f"{self.place}, {when}" if self.place else when.capitalize()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


# ---- layouts: one class per output format, one method per part and per block type ------------------------


class _Layout(ABC):
    """An output format. ``render`` lays out the header, the title, each block by its type, then the footer."""

    BLOCKS = {Heading: "heading", Paragraph: "paragraph", Bullets: "bullets", Table: "table", Figure: "figure"}

    def render(self, doc: Document) -> bytes:
        self.header(doc)
        self.title(doc)
        for block in doc.blocks:
            getattr(self, self.BLOCKS[type(block)])(block)
        self.footer(doc)
        return self.output()

    @abstractmethod
    def header(self, doc: Document) -> None: ...

    @abstractmethod
    def title(self, doc: Document) -> None: ...

    @abstractmethod
    def heading(self, block: Heading) -> None: ...

    @abstractmethod
    def paragraph(self, block: Paragraph) -> None: ...

    @abstractmethod
    def bullets(self, block: Bullets) -> None: ...

    @abstractmethod
    def table(self, block: Table) -> None: ...

    @abstractmethod
    def figure(self, block: Figure) -> None: ...

    @abstractmethod
    def footer(self, doc: Document) -> None: ...

    @abstractmethod
    def output(self) -> bytes: ...


def to_docx(doc: Document) -> bytes:
    """The document as a .docx file (Times New Roman 13 pt, A4, administrative margins)."""
    return _Docx().render(doc)


def to_pdf(doc: Document) -> bytes:
    """The document as an A4 PDF with embedded DejaVu Serif (Vietnamese diacritics render and extract) and a Khmer
    fallback font; ``UserError`` (422) names any character no embedded font can draw."""
    return _Pdf().render(doc)


class _Docx(_Layout):
    def __init__(self) -> None:
        from docx import Document as Docx  # python-docx and fpdf load only when a document is made
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt

        self.cm, self.pt, self.table_center = Cm, Pt, WD_TABLE_ALIGNMENT.CENTER
        self.center, self.justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
        self.out = Docx()
        section = self.out.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(2)
        style = self.out.styles["Normal"]
        style.font.name, style.font.size = "Times New Roman", Pt(13)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
        style.paragraph_format.space_after = Pt(3)

    def para(self, container, text, *, bold=False, italic=False, align=None, size=None, indent=False):
        p = container.add_paragraph()
        run = p.add_run(_nfc(text))
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = self.pt(size)
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = self.cm(1)
        return p

    def two_columns(self, widths):
        table = self.out.add_table(rows=1, cols=2)
        table.alignment = self.table_center
        cells = table.rows[0].cells
        for cell, w in zip(cells, widths):
            cell.width = self.cm(w)
            cell.paragraphs[0].text = ""
        return cells

    def header(self, doc: Document) -> None:
        left, right = self.two_columns((7, 9))
        for i, line in enumerate(doc.issuer):
            self.para(left, line, bold=i == len(doc.issuer) - 1, align=self.center)
        self.para(left, "*" if doc.header == PARTY_HEADER else "-----", align=self.center)
        if doc.number:
            self.para(left, f"Số {doc.number}", align=self.center)
        for i, line in enumerate(doc.header):
            self.para(right, line, bold=True, align=self.center, size=13 if i == 0 else 14)
        self.para(right, "---------------", align=self.center)
        self.para(right, doc.place_date(), italic=True, align=self.center)
        for cell in (left, right):
            cell._element.remove(cell.paragraphs[0]._element)

    def title(self, doc: Document) -> None:
        self.para(
            self.out, doc.title.upper(), bold=True, align=self.center, size=14
        ).paragraph_format.space_before = self.pt(12)
        if doc.subtitle:
            self.para(self.out, doc.subtitle, bold=True, align=self.center)
        self.para(self.out, "-----", align=self.center)

    def heading(self, block: Heading) -> None:
        self.para(self.out, block.text, bold=True, italic=block.level > 1).paragraph_format.space_before = self.pt(6)

    def paragraph(self, block: Paragraph) -> None:
        self.para(self.out, block.text, align=self.justify, indent=True)

    def bullets(self, block: Bullets) -> None:
        for item in block.items:
            self.para(self.out, f"{block.marker} {item}", align=self.justify, indent=True)

    def table(self, block: Table) -> None:
        table = self.out.add_table(rows=1, cols=len(block.header))
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
                    cell.width = self.cm(16 * w / total)
        self.out.add_paragraph()

    def figure(self, block: Figure) -> None:
        data = block.data
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":  # Word takes PNG and JPEG, not WebP
            from PIL import Image

            buf = io.BytesIO()
            Image.open(io.BytesIO(data)).save(buf, "PNG")
            data = buf.getvalue()
        self.out.add_picture(io.BytesIO(data), width=self.cm(15))
        self.out.paragraphs[-1].alignment = self.center
        if block.caption:
            self.para(self.out, block.caption, italic=True, align=self.center, size=11)

    def footer(self, doc: Document) -> None:
        left, right = self.two_columns((7, 9))
        if doc.recipients:
            run = left.add_paragraph().add_run("Nơi nhận:")
            run.bold, run.italic, run.font.size = True, True, self.pt(12)
            for r in doc.recipients:
                self.para(left, f"- {r}", size=11)
        if doc.signature:
            if doc.signature.on_behalf:
                self.para(right, doc.signature.on_behalf, bold=True, align=self.center)
            self.para(right, doc.signature.title, bold=True, align=self.center)
            for _ in range(3):
                self.para(right, "", align=self.center)
            if doc.signature.name:
                self.para(right, doc.signature.name, bold=True, align=self.center)
        for cell in (left, right):
            cell._element.remove(cell.paragraphs[0]._element)
            if not cell.paragraphs:
                cell.add_paragraph()

    def output(self) -> bytes:
        buf = io.BytesIO()
        self.out.save(buf)
        return buf.getvalue()


def font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


class _Pdf(_Layout):
    def __init__(self) -> None:
        from fpdf import FPDF
        from fpdf.enums import XPos, YPos
        from fpdf.fonts import FontFace

        self.pdf = pdf = FPDF(format="A4", unit="mm")
        fonts = font_dir()
        for style, name in (
            ("", "DejaVuSerif.ttf"),
            ("B", "DejaVuSerif-Bold.ttf"),
            ("I", "DejaVuSerif-Italic.ttf"),
            ("BI", "DejaVuSerif-BoldItalic.ttf"),
        ):
            pdf.add_font("Serif", style, str(fonts / name))
        self.fallbacks = [script for script in SCRIPT_FONTS if script_font(script)]
        for script in self.fallbacks:  # one weight only: the same file serves every style
            for style in ("", "B", "I", "BI"):
                pdf.add_font(script, style, str(script_font(script)))
        pdf.set_fallback_fonts(self.fallbacks)
        pdf.set_text_shaping(True)  # Khmer needs its vowels and subscript consonants placed (uharfbuzz)
        self.glyphs = set().union(*(font.cmap for font in pdf.fonts.values()))
        pdf.set_margins(25, 18, 18)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_page()
        self.width = pdf.w - pdf.l_margin - pdf.r_margin
        self.left_w, self.right_w = self.width * 0.42, self.width * 0.58
        self.nl = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}  # the next line starts at the left margin
        self.below = {"new_x": XPos.LEFT, "new_y": YPos.NEXT}  # ... under the cell, for the header's columns
        self.heading_style = FontFace(emphasis="BOLD", fill_color=(238, 242, 245))

    def drawn(self, ch: str) -> bool:
        """An embedded font has the character, or it needs none (a space, a control or format character)."""
        return ord(ch) in self.glyphs or unicodedata.category(ch) in ("Cc", "Cf", "Zs")

    def text(self, text: str) -> str:
        """``text`` in NFC, never with a blank on paper: a letter, mark or digit no embedded font has (a script
        without its font) is refused; a symbol none has (an emoji) is printed as "□"."""
        text = _nfc(text)
        if not all(map(self.drawn, text)):
            text = "".join(ch if self.drawn(ch) or unicodedata.category(ch)[0] in "LMN" else "□" for ch in text)
        missing = sorted({ch for ch in text if not self.drawn(ch)})
        if missing:
            chars = ", ".join(f"{ch} ({unicodedata.name(ch, f'U+{ord(ch):04X}')})" for ch in missing[:5])
            raise UserError(
                f"Không tạo được bản PDF: phông chữ không có ký tự {chars}. Hãy cài phông cho chữ viết này "
                "(ví dụ fonts-khmeros cho tiếng Khmer) hoặc dùng bản DOCX.",
                f"Cannot make the PDF: no embedded font has the characters {chars}. Install a font for this "
                "script (e.g. fonts-khmeros for Khmer) or use the DOCX.",
                422,
            )
        return text

    def column(self, x, w, rows, top):
        """Lines (text, style, size, align) in a column starting at ``top``; returns the y below them."""
        pdf = self.pdf
        pdf.set_y(top)
        for text, style, size, align in rows:
            pdf.set_xy(x, pdf.get_y())
            pdf.set_font("Serif", style, size)
            pdf.multi_cell(w, 5.5, self.text(text), align=align, **self.below)
        return pdf.get_y()

    def header(self, doc: Document) -> None:
        top = self.pdf.get_y()
        left_rows = [(t, "B" if i == len(doc.issuer) - 1 else "", 11, "C") for i, t in enumerate(doc.issuer)]
        left_rows.append(("*" if doc.header == PARTY_HEADER else "-----", "", 11, "C"))
        if doc.number:
            left_rows.append((f"Số {doc.number}", "", 11, "C"))
        right_rows = [(t, "B", 11 if i == 0 else 12, "C") for i, t in enumerate(doc.header)]
        right_rows += [("---------------", "", 11, "C"), (doc.place_date(), "I", 11, "C")]
        bottom = max(
            self.column(self.pdf.l_margin, self.left_w, left_rows, top),
            self.column(self.pdf.l_margin + self.left_w, self.right_w, right_rows, top),
        )
        self.pdf.set_y(bottom + 8)

    def title(self, doc: Document) -> None:
        pdf = self.pdf
        pdf.set_font("Serif", "B", 14)
        pdf.multi_cell(self.width, 7, self.text(doc.title.upper()), align="C", **self.nl)
        if doc.subtitle:
            pdf.set_font("Serif", "B", 12)
            pdf.multi_cell(self.width, 6, self.text(doc.subtitle), align="C", **self.nl)
        pdf.set_font("Serif", "", 12)
        pdf.multi_cell(self.width, 6, "-----", align="C", **self.nl)
        pdf.ln(2)

    def heading(self, block: Heading) -> None:
        self.pdf.ln(2)
        self.pdf.set_font("Serif", "B" if block.level == 1 else "BI", 12)
        self.pdf.multi_cell(self.width, 6.5, self.text(block.text), align="L", **self.nl)

    def paragraph(self, block: Paragraph) -> None:
        self.pdf.set_font("Serif", "", 12)
        self.pdf.multi_cell(self.width, 6.5, "      " + self.text(block.text), align="J", **self.nl)

    def bullets(self, block: Bullets) -> None:
        self.pdf.set_font("Serif", "", 12)
        for item in block.items:
            self.pdf.multi_cell(self.width, 6.5, f"      {block.marker} {self.text(item)}", align="J", **self.nl)

    def table(self, block: Table) -> None:
        self.pdf.set_font("Serif", "", 10)
        widths = block.widths or [1] * len(block.header)
        with self.pdf.table(
            col_widths=tuple(widths), text_align="LEFT", line_height=5, headings_style=self.heading_style
        ) as table:
            for cells in [block.header] + [[str(c) for c in r] for r in block.rows]:
                row = table.row()
                for cell in cells:
                    row.cell(self.text(cell))
        self.pdf.ln(3)

    def figure(self, block: Figure) -> None:
        pdf = self.pdf
        w = min(self.width, 150)
        pdf.image(io.BytesIO(block.data), x=pdf.l_margin + (self.width - w) / 2, w=w)  # flows: y moves below it
        if block.caption:
            pdf.set_font("Serif", "I", 10)
            pdf.multi_cell(self.width, 5, self.text(block.caption), align="C", **self.nl)
        pdf.ln(3)

    def footer(self, doc: Document) -> None:
        pdf = self.pdf
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
            right_rows += [(doc.signature.title, "B", 12, "C")] + [("", "", 12, "C")] * 3
            if doc.signature.name:
                right_rows.append((doc.signature.name, "B", 12, "C"))
        self.column(pdf.l_margin, self.left_w, left_rows, top)
        self.column(pdf.l_margin + self.left_w, self.right_w, right_rows, top)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
