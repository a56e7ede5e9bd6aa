"""The bulletin for Trà Vinh on 25/10/2021, its numbers worked out by hand from the shared CSV, the 7-day
average at the series' edges, and the draft handed to the content workflow."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from loa.bulletins import service
from loa.bulletins.gazetteer import gazetteer
from loa.errors import UserError
from tests.bulletins.conftest import to_csv

DAY = date(2021, 10, 25)


def test_tra_vinh_2021_10_25_numbers_checked_by_hand(real_data):
    # Trà Vinh cumulative cases (CSV): 18/10 1867, 19/10 1912, 20/10 1950, 21/10 2007, 22/10 2083,
    # 23/10 2141, 24/10 2254, 25/10 2314. New on 25/10: 2314 − 2254 = 60; on 24/10: 2254 − 2141 = 113.
    # Last 7 days: 2314 − 1867 = 447 → 447 / 7 = 63,857 per day. Population (GSO 2020): 1.009.900.
    # Per 100.000: 2314 → 229,13; 447 → 44,26.
    # Mekong Delta, 18/10 → 25/10: Long An 495, Tiền Giang 632, Bến Tre 99, Trà Vinh 447, Vĩnh Long 106,
    # Đồng Tháp 248, An Giang 1475, Kiên Giang 630, Cần Thơ 225, Hậu Giang 145, Sóc Trăng 940, Bạc Liêu 766,
    # Cà Mau 341 = 6549 over 17.318.600 inhabitants → 37,82 per 100.000. Higher per 100.000 than Trà Vinh:
    # Bạc Liêu 83,9, Sóc Trăng 78,6, An Giang 77,4 → Trà Vinh 4th of 13.
    # Whole country (combined file): 889.729 − 864.371 = 25.358 over 97.582.700 → 25,99 per 100.000.
    f = service.figures(real_data, gazetteer().get("84"), DAY)
    assert (f.new_cases, f.new_yesterday, f.total_cases, f.week_cases) == (60, 113, 2314, 447)
    assert f.avg7 == pytest.approx(63.857, abs=0.001)
    assert f.total_per_100k == pytest.approx(229.13, abs=0.01)
    assert f.week_per_100k == pytest.approx(44.26, abs=0.01)
    assert f.region == "Đồng bằng sông Cửu Long"
    assert f.region_week_per_100k == pytest.approx(37.82, abs=0.01)
    assert (f.region_rank, f.region_size) == (4, 13)
    assert f.national_week_per_100k == pytest.approx(25.99, abs=0.01)
    assert f.recoveries is None and f.dose1_pct is None  # the province file holds cases only

    text = service.draft_text(f)
    assert text.startswith("# Bản tin tình hình dịch COVID-19 tỉnh Trà Vinh ngày 25/10/2021")
    assert "ngày 25 tháng 10 năm 2021" in text
    assert "**60 ca mắc mới**, giảm 53 ca so với ngày hôm trước (113 ca)" in text
    assert "thấp hơn mức trung bình 7 ngày qua (63,9 ca/ngày)" in text
    assert "**2.314 ca**, tương đương 229,1 ca/100.000 dân" in text
    assert "Trong 7 ngày qua có 447 ca (44,3 ca/100.000 dân)" in text
    assert "cao hơn mức chung của vùng Đồng bằng sông Cửu Long (37,8 ca/100.000 dân)" in text
    assert "thứ 4/13" in text and "Cả nước: 26,0 ca/100.000 dân" in text
    assert "Chưa có số liệu khỏi bệnh và tiêm chủng" in text
    assert "Tổng cục Thống kê" in text


def test_national_bulletin_puts_recoveries_first(real_data):
    # Combined file, 25/10: recovered 804.781 (24/10: 803.458 → 1.323), confirmed 889.729 (+3.639), deaths 21.703 (+65)
    _f, text = service.draft(real_data, gazetteer().get("00"), DAY)
    assert "Bản tin tình hình dịch COVID-19 cả nước ngày 25/10/2021" in text
    assert "**1.323 người khỏi bệnh**, nâng tổng số người khỏi bệnh lên 804.781 (90,5% tổng số ca mắc)" in text
    assert "**3.639 ca mắc mới**" in text and "Tử vong trong ngày: 65; cộng dồn: 21.703." in text
    assert text.index("khỏi bệnh") < text.index("ca mắc mới")


def test_vaccination_coverage_first_and_in_vietnamese_percent(db):
    rows = [["ngay", "tinh", "ca_mac", "khoi_benh", "mui_1", "mui_2"]]
    for k in range(8):
        day = date(2021, 10, 18) + timedelta(days=k)
        rows.append(
            [day.isoformat(), "Trà Vinh", 2000 + 10 * k * k, 1500 + 5 * k, 650_000 + 1000 * k, 300_000 + 2000 * k]
        )
    service.import_stats(db, to_csv(rows), "tv.csv")
    _f, text = service.draft(db, gazetteer().get("84"), DAY)
    # 657.000 / 1.009.900 = 65,06%; 314.000 / 1.009.900 = 31,09%
    assert (
        "**65,1% dân số** (657.000 người) được tiêm ít nhất 1 mũi vắc xin, 31,1% (314.000 người) đã tiêm đủ 2 mũi"
        in text
    )
    assert text.index("vắc xin") < text.index("ca mắc mới")
    assert "**5 người khỏi bệnh**" in text
    plain = service.plain_text(text)
    assert "**" not in plain and "#" not in plain and "65,1% dân số" in plain


def test_seven_day_average_at_the_series_edges():
    start = date(2021, 10, 1)
    daily = {start + timedelta(days=k): v for k, v in enumerate([None, 7, 14, 0, 21, 7, 14, 7, 70])}
    assert service.moving_average(daily, start + timedelta(days=6)) is None  # the first day has no count
    assert service.moving_average(daily, start + timedelta(days=7)) == pytest.approx(10)  # 7+14+0+21+7+14+7
    assert service.moving_average(daily, start + timedelta(days=8)) == pytest.approx(19)  # 14+0+21+7+14+7+70
    assert service.moving_average(daily, start + timedelta(days=9)) is None  # past the end: no value invented
    assert service.moving_average(daily, start) is None


def test_seven_day_average_at_the_real_series_start(real_data):
    series = {p.day: p.daily for p in service.series(real_data, "84", "cases")}
    first = min(series)
    assert first == date(2021, 4, 27) and series[first] is None
    assert service.moving_average(series, first + timedelta(days=6)) is None
    assert service.moving_average(series, first + timedelta(days=7)) == 0  # Trà Vinh had no case until summer


def test_no_data_for_the_day_is_a_clear_404(real_data):
    with pytest.raises(UserError) as err:
        service.figures(real_data, gazetteer().get("84"), date(2021, 11, 1))
    assert err.value.status == 404 and "01/11/2021" in err.value.message
    with pytest.raises(UserError) as err:
        service.unit_or_404("Tra Vinhh")
    assert "Trà Vinh" in err.value.message


def test_draft_becomes_a_situation_bulletin_awaiting_review(real_data, people, settings):
    from loa.content import service as content

    bulletin = service.save_bulletin(real_data, gazetteer().get("84"), DAY, people["editor"], settings=settings)
    item = content.get_item(real_data, bulletin.content_item_id)
    assert (item.kind, item.state, item.language) == ("situation_bulletin", "review", "vi")
    assert item.states_health_facts and item.title == "Bản tin tình hình dịch COVID-19 tỉnh Trà Vinh ngày 25/10/2021"
    assert "60 ca mắc mới" in item.body and "**" not in item.body
    again = service.save_bulletin(real_data, gazetteer().get("84"), DAY, people["editor"], settings=settings)
    assert again.id == bulletin.id and again.content_item_id == item.id  # still under review: updated in place
