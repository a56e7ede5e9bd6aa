"""Trends exports: CSV and XLSX per topic, district and language for any period, from the web and the API; bad
parameters are refused with the shared error body."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import insert

from loa.clock import local_day
from loa.listening.models import DailyCount, Topic
from loa.listening.topics import topics
from tests.listening.conftest import days_ago

CAU_KE = "Huyện Cầu Kè"


def _seed(db) -> tuple:
    topics(db)  # the taxonomy's rows
    db.get(Topic, 14).name_vi = '=HYPERLINK("http://x")'  # an administrator's name that looks like a formula
    first = local_day(days_ago(3))
    zeros = {"reach": 0, "questions": 0, "concerns": 0, "negative": 0, "claims": 0}
    rows = []
    for k in range(3):
        d = first + timedelta(days=k)
        rows += [
            {"day": d, "topic": 0, "district": "", "language": "", "items": 10 + k, **zeros},
            {"day": d, "topic": 14, "district": "", "language": "", "items": 5 + k, **zeros},
            {"day": d, "topic": 14, "district": CAU_KE, "language": "", "items": 2 + k, **zeros},
            {"day": d, "topic": 0, "district": CAU_KE, "language": "km", "items": 1, **zeros},
        ]
    db.execute(insert(DailyCount), rows)
    db.commit()
    return first, first + timedelta(days=2)


def _csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_export_from_the_api_per_district_and_period(db, people, login):
    first, last = _seed(db)
    c = login("agency_member")
    r = c.get(
        "/api/v1/listening/trends",
        params={
            "format": "csv",
            "from": first.isoformat(),
            "to": (last - timedelta(days=1)).isoformat(),
            "district": CAU_KE,
        },
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"] and "huyen-cau-ke" in r.headers["content-disposition"]
    table = _csv(r.content)
    assert table[0][:6] == ["Ngày", "Mã chủ đề", "Chủ đề", "Địa bàn", "Ngôn ngữ", "Số tin"]
    assert [(row[0], row[1], row[3], row[4], row[5]) for row in table[1:]] == [
        (first.isoformat(), "14", CAU_KE, "Tất cả", "2"),
        ((first + timedelta(days=1)).isoformat(), "14", CAU_KE, "Tất cả", "3"),
    ]
    assert table[1][2] == '\'=HYPERLINK("http://x")'  # never a formula
    whole = _csv(
        c.get(
            "/api/v1/listening/trends", params={"format": "csv", "from": first.isoformat(), "to": last.isoformat()}
        ).content
    )
    assert [(row[1], row[3], row[5]) for row in whole[1:3]] == [("0", "Toàn tỉnh", "10"), ("14", "Toàn tỉnh", "5")]
    khmer = _csv(
        c.get(
            "/api/v1/listening/trends",
            params={
                "format": "csv",
                "from": first.isoformat(),
                "to": last.isoformat(),
                "district": CAU_KE,
                "language": "km",
            },
        ).content
    )
    assert [(row[1], row[4], row[5]) for row in khmer[1:]] == [("0", "Tiếng Khmer", "1")] * 3


def test_xlsx_export_from_the_web_link(db, people, login):
    first, last = _seed(db)
    c = login("agency_member")
    page = c.get("/listening/districts", params={"start": first.isoformat(), "end": last.isoformat()}).text
    assert f'href="/listening/trends.xlsx?start={first.isoformat()}&amp;end={last.isoformat()}"' in page
    r = c.get("/listening/trends.xlsx", params={"start": first.isoformat(), "end": last.isoformat()})
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Ngày", "Mã chủ đề", "Chủ đề", "Địa bàn", "Ngôn ngữ", "Số tin")
    assert [(r[0].date(), r[1], r[5]) for r in rows[1:]] == [
        (first + timedelta(days=k), t, n) for k in range(3) for t, n in ((0, 10 + k), (14, 5 + k))
    ]
    assert rows[2][2] == '\'=HYPERLINK("http://x")' and sheet["A2"].number_format == "DD/MM/YYYY"


def test_bad_export_parameters_get_the_error_body(db, people, login):
    _seed(db)
    c = login("agency_member")
    for params in (
        {"format": "pdf"},
        {"format": "csv", "from": "32/13/2021"},
        {"format": "csv", "from": "2021-07-10", "to": "2021-07-01"},
        {"format": "csv", "from": "2001-01-01", "to": "2021-01-01"},
        {"format": "xlsx", "district": "Quận 1"},
        {"format": "csv", "language": "en"},
    ):
        r = c.get("/api/v1/listening/trends", params=params)
        assert r.status_code == 422, params
        assert isinstance(r.json()["detail"], str) and r.json()["detail"]
    assert c.get("/listening/trends.pdf").status_code == 422
