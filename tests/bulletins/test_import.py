"""Import of the real 2021 series and every validation problem, on fixtures built from that data."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import func, select

from loa.bulletins import service
from loa.bulletins.importer import analyse
from loa.bulletins.models import StatImport, StatPoint
from loa.errors import UserError
from tests.bulletins.conftest import last_days, table, to_csv
from tests.conftest import audit_count

TV = ["Trà Vinh", "Vĩnh Long", "Bến Tre"]


def points(db, unit="84", metric="cases"):
    return {p.day: (p.daily, p.total) for p in service.series(db, unit, metric)}


def test_real_province_series_wide_cumulative(db, provinces_csv):
    analysis = analyse(provinces_csv, "provinces.csv")
    assert (analysis.layout, analysis.detected_mode, analysis.mode) == ("wide", "cumulative", "cumulative")
    assert len(analysis.units) == 62 and analysis.errors == []
    assert {p.kind for p in analysis.problems} == {"outlier"}  # real jumps: to be looked at and accepted
    record, created = service.import_stats(db, provinces_csv, "provinces.csv", accepted=True)
    assert created and record.points == 62 * 182
    tv = points(db)
    # Trà Vinh's last days, read off the CSV: 2083, 2141, 2254, 2314
    assert tv[date(2021, 10, 22)] == (76, 2083)
    assert tv[date(2021, 10, 23)] == (58, 2141)
    assert tv[date(2021, 10, 24)] == (113, 2254)
    assert tv[date(2021, 10, 25)] == (60, 2314)
    assert tv[date(2021, 4, 27)] == (None, 0)  # the first day has no day before it
    assert points(db, "79")[date(2021, 10, 25)] == (969, 426090)  # "Hồ Chí Minh city"
    assert points(db, "46")[date(2021, 10, 25)] == (23, 1029)  # "Thừa Thiên - Huế"


def test_real_national_totals_long_form_without_unit_column(db, national_csv):
    analysis = analyse(national_csv, "combined.csv")
    assert analysis.layout == "long" and analysis.detected_mode == "cumulative"
    assert analysis.units == ["00"] and analysis.metrics == ["cases", "recoveries", "deaths"]
    assert analysis.ignored_columns == ["infective"]
    service.import_stats(db, national_csv, "combined.csv", accepted=True)
    assert points(db, "00")[date(2021, 10, 25)] == (3639, 889729)
    assert points(db, "00", "deaths")[date(2021, 10, 25)] == (65, 21703)
    assert points(db, "00", "recoveries")[date(2021, 10, 25)] == (1323, 804781)


def test_import_is_idempotent_by_content_hash(db, settings, provinces_csv):
    small = to_csv(last_days(provinces_csv, 10, TV))
    first, created = service.import_stats(db, small, "a.csv", accepted=True)
    db.commit()
    before = audit_count(settings)
    again, created_again = service.import_stats(db, small, "renamed.csv", accepted=True)
    db.commit()
    assert created and not created_again and again.id == first.id
    assert audit_count(settings) == before
    assert db.scalar(select(func.count()).select_from(StatImport)) == 1


def test_dropped_day_is_a_gap(db, provinces_csv):
    rows = last_days(provinces_csv, 10, TV)
    dropped = [r for r in rows if r[0] != "2021-10-20"]
    analysis = analyse(to_csv(dropped), "gap.csv")
    gaps = [p for p in analysis.problems if p.kind == "gap"]
    assert {(p.unit, p.day) for p in gaps} == {(u, date(2021, 10, 20)) for u in ("84", "86", "83")}
    assert "20/10/2021" in gaps[0].message
    with pytest.raises(UserError) as err:
        service.import_stats(db, to_csv(dropped), "gap.csv")
    assert err.value.status == 422 and len(err.value.details) == 3
    assert db.scalar(select(func.count()).select_from(StatPoint)) == 0  # nothing half-imported
    service.import_stats(db, to_csv(dropped), "gap.csv", accepted={p.id for p in gaps})
    tv = points(db)
    assert date(2021, 10, 20) not in tv
    assert tv[date(2021, 10, 21)] == (None, 2007)  # no day before: the change is unknown, not invented
    assert tv[date(2021, 10, 22)] == (76, 2083)


def test_decrease_in_cumulative_series(db, provinces_csv):
    rows = last_days(provinces_csv, 10, TV)
    col = rows[0].index("Trà Vinh")
    for r in rows:
        if r[0] == "2021-10-22":
            r[col] = "1990"  # Trà Vinh falls from 2007 to 1990
    analysis = analyse(to_csv(rows), "decrease.csv", mode="cumulative")
    [problem] = analysis.problems
    assert (problem.kind, problem.unit, problem.day) == ("decrease", "84", date(2021, 10, 22))
    assert "giảm 17" in problem.message
    service.import_stats(db, to_csv(rows), "decrease.csv", mode="cumulative", accepted={problem.id})
    assert points(db)[date(2021, 10, 22)] == (-17, 1990)


def test_misspelt_province_is_reported_not_guessed(db, settings, provinces_csv):
    rows = last_days(provinces_csv, 10, TV)
    rows[0][rows[0].index("Trà Vinh")] = "Tra Vinhh"
    analysis = analyse(to_csv(rows), "typo.csv")
    [problem] = analysis.problems
    assert problem.kind == "unknown_unit" and "Tra Vinhh" in problem.message and "Trà Vinh" in problem.message
    assert analysis.units == ["83", "86"]
    before = audit_count(settings)
    with pytest.raises(UserError):
        service.import_stats(db, to_csv(rows), "typo.csv")
    db.rollback()
    assert audit_count(settings) == before
    service.import_stats(db, to_csv(rows), "typo.csv", accepted={problem.id})
    assert points(db) == {}  # skipped, never attributed to Trà Vinh
    assert len(points(db, "86")) == 10


def test_duplicate_day_and_outlier(db, provinces_csv):
    rows = last_days(provinces_csv, 20, TV)
    rows.append(list(rows[-1]))
    col = rows[0].index("Trà Vinh")
    for r in rows:
        if r[0] == "2021-10-23":
            r[col] = str(int(r[col]) + 500)  # a one-day spike of 500 in Trà Vinh
    analysis = analyse(to_csv(rows), "spike.csv")
    kinds = {(p.kind, p.unit, p.day) for p in analysis.problems}
    assert ("duplicate_day", "84", date(2021, 10, 25)) in kinds
    assert ("outlier", "84", date(2021, 10, 23)) in kinds
    assert ("decrease", "84", date(2021, 10, 24)) in kinds  # the spike makes the next day fall back


def test_daily_mode_stated_and_checked_for_plausibility(db, provinces_csv):
    rows = last_days(provinces_csv, 10, TV)
    analysis = analyse(to_csv(rows), "x.csv", mode="daily")
    assert analysis.detected_mode == "cumulative"
    assert [p.kind for p in analysis.problems] == ["mode"]
    daily = [
        ["ngay", "tinh", "ca_mac_moi"],
        ["24/10/2021", "Trà Vinh", "113"],
        ["25/10/2021", "Trà Vinh", "60"],
        ["23/10/2021", "Trà Vinh", "58"],
    ]
    analysis = analyse(to_csv(daily, ";"), "daily.csv")
    assert analysis.detected_mode == "daily" and analysis.problems == []
    service.import_stats(db, to_csv(daily, ";"), "daily.csv")
    assert points(db) == {date(2021, 10, 23): (58, 58), date(2021, 10, 24): (113, 171), date(2021, 10, 25): (60, 231)}


def test_long_form_xlsx_with_every_metric(db):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Ngày", "Tỉnh/thành phố", "Ca mắc", "Khỏi bệnh", "Tử vong", "Mũi 1", "Mũi 2"])
    ws.append([datetime(2021, 10, 24), "Trà Vinh", 2254, 1800, 20, 700_000, 350_000])
    ws.append([datetime(2021, 10, 25), "Trà Vinh", 2314, "1.850", 21, 705_000, 356_000])
    ws.append(["25/10/2021", "Cần Thơ", 6470, 6000, 100, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    analysis = analyse(buf.getvalue(), "so-lieu.xlsx")
    assert analysis.layout == "long" and analysis.problems == []
    assert analysis.metrics == ["cases", "recoveries", "deaths", "vaccinated_1", "vaccinated_2"]
    service.import_stats(db, buf.getvalue(), "so-lieu.xlsx")
    assert points(db, "84", "recoveries")[date(2021, 10, 25)] == (50, 1850)
    assert points(db, "84", "vaccinated_2")[date(2021, 10, 25)] == (6000, 356000)
    assert points(db, "92")[date(2021, 10, 25)] == (None, 6470)


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters with the tone as a combining mark."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            out += unicodedata.normalize("NFC", parts[:-1]).encode("cp1258") + parts[-1].encode("cp1258")
    return out


def test_encodings_are_detected(db):
    text = "ngày,tỉnh,ca mắc\n2021-10-24,Trà Vinh,2254\n2021-10-25,Trà Vinh,2314\n"
    for encoding, content in [
        ("utf-8-sig", text.encode("utf-8-sig")),
        ("utf-16", text.encode("utf-16")),
        ("utf-8", text.encode()),
        ("cp1258", cp1258(text)),
    ]:
        assert content != text.encode() or encoding == "utf-8"
        analysis = analyse(content, f"{encoding}.csv")
        assert analysis.units == ["84"], encoding
        assert analysis.series[("84", "cases")][date(2021, 10, 25)] == 2314


@pytest.mark.parametrize(
    "content,name,needle",
    [
        (b"", "empty.csv", "trống"),
        (b"PK\x03\x04 broken zip", "broken.xlsx", "Excel"),
        (b"\xd0\xcf\x11\xe0 old excel", "old.xls", ".xls"),
        (b"tinh,so\nTra Vinh,1\n", "nodate.csv", "cột ngày"),
        ("ngày,Trà Vinh\n2021-10-25,nhiều\n".encode(), "text.csv", "không phải là một số"),
        ("ngày,Trà Vinh\n32/10/2021,5\n".encode(), "baddate.csv", "không đọc được"),
        ("ngày,tỉnh,ca mắc\n25/10/2021,,5\n".encode(), "nounit.csv", "thiếu tên đơn vị"),
    ],
)
def test_bad_files_give_clear_messages_and_store_nothing(db, content, name, needle):
    with pytest.raises(UserError) as err:
        service.import_stats(db, content, name, accepted=True)
    text = err.value.message + " ".join(d["message"] for d in err.value.details)
    assert needle in text
    assert db.scalar(select(func.count()).select_from(StatPoint)) == 0
    assert db.scalar(select(func.count()).select_from(StatImport)) == 0


def test_oversized_upload_and_unknown_metric():
    with pytest.raises(UserError) as err:
        service.check_size(b"x" * (2 * 1024 * 1024 + 1), 2)
    assert err.value.status == 413
    with pytest.raises(UserError):
        analyse(b"date,Tra Vinh\n2021-10-25,1\n", "x.csv", metric="hospital_beds")


def test_reimport_overlapping_days_replaces_values(db, provinces_csv):
    service.import_stats(db, to_csv(last_days(provinces_csv, 10, TV)), "a.csv", accepted=True)
    corrected = last_days(provinces_csv, 3, ["Trà Vinh"])
    corrected[-1][1] = "2320"
    service.import_stats(db, to_csv(corrected), "b.csv", accepted=True)
    tv = points(db)
    assert len(tv) == 10 and tv[date(2021, 10, 25)] == (66, 2320)
    assert tv[date(2021, 10, 23)] == (58, 2141)  # joined to the stored day before the file's first day
    assert table(to_csv(corrected))[0] == ["date", "Trà Vinh"]


def test_wide_xlsx_from_the_real_series(db, provinces_csv):
    rows = last_days(provinces_csv, 7, ["Trà Vinh", "Hồ Chí Minh city", "Thừa Thiên - Huế"])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(rows[0])
    for r in rows[1:]:
        ws.append([datetime.fromisoformat(r[0])] + [int(v) for v in r[1:]])
    buf = io.BytesIO()
    wb.save(buf)
    analysis = analyse(buf.getvalue(), "rong.xlsx")
    assert (analysis.layout, analysis.detected_mode, analysis.units) == ("wide", "cumulative", ["46", "79", "84"])
    service.import_stats(db, buf.getvalue(), "rong.xlsx")
    assert points(db)[date(2021, 10, 25)] == (60, 2314)


def test_district_rows_of_the_home_province(db):
    rows = [
        ["ngay", "huyen", "ca_mac_moi"],
        ["2021-10-25", "Cầu Ngang", 7],
        ["2021-10-25", "Thị xã Duyên Hải", 2],
        ["2021-10-25", "Cau Ke", 3],
        ["2021-10-25", "Duyên Hải", 1],
    ]
    analysis = analyse(to_csv(rows), "huyen.csv", within="84")
    assert analysis.units == ["845", "848", "851"]
    [problem] = analysis.problems
    assert problem.kind == "unknown_unit" and "Duyên Hải" in problem.message  # district or town: not guessed
    assert analyse(to_csv(rows[:2]), "huyen.csv").problems[0].kind == "unknown_unit"  # no home province given
