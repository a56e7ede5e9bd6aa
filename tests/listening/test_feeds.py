"""Feeds over a loopback HTTP server: RSS 2.0, Atom, a Vietnamese news feed; bad sources fail whole."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from loa.listening import feeds, service
from loa.listening.models import Item, Source
from tests.listening.conftest import FIXTURES


def add(db, routes, path, body, ctype="application/rss+xml; charset=utf-8", delay=0, kind="feed"):
    routes[path] = (200, ctype, body, delay)
    return service.create_source(db, name=path.strip("/"), url=routes.base + path, kind=kind)


@pytest.mark.parametrize("fixture,count", [("rss2.xml", 3), ("atom.xml", 2), ("vn_news.xml", 3)])
def test_real_feed_formats(db, feed_server, fixture, count):
    source = add(db, feed_server, "/" + fixture, (FIXTURES / fixture).read_bytes())
    result = service.poll(db)
    assert result[0]["status"] == "ok" and result[0]["added"] == count
    items = list(db.scalars(select(Item)))
    assert len(items) == count and all(i.source_type == "news" and i.url.startswith("https://") for i in items)
    dump = " ".join(i.text for i in items)
    for author in ("Phóng Viên", "phongvien@", "Tác Giả", "tac-gia", "Biên Tập", "Thạch Sa"):
        assert author not in dump
    assert source.status == "ok" and source.items_added == count
    assert service.poll(db) == []  # not due yet
    again = service.poll(db, force=True)
    assert again[0]["added"] == 0 and len(list(db.scalars(select(Item)))) == count


def test_vietnamese_feed_is_scrubbed_and_classified(db, feed_server):
    add(db, feed_server, "/tin.xml", (FIXTURES / "vn_news.xml").read_bytes())
    service.poll(db)
    items = {i.url.rsplit("/", 1)[1]: i for i in db.scalars(select(Item))}
    assert "456 789" not in items["cau-ngang-37-ca"].text and "[SĐT]" in items["cau-ngang-37-ca"].text
    assert 34 in items["ho-tro-nq68"].subcategories


BAD = {
    "html": (
        "<!DOCTYPE html><html><head><title>Trang chủ</title></head><body>Xin chào</body></html>".encode(),
        "text/html; charset=utf-8",
        "HTML",
    ),
    "truncated": ((FIXTURES / "rss2.xml").read_text(encoding="utf-8")[:900].encode(), "application/rss+xml", "cắt cụt"),
    "encoding": (
        (FIXTURES / "rss2.xml").read_bytes().replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"'),
        "application/xml",
        "mã hóa",
    ),
    "huge": (
        b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        + b"<!-- x -->" * (5 * 1024 * 1024)
        + b"</channel></rss>",
        "application/xml",
        "quá lớn",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_sources_fail_whole_with_a_clear_message(db, feed_server, case, monkeypatch):
    monkeypatch.setenv("LOA_LISTENING_MAX_FETCH_MB", "10")
    body, ctype, words = BAD[case]
    assert case != "huge" or len(body) > 50 * 1024 * 1024
    good = add(db, feed_server, "/good.xml", (FIXTURES / "atom.xml").read_bytes())
    bad = add(db, feed_server, f"/{case}.xml", body, ctype)
    results = {r["source"]: r for r in service.poll(db)}
    assert results[f"{case}.xml"]["status"] == "failing"
    assert words in bad.last_error and bad.status == "failing" and bad.failures == 1
    assert bad.next_poll_at >= bad.last_polled_at + timedelta(minutes=60)
    assert {i.source_id for i in db.scalars(select(Item))} == {good.id}  # nothing partial from the bad source


def test_timeout_and_back_off(db, feed_server, monkeypatch):
    monkeypatch.setenv("LOA_LISTENING_FETCH_TIMEOUT_S", "0.5")
    slow = add(db, feed_server, "/slow.xml", (FIXTURES / "rss2.xml").read_bytes(), delay=2)
    first = service.poll(db)[0]
    assert first["status"] == "failing" and "thời gian chờ" in slow.last_error
    wait1 = slow.next_poll_at - slow.last_polled_at
    service.poll(db, force=True)
    wait2 = slow.next_poll_at - slow.last_polled_at
    assert slow.failures == 2 and wait2 == 2 * wait1
    assert db.scalar(select(Item)) is None
    feed_server["/slow.xml"] = (200, "application/xml", (FIXTURES / "rss2.xml").read_bytes(), 0)
    service.poll(db, force=True)
    assert slow.status == "ok" and slow.failures == 0 and slow.last_error == ""


def test_page_extraction(db, feed_server):
    html = (
        "<html><head><title>Tiêm vắc xin cho trẻ</title></head><body><nav>Trang chủ | Tin tức</nav><article>"
        "<h1>Trà Vinh tiêm vắc xin cho trẻ từ 12 đến 17 tuổi</h1><p>Ngành y tế tỉnh bắt đầu tiêm vắc xin Pfizer "
        "cho học sinh từ 12 đến 17 tuổi tại các trường học, phụ huynh cần ký phiếu đồng ý và đi cùng con.</p>"
        "<p>Sau tiêm, học sinh được theo dõi 30 phút tại điểm tiêm.</p></article><footer>Bản quyền</footer>"
        "</body></html>"
    ).encode()
    add(db, feed_server, "/bai-viet", html, "text/html; charset=utf-8", kind="page")
    assert service.poll(db)[0]["status"] == "ok"
    item = db.scalar(select(Item))
    assert "12 đến 17 tuổi" in item.text and "Bản quyền" not in item.text


def test_encoding_check_accepts_honest_single_byte_feed():
    data = (FIXTURES / "rss2.xml").read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="windows-1258"')
    raw = data.encode("cp1258", errors="ignore")
    feeds.check_encoding(raw)
    assert Source.__tablename__ == "listening_sources"


def test_a_source_inside_the_network_is_refused_unless_allowed(db, feed_server, monkeypatch):
    feed_server["/feed.xml"] = (200, "application/rss+xml", (FIXTURES / "rss2.xml").read_bytes(), 0)
    feed_server["/api/v1/me"] = (401, "application/json", b'{"detail": "login"}', 0)
    monkeypatch.delenv("LOA_FETCH_ALLOW_HOSTS")
    feed = service.create_source(db, name="Nội bộ", url=feed_server.base + "/feed.xml")
    api = service.create_source(db, name="API", url=feed_server.base + "/api/v1/me")
    closed = service.create_source(db, name="Cổng đóng", url="http://127.0.0.1:1/")
    results = {r["source"]: r for r in service.poll(db)}
    assert {r["status"] for r in results.values()} == {"failing"}
    assert feed.last_error == api.last_error == closed.last_error and "401" not in api.last_error
    assert db.scalar(select(func.count(Item.id))) == 0
    monkeypatch.setenv("LOA_FETCH_ALLOW_HOSTS", "127.0.0.1")
    assert service.poll_source(db, feed)["status"] == "ok" and feed.items_added == 3
