"""Administrative documents: DOCX and PDF in Vietnamese layout, diacritics intact when read back."""

import io
import re
import subprocess
import unicodedata
from datetime import date

import pytest
from docx import Document as Docx
from pypdf import PdfReader

from loa.documents import (
    NATIONAL_HEADER,
    PARTY_HEADER,
    Bullets,
    Document,
    Heading,
    Paragraph,
    Signature,
    Table,
    to_docx,
    to_pdf,
)

SENTENCE = "Đồng thời, nỗ lực duy trì lao động, sản xuất nhằm bảo đảm “mục tiêu kép”; tiêm vắc xin đầy đủ."


def sample(**changes) -> Document:
    doc = Document(
        title="Báo cáo kết quả thực hiện Kế hoạch",
        issuer=["TỈNH ỦY TRÀ VINH", "BAN TUYÊN GIÁO"],
        number="12-BC/BTGTU",
        place="Trà Vinh",
        date=date(2021, 10, 5),
        subtitle="Từ 01/9/2021 đến 30/9/2021",
        blocks=[
            Heading("I- KẾT QUẢ THỰC HIỆN"),
            Paragraph(SENTENCE),
            Bullets(["Sở Y tế: hoàn thành 2 nhiệm vụ", "Đài Phát thanh - Truyền hình: quá hạn 1"]),
            Table(["Cơ quan", "Hoàn thành", "Quá hạn"], [["Sở Y tế", 2, 0], ["Ủy ban MTTQ tỉnh", 1, 1]], [3, 1, 1]),
        ],
        recipients=["Ban Tuyên giáo Trung ương (b/c)", "Lưu VT"],
        signature=Signature("PHÓ TRƯỞNG BAN", "Nguyễn Văn Ký", on_behalf="K/T TRƯỞNG BAN"),
    )
    for k, v in changes.items():
        setattr(doc, k, v)
    return doc


def nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_pdf_renders_and_extracts_vietnamese(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(to_pdf(sample()))
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == 1 and pngs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from matplotlib.image import imread

    pixels = imread(str(pngs[0]))
    assert pixels.min() < 0.2 < 0.9 < pixels.max()  # black text on white, not an empty page
    pypdf_text = nfc("\n".join(p.extract_text() for p in PdfReader(path).pages))
    poppler_text = nfc(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)
    for text in (pypdf_text, poppler_text):
        for expected in (
            "TỈNH ỦY TRÀ VINH",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "Số 12-BC/BTGTU",
            "Trà Vinh, ngày 05 tháng 10 năm 2021",
            "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH",
            "I- KẾT QUẢ THỰC HIỆN",
            "Nơi nhận:",
            "Ban Tuyên giáo Trung ương (b/c)",
            "K/T TRƯỞNG BAN",
            "Nguyễn Văn Ký",
            "Ủy ban MTTQ tỉnh",
            "Sở Y tế: hoàn thành 2 nhiệm vụ",
        ):
            assert expected in text, expected
    assert "nỗ lực duy trì lao động" in poppler_text and "“mục tiêu kép”" in poppler_text


def test_pdf_long_body_breaks_pages_and_national_header():
    doc = sample(header=NATIONAL_HEADER, blocks=[Paragraph(SENTENCE * 4) for _ in range(40)], date=None)
    reader = PdfReader(io.BytesIO(to_pdf(doc)))
    assert len(reader.pages) > 2
    first = nfc(reader.pages[0].extract_text())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "Độc lập - Tự do - Hạnh phúc" in first
    assert "Trà Vinh, ngày ..... tháng ..... năm ....." in first
    assert "Nơi nhận:" in nfc(reader.pages[-1].extract_text())


def test_docx_layout_and_text():
    d = Docx(io.BytesIO(to_docx(sample())))
    header, footer = d.tables[0], d.tables[-1]
    left, right = (nfc(c.text) for c in header.rows[0].cells)
    assert left.startswith("TỈNH ỦY TRÀ VINH BAN TUYÊN GIÁO") and "Số 12-BC/BTGTU" in left
    assert right.startswith(PARTY_HEADER[0]) and "Trà Vinh, ngày 05 tháng 10 năm 2021" in right
    body = [p.text for p in d.paragraphs]
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH" in body and SENTENCE in body
    assert "- Sở Y tế: hoàn thành 2 nhiệm vụ" in body
    data = d.tables[1]
    assert [c.text for c in data.rows[2].cells] == ["Ủy ban MTTQ tỉnh", "1", "1"]
    recipients, signature = (nfc(c.text) for c in footer.rows[0].cells)
    assert recipients == "Nơi nhận: - Ban Tuyên giáo Trung ương (b/c) - Lưu VT"
    assert signature == "K/T TRƯỞNG BAN PHÓ TRƯỞNG BAN Nguyễn Văn Ký"
    title_run = next(p for p in d.paragraphs if p.text.startswith("BÁO CÁO")).runs[0]
    assert title_run.bold


@pytest.mark.parametrize("render", [to_docx, to_pdf])
def test_decomposed_input_is_normalised(render, tmp_path):
    doc = sample(title=unicodedata.normalize("NFD", "Kế hoạch tiêm chủng"), blocks=[], recipients=[], signature=None)
    data = render(doc)
    if render is to_pdf:
        assert "KẾ HOẠCH TIÊM CHỦNG" in nfc(PdfReader(io.BytesIO(data)).pages[0].extract_text())
    else:
        assert "KẾ HOẠCH TIÊM CHỦNG" in [p.text for p in Docx(io.BytesIO(data)).paragraphs]


KHMER_TITLE = "កាលវិភាគចាក់វ៉ាក់សាំង"
KHMER_BODY = "សូមបងប្អូនប្រជាពលរដ្ឋ អញ្ជើញមកចាក់វ៉ាក់សាំងនៅស្ថានីយ៍សុខភាពឃុំ ថ្ងៃទី ១៥ ខែ ១០ ឆ្នាំ ២០២១។"


def squeeze(text: str) -> str:
    """NFC without any whitespace: poppler breaks Khmer clusters at glyph positions, not where the text has spaces."""
    return "".join(unicodedata.normalize("NFC", text).split())


def test_khmer_pdf_shapes_and_extracts(tmp_path):
    """A Khmer title and body print (Khmer font fallback, HarfBuzz shaping): the text reads back in order and the
    title's place on page 1 is inked."""
    path = tmp_path / "km.pdf"
    doc = sample(title=KHMER_TITLE, subtitle="", blocks=[Paragraph(KHMER_BODY)], recipients=[], signature=None)
    path.write_bytes(to_pdf(doc))
    raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert squeeze(f"{KHMER_TITLE}-----{KHMER_BODY}") in squeeze(raw)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in raw  # Vietnamese lines keep DejaVu

    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', boxes)
    khmer = [tuple(map(float, w[:4])) for w in words if re.search("[\u1780-\u17ff]", w[4])]
    assert khmer
    x0, y0, x1, y1 = khmer[0]  # the title's first word, in points: render that area at 72 dpi (1 px = 1 pt)
    crop = ["-x", str(int(x0)), "-y", str(int(y0)), "-W", str(int(x1 - x0) + 1), "-H", str(int(y1 - y0) + 1)]
    subprocess.run(["pdftoppm", "-gray", "-r", "72", "-f", "1", "-l", "1", *crop, str(path), str(tmp_path / "t")])
    from matplotlib.image import imread

    full = subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")])
    assert full.returncode == 0 and imread(str(next(tmp_path.glob("p*.png")))).min() < 0.2
    pgm = next(tmp_path.glob("t*.pgm")).read_bytes()
    pixels = pgm.split(b"\n", 3)[3]  # P5 header: magic, size, max value, then one byte per pixel
    assert sum(b < 128 for b in pixels) > len(pixels) * 0.05  # glyphs, not a blank box


def test_pdf_refuses_a_script_no_font_has():
    """Letters no embedded font can draw are an error naming them, never a silent blank; a symbol none has (an
    emoji) prints as a box."""
    from loa.errors import UserError

    with pytest.raises(UserError) as refused:
        to_pdf(sample(title="通知 tiêm chủng", blocks=[]))
    assert "通" in refused.value.message and "CJK" in refused.value.message_en
    with pytest.raises(UserError):
        to_pdf(sample(blocks=[Table(["Xã", "Ghi chú"], [["Long Hòa", "ᠮᠣᠩᠭᠣᠯ"]])]))
    emoji = to_pdf(sample(blocks=[Paragraph("Đeo khẩu trang 😷 nhé")], recipients=[], signature=None))
    assert "Đeo khẩu trang □ nhé" in nfc(PdfReader(io.BytesIO(emoji)).pages[0].extract_text())  # a symbol: a box
