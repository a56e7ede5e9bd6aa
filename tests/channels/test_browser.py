"""In a real browser: the public news page and article on a phone; a coordinator sets up a commune's
loudspeaker times and downloads its playlist; an editor uploads the Khmer recording that fills the gap."""

import re
import zipfile
from datetime import datetime

import pytest

from loa.channels import service
from loa.formats import LOCAL
from tests.channels.conftest import local_at
from tests.channels.test_loudspeakers import wav_bytes
from tests.conftest import ARTIFACTS, browser_login

pytestmark = pytest.mark.browser


def test_public_news_on_a_phone(live_server, _browser, publish, settings):
    item = publish(
        "Tiêm vắc xin mũi 3 cho người cao tuổi",
        "Từ ngày 20/9/2021, trạm y tế xã tiêm mũi 3 cho người từ 65 tuổi.\n\nMang theo căn cước công dân.",
    )
    service.speech_file(settings, item)  # as the worker prepares the portal's articles
    phone = _browser.new_context(locale="vi-VN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    try:
        page.goto(live_server + "/tin-tuc")
        page.click("text=Tiêm vắc xin mũi 3 cho người cao tuổi")
        page.wait_for_url(re.compile(rf".*/tin-tuc/tiem-vac-xin-mui-3-cho-nguoi-cao-tuoi-{item.id}$"))
        assert page.inner_text("[data-testid=article-title]") == "Tiêm vắc xin mũi 3 cho người cao tuổi"
        assert "Mang theo căn cước công dân." in page.inner_text("[data-testid=article-body]")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
        assert page.locator("audio").count() == 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "channels-article-phone.png"), full_page=True)
    finally:
        phone.close()


def test_commune_playlist_and_khmer_recording(live_server, page, publish, tmp_path):
    today = datetime.now(LOCAL).date()
    vi = publish(
        "Thông báo lịch tiêm vắc xin",
        "Sáng mai từ 7h00 trạm y tế xã tiêm vắc xin.",
        channel="loudspeaker",
        at=local_at(today, 5, 30),
    )
    km = publish("Thông báo lịch tiêm (tiếng Khmer)", "Khmer", master=vi, language="km")

    browser_login(page, live_server, "coordinator")
    page.goto(live_server + "/loudspeakers")
    assert "Không có giọng đọc tiếng Khmer ngoại tuyến" in page.inner_text("[data-testid=khmer-notice]")
    assert page.inner_text("[data-testid=voice]") == "Giọng miền Nam"
    page.fill("form[action='/loudspeakers/communes'] input[name=name]", "Ngọc Biên")
    page.fill("form[action='/loudspeakers/communes'] input[name=district]", "Trà Cú")
    page.check("form[action='/loudspeakers/communes'] input[name=languages][value=km]")
    page.click("form[action='/loudspeakers/communes'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/loudspeakers/communes/\d+$"))
    for start in ("6:00", "17h00"):
        page.fill("input[name=start]", start)
        page.click("form[action$='/slots'] button[type=submit]")
        page.wait_for_load_state()
    assert page.inner_text("[data-testid=slots]").split()[:1] == ["06:00"]
    rows = page.locator("[data-testid=playlist] tbody tr")
    assert rows.count() == 4
    assert "Chưa có bản ghi âm" in rows.nth(1).inner_text()
    with page.expect_download() as download:
        page.click("[data-testid=m3u]")
    m3u = download.value.path().read_text(encoding="utf-8")
    assert m3u.startswith("#EXTM3U") and f"/loudspeakers/audio/{vi.id}.mp3" in m3u
    page.click("[data-testid=zip]")  # built by a job: its page offers the file
    page.wait_for_url(re.compile(r".*/jobs/\d+$"))
    with page.expect_download() as download:
        page.click("[data-testid=job-file]")
    assert zipfile.is_zipfile(download.value.path())
    page.go_back()
    page.click("[data-testid=logout]")

    browser_login(page, live_server, "editor")
    page.goto(f"{live_server}/channels/items/{vi.id}")
    recording = tmp_path / "khmer.wav"
    recording.write_bytes(wav_bytes(2.0))
    page.set_input_files(f"form[action='/channels/items/{km.id}/recording'] input[type=file]", str(recording))
    page.click(f"form[action='/channels/items/{km.id}/recording'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/jobs/\d+$"))  # the recording is decoded by a job
    page.click("[data-testid=job-result]")
    page.wait_for_url(re.compile(rf".*/channels/items/{vi.id}#audio$"))
    assert "khmer.wav" in page.inner_text("[data-testid=versions]")
    page.goto(live_server + "/loudspeakers")
    page.click("text=Ngọc Biên")
    rows = page.locator("[data-testid=playlist] tbody tr")
    assert "Bản ghi âm" in rows.nth(1).inner_text()
    assert page.locator(f"audio[src='/loudspeakers/audio/{km.id}.wav']").count() == 2


def test_khmer_article_gets_the_khmer_web_font(live_server, page, publish):
    """A Khmer article is drawn with the Khmer font (an installed copy or the one the server ships), not boxes."""
    master = publish("Lịch tiêm vắc xin", "Trạm y tế xã tiêm vắc xin sáng thứ Bảy.")
    km = publish("កាលវិភាគចាក់វ៉ាក់សាំង", "សូមអញ្ជើញមកចាក់វ៉ាក់សាំង។", master=master, language="km")
    page.goto(live_server + service.article_path(km))
    faces = page.evaluate(
        "async () => (await document.fonts.load('16px \"Loa Khmer\"', 'ក')).map(f => f.family + ':' + f.status)"
    )
    assert faces == ['"Loa Khmer":loaded'] or faces == ["Loa Khmer:loaded"]
    assert page.evaluate("document.fonts.check('16px \"Loa Khmer\"', 'កាលវិភាគ')")
    page.screenshot(path=str(ARTIFACTS / "channels-article-khmer.png"))
