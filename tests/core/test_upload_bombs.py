"""Hostile uploads (``tests/core/upload_bombs.py``) are refused by ``loa.archives`` before any parser unpacks
them, through every reader: the plan parser, the bulletins and answers imports, the listening feed import.
The time and memory of each refusal are measured by ``bench/upload_bombs.py``."""

from __future__ import annotations

import io
import tracemalloc

import pytest
from openpyxl import Workbook

from loa import archives
from loa.errors import UserError
from loa.listening.feeds import parse_feed
from loa.plans.reading import read_document
from tests.core.upload_bombs import BOMBS, sheet_xml, xlsx

DOCX = [n for n, (kind, _make) in BOMBS.items() if kind == "docx"]
XLSX = [n for n, (kind, _make) in BOMBS.items() if kind == "xlsx"]


def read(data: bytes) -> None:
    """Read an upload as the plan parser, the spreadsheet imports or the feed import would."""
    if data.startswith(b"PK"):
        if b"word/" in data:
            read_document(data)
        else:
            list(archives.xlsx_rows(data))
    else:
        parse_feed(data, "application/rss+xml")


def refused(make) -> UserError:
    with pytest.raises(UserError) as exc:
        read(make())
    return exc.value


@pytest.mark.parametrize("name", list(BOMBS))
def test_every_bomb_is_refused_by_its_reader(name):
    exc = refused(BOMBS[name][1])
    assert exc.status in (413, 422) and exc.message and exc.message_en


@pytest.mark.parametrize("name", ["docx_zip_bomb_2gib", "docx_zip_bomb_lying_size", "xlsx_zip_bomb_2gib"])
def test_zip_bombs_are_refused_in_little_memory(name):
    data = BOMBS[name][1]()
    tracemalloc.start()
    try:
        with pytest.raises(UserError):
            read(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # one chunk at a time, never the 2 GiB


@pytest.mark.parametrize("name", DOCX)
def test_docx_bombs_sent_to_the_parse_endpoint(login, name):
    c = login("coordinator")
    r = c.post("/api/v1/plans/parse", files={"file": ("ke-hoach.docx", BOMBS[name][1](), "application/octet-stream")})
    assert r.status_code in (413, 422) and r.json()["detail"]


def test_viewers_cannot_reach_the_parse_endpoint(login):
    c = login("viewer")
    r = c.post("/api/v1/plans/parse", files={"file": ("ke-hoach.docx", BOMBS["docx_xxe"][1](), "application/zip")})
    assert r.status_code == 403


@pytest.mark.parametrize("name", ["xlsx_zip_bomb_2gib", "xlsx_2m_empty_rows", "xlsx_billion_laughs"])
def test_xlsx_bombs_sent_to_the_imports(login, db, name):
    from sqlalchemy import select

    from loa.answers.models import FaqEntry
    from loa.bulletins.models import StatPoint

    data = BOMBS[name][1]()
    expected = refused(BOMBS[name][1]).message
    c = login("coordinator")
    for url, form in (("/api/v1/bulletins/imports", {"dry_run": "false"}), ("/api/v1/answers/import", {})):
        r = c.post(url, files={"file": ("so-lieu.xlsx", data, "application/octet-stream")}, data=form)
        job = c.get(r.json()["job"]["url"]).json()
        assert job["status"] == "failed", (url, job)
        assert expected in job["message"], (url, job)
    db.expire_all()
    assert db.scalars(select(StatPoint)).first() is None and db.scalars(select(FaqEntry)).first() is None


def test_a_feed_with_entities_is_refused_and_a_public_doctype_is_not():
    with pytest.raises(UserError):
        parse_feed(BOMBS["feed_billion_laughs"][1](), "application/rss+xml")
    rss091 = (
        '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>Tin</title>'
        "<link>https://soyte.example.vn/</link><description>d</description><item><title>Lịch tiêm tuần này</title>"
        "<link>https://soyte.example.vn/a</link></item></channel></rss>"
    ).encode()
    assert [p.text for p in parse_feed(rss091, "application/rss+xml")] == ["Lịch tiêm tuần này"]


def test_row_limit_is_exact_across_chunks():
    row = (
        '<row r="{0}"><c r="A{0}" t="inlineStr"><is><t>Huyện số {0}, dòng dài vượt qua một khối đọc</t></is></c></row>'
    )
    body = "".join(row.format(i) for i in range(1, 3001)).encode()
    assert len(body) > 4 * 65536  # the row elements span several chunks
    assert len(list(archives.xlsx_rows(xlsx(sheet_xml(body)), max_rows=3000))) == 3000
    with pytest.raises(UserError) as exc:
        list(archives.xlsx_rows(xlsx(sheet_xml(body)), max_rows=2999))
    assert exc.value.status == 413


def test_an_ordinary_workbook_is_read():
    wb = Workbook()
    ws = wb.active
    ws.append(["Đơn vị", "Ngày", "Số ca"])
    for i in range(1, 500):
        ws.append([f"Xã {i}", "2021-10-25", i])
    buf = io.BytesIO()
    wb.save(buf)
    rows = list(archives.xlsx_rows(buf.getvalue()))
    assert len(rows) == 500 and rows[0] == ("Đơn vị", "Ngày", "Số ca") and rows[-1][2] == 499


def test_broken_and_not_a_zip():
    for data in (b"PK\x03\x04" + b"\0" * 100, b"not a zip at all"):
        with pytest.raises(UserError) as exc:
            archives.check_package(data, archives.DOCX)
        assert exc.value.status == 422
