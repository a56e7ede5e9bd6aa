"""Administrative documents: DOCX and PDF in Vietnamese layout, diacritics intact when read back."""

import io
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
