"""Portal pages, RSS/Atom feeds, social-media texts and print exports of published items."""

import io
import re
import subprocess

import feedparser
import pytest
from docx import Document as Docx
from sqlalchemy import func, select

from loa.channels import service
from loa.content import service as content
from loa.jobs.models import Job

BODY = (
    "Từ ngày 20/9/2021, các trạm y tế xã tiêm mũi 3 vắc xin phòng COVID-19 cho người từ 65 tuổi trở lên.\n\n"
    "Bà con mang theo căn cước và sổ tiêm chủng; gọi 0294.3855.123 nếu cần hỗ trợ."
)


def test_news_list_and_readable_article_url(client, publish):
    item = publish("Tiêm vắc xin mũi 3 cho người cao tuổi", BODY)
    path = service.article_path(item)
    assert path == f"/tin-tuc/tiem-vac-xin-mui-3-cho-nguoi-cao-tuoi-{item.id}"
    news = client.get("/tin-tuc")
    assert news.status_code == 200 and path in news.text
    page = client.get(path)
    assert page.status_code == 200
    assert "Tiêm vắc xin mũi 3 cho người cao tuổi" in page.text and "căn cước" in page.text
    moved = client.get(f"/tin-tuc/ten-cu-{item.id}", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == path


def test_unpublished_and_non_portal_items_are_not_public(client, db, people, publish, channels):
    draft = content.create_item(
        db,
        kind="article",
        title="Bản nháp chưa duyệt",
        body="Nội dung nháp.",
        author=people["editor"],
        channels=[channels["portal"]],
    )
    db.commit()
    social_only = publish("Chỉ đăng Facebook", "Nội dung.", channel="social")
    for item in (draft, social_only):
        assert client.get(service.article_path(item)).status_code == 404
        assert service.article_path(item) not in client.get("/tin-tuc").text
    assert client.get("/tin-tuc/khong-co-so").status_code == 404


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_parse_back(client, publish, kind):
    first = publish("Tiêm vắc xin mũi 3 cho người cao tuổi", BODY)
    second = publish("Cầu Ngang kiểm soát được dịch", "Huyện không ghi nhận ca mới trong 14 ngày.")
    r = client.get(f"/kenh/cong-thong-tin/{kind}.xml")
    assert r.status_code == 200 and r.headers["content-type"].startswith(f"application/{kind}+xml")
    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == ("rss20" if kind == "rss" else "atom10")
    assert parsed.feed.title.startswith("Cổng thông tin điện tử tỉnh")
    assert [e.title for e in parsed.entries] == [second.title, first.title]
    assert parsed.entries[1].link.endswith(service.article_path(first))
    assert "căn cước" in parsed.entries[1].summary
    assert parsed.entries[1].published_parsed is not None
    assert client.get(f"/api/v1/feeds/cong-thong-tin/{kind}").content == r.content
    assert client.get(f"/kenh/khong-co/{kind}.xml").status_code == 404


def test_social_texts_respect_platform_limits(publish):
    long_body = " ".join(["Bà con thực hiện nghiêm 5K, tiêm vắc xin đầy đủ và theo dõi sức khỏe hằng ngày."] * 12)
    item = publish("Khuyến cáo của Sở Y tế", long_body)
    url = "https://travinh.example/tin-tuc/khuyen-cao-cua-so-y-te-1"
    posts = {p.platform: p for p in service.social_texts(item, url)}
    assert set(posts) == {"facebook", "zalo", "x", "instagram"}
    assert not posts["facebook"].shortened and long_body in posts["facebook"].text
    x = posts["x"]
    assert x.shortened and x.fits and x.text.endswith(url) and "…" in x.text
    assert len(x.text.replace(url, "")) < service.x_length(x.text) - 23  # Vietnamese letters count double on X
    assert all(p.fits for p in posts.values())


def test_x_length_counts_like_x():
    assert service.x_length("abc") == 3
    assert service.x_length("Tiêm") == 4  # "ê" (U+00EA) weighs 1
    assert service.x_length("tiếng") == 6  # "ế" U+1EBF weighs 2
    assert service.x_length("xem https://example.org/a/very/long/path/that/goes/on") == 4 + 23


def _print(c, item_id, fmt):
    """Ask for the print document from the outputs page's form; the job page that answers, as a path."""
    r = c.post(f"/channels/items/{item_id}/print", data={"csrf_token": c.csrf, "format": fmt}, follow_redirects=False)
    assert r.status_code == 303 and re.fullmatch(r"/jobs/\d+", r.headers["location"]), r.text
    return r.headers["location"]


def _jobs(db):
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Job))


def test_print_docx_and_pdf_are_made_as_jobs(login, publish, tmp_path):
    item = publish("Tiêm vắc xin mũi 3 cho người cao tuổi", BODY)
    c = login("viewer")
    page = c.get(f"/channels/items/{item.id}").text
    assert page.count(f'<form method="post" action="/channels/items/{item.id}/print"') == 2
    assert 'name="format" value="docx"' in page and 'name="format" value="pdf"' in page

    job = _print(c, item.id, "docx")
    state = c.get(f"/api/v1{job}").json()
    assert state["status"] == "done" and state["file_url"] == f"{job}/file"
    assert state["result"]["url"] == f"/channels/items/{item.id}"
    assert "Tải tệp kết quả" in c.get(job).text
    r = c.get(f"{job}/file")
    assert r.headers["content-disposition"] == 'attachment; filename="tiem-vac-xin-mui-3-cho-nguoi-cao-tuoi.docx"'
    docx = Docx(io.BytesIO(r.content))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "TIÊM VẮC XIN MŨI 3 CHO NGƯỜI CAO TUỔI" in text and "sổ tiêm chủng" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in "\n".join(
        cell.text for t in docx.tables for row in t.rows for cell in row.cells
    )

    r = c.get(f"{_print(c, item.id, 'pdf')}/file")
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(r.content)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert next(tmp_path.glob("page*.png")).read_bytes().startswith(b"\x89PNG")
    extracted = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "sổ tiêm chủng" in re.sub(r"\s+", " ", extracted)


def test_only_the_submitter_and_administrators_get_the_print(login, publish):
    item = publish("Tiêm vắc xin mũi 3 cho người cao tuổi", BODY)
    job = _print(login("viewer"), item.id, "docx")
    for role in ("editor", "coordinator", "reviewer"):
        c = login(role)
        assert c.get(f"{job}/file").status_code == 404, role
        assert c.get(job).status_code == 404 and c.get(f"/api/v1{job}").status_code == 404
    assert login("admin").get(f"{job}/file").content.startswith(b"PK")


def test_print_refusals_create_no_job(login, client, db, people, publish, channels):
    item = publish("Tiêm vắc xin mũi 3 cho người cao tuổi", BODY)
    draft = content.create_item(db, kind="print", title="Tờ rơi nháp", body="Nháp.", author=people["editor"])
    db.commit()
    c = login("editor")
    assert "Chỉ in được bài đã duyệt." in c.get(f"/channels/items/{draft.id}").text
    unapproved = c.post(f"/channels/items/{draft.id}/print", data={"format": "pdf"})
    assert unapproved.status_code == 409 and "Chỉ in được bài đã duyệt." in unapproved.text
    bad = c.post(f"/channels/items/{item.id}/print", data={"format": "odt"})
    assert bad.status_code == 422 and "Định dạng in phải là DOCX hoặc PDF." in bad.text
    assert c.post("/channels/items/999999/print", data={"format": "pdf"}).status_code == 404
    assert c.get(f"/channels/items/{item.id}/print.pdf").status_code in (404, 405)
    anonymous = client.post(f"/channels/items/{item.id}/print", data={"format": "pdf"}, follow_redirects=False)
    assert anonymous.status_code in (303, 401, 403)
    c.headers.pop("X-CSRF-Token")
    assert c.post(f"/channels/items/{item.id}/print", data={"format": "pdf"}).status_code == 403
    assert _jobs(db) == 0


KM_TITLE = "កាលវិភាគចាក់វ៉ាក់សាំង"
KM_BODY = "សូមបងប្អូនប្រជាពលរដ្ឋ អញ្ជើញមកចាក់វ៉ាក់សាំងនៅស្ថានីយ៍សុខភាពឃុំ។\n\nសូមយកអត្តសញ្ញាណប័ណ្ណមកជាមួយ។"


def test_khmer_variant_prints_its_text_in_the_pdf(login, publish, tmp_path):
    """The print PDF of a Khmer version carries its title and body (Khmer font, shaped), not blanks."""
    master = publish("Tiêm vắc xin mũi 3 cho người cao tuổi", BODY)
    km = publish(KM_TITLE, KM_BODY, master=master, language="km")
    c = login("viewer")
    r = c.get(f"{_print(c, km.id, 'pdf')}/file")
    pdf = tmp_path / "km.pdf"
    pdf.write_bytes(r.content)
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    squeeze = "".join(raw.split())
    assert "".join(KM_TITLE.split()) in squeeze
    for paragraph in KM_BODY.split("\n\n"):
        assert "".join(paragraph.split()) in squeeze
    subprocess.run(["pdftoppm", "-gray", "-r", "30", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    pixels = next(tmp_path.glob("p*.pgm")).read_bytes().split(b"\n", 3)[3]
    assert sum(b < 128 for b in pixels) > 300  # inked page


def test_khmer_web_font_is_served(client):
    r = client.get("/fonts/khmer.ttf")
    assert r.status_code == 200 and r.headers["content-type"] == "font/ttf"
    assert r.content[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true")
    css = client.get("/static/loa.css").text
    assert '@font-face { font-family:"Loa Khmer"' in css and 'url("/fonts/khmer.ttf")' in css
