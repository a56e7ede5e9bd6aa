"""Where and in which language: places and language stored at ingestion, district and language counts, Khmer
stories kept for a Khmer-reading officer, district alerts, district filters in the web and the API, the CLI's
places, and the migration that added them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import insert, select

from loa.channels import service as channels
from loa.clock import local_day
from loa.db import alembic_config, dispose_engines
from loa.listening import places, service
from loa.listening.config import ListeningSettings
from loa.listening.models import Alert, DailyCount, Item
from loa.listening.pipeline import Post
from tests.conftest import ARTIFACTS, browser_login, run_cli
from tests.listening.conftest import days_ago

CAU_KE, TIEU_CAN = "Huyện Cầu Kè", "Huyện Tiểu Cần"
KHMER = "តើកូនខ្ញុំអាចចាក់វ៉ាក់សាំងបានទេ? ទូរស័ព្ទ ០៩១២៣៤៥៦៧៨ sokha@mail.com @sokha ở huyện Trà Cú"


def posts() -> list[Post]:
    """Yesterday's posts, dated when a test runs (not when the module is collected: a run may cross midnight)."""
    return [
        Post("Ở xã Hiếu Tử, huyện Tiểu Cần nhiều người sốt cao, có phải dịch không?", days_ago(1)),
        Post("Điểm tiêm ở Cầu Kè hết vắc xin, bà con chờ từ sáng", days_ago(1)),
        Post("H. Cầu Kè và huyện Tiểu Cần chưa có lịch tiêm mũi nhắc lại", days_ago(1)),
        Post("Con tôi sốt hai ngày rồi, có cần đi xét nghiệm không?", days_ago(1)),
        Post(KHMER, days_ago(1)),
    ]


def counts(db, **where) -> dict:
    """{(topic, district, language): items} of the rows matching ``where``."""
    q = select(DailyCount).filter_by(**where)
    return {(c.topic, c.district, c.language): c.items for c in db.scalars(q)}


def test_ingest_stores_language_places_and_counts_per_district_and_language(db, people):
    channels.seed_register(db, people["admin"], "Trà Vinh")  # the register comes from channels' communes
    districts = places.load(db).districts  # official names with the unit type
    assert len(districts) == 9 and "Huyện Càng Long" in districts and "Thị xã Duyên Hải" in districts
    service.ingest(db, posts(), check_claims=False)
    items = {i.text[:20]: i for i in db.scalars(select(Item))}
    first = next(i for t, i in items.items() if t.startswith("Ở xã Hiếu Tử"))
    assert first.language == "vi" and first.places == [[TIEU_CAN, "Xã Hiếu Tử"]]
    both = next(i for t, i in items.items() if t.startswith("H. Cầu Kè"))
    assert both.places == [[CAU_KE, None], [TIEU_CAN, None]]
    day = local_day(days_ago(1))
    total = counts(db, day=day, topic=0)
    assert total[(0, "", "")] == 5
    assert total[(0, CAU_KE, "")] == 2 and total[(0, TIEU_CAN, "")] == 2 and total[(0, "Huyện Trà Cú", "")] == 1
    assert total[(0, "", "vi")] == 4 and total[(0, "", "km")] == 1 and total[(0, "Huyện Trà Cú", "km")] == 1
    # every topic row of a district adds up to what the district's stories say
    topic_rows = counts(db, day=day, district=CAU_KE, language="")
    assert sum(n for (t, _, _), n in topic_rows.items() if t) >= 2
    assert service.district_totals(db, day, day) == {CAU_KE: 2, TIEU_CAN: 2, "Huyện Trà Cú": 1}
    assert service.language_totals(db, day, day) == {"vi": 4, "km": 1}


def test_register_falls_back_to_the_gazetteer_districts_without_channels_communes(db, people):
    found = places.load(db)
    assert "Thị xã Duyên Hải" in found.districts and "Huyện Cầu Kè" in found.districts
    assert found.find("Ở xã Hiếu Tử, TX Duyên Hải") == [["Thị xã Duyên Hải", None]]  # no commune register


def test_khmer_story_is_kept_scrubbed_counted_and_not_classified(db, people, login):
    service.ingest(db, [posts()[-1], Post(KHMER.replace("០៩", "០៨"), days_ago(1))], check_claims=False)
    item = db.scalar(select(Item))
    assert item.language == "km"
    assert item.subcategories == [] and item.category == "" and not item.is_question
    for gone in ("០៩១២៣៤៥៦៧៨", "sokha@mail.com", "@sokha"):
        assert gone not in item.text
    assert "[SĐT]" in item.text and "[EMAIL]" in item.text and "[TÀI KHOẢN]" in item.text
    assert item.places == [["Huyện Trà Cú", None]]
    day = local_day(days_ago(1))
    assert {k: n for k, n in counts(db, day=day).items() if k[0]} == {}  # no topic counted
    db.commit()
    c = login("agency_member")
    page = c.get("/listening/khmer").text
    assert "Cần cán bộ đọc tiếng Khmer" in page and "តើកូនខ្ញុំ" in page and "០៩១២" not in page
    dashboard = c.get(f"/listening?day={day.isoformat()}").text
    assert 'href="/listening/khmer"' in dashboard


def _flat_rows(days, per_day: dict[str, int], topic: int = 23) -> list[dict]:
    zeros = {"reach": 0, "questions": 0, "concerns": 0, "negative": 0, "claims": 0}
    rows = []
    for d in days:
        total = sum(per_day.values())
        rows.append({"day": d, "topic": 0, "district": "", "language": "", "items": total * 3, **zeros})
        rows.append({"day": d, "topic": topic, "district": "", "language": "", "items": total, **zeros})
        for district, n in per_day.items():
            rows.append({"day": d, "topic": topic, "district": district, "language": "", "items": n, **zeros})
    return rows


def test_a_district_rise_raises_an_alert_naming_it_and_a_flat_series_none(db):
    settings = ListeningSettings()
    today = local_day(days_ago(0))
    history = [today - timedelta(days=k) for k in range(30, 0, -1)]
    rows = _flat_rows(history, {CAU_KE: 4, TIEU_CAN: 4})
    db.execute(insert(DailyCount), rows)
    # flat: today like every other day
    db.execute(insert(DailyCount), _flat_rows([today], {CAU_KE: 4, TIEU_CAN: 4}))
    assert service.detect(db, today, settings) == []
    # the next day Cầu Kè's share of topic 23 jumps while the province's total stays inside its own spread
    tomorrow = today + timedelta(days=1)
    db.execute(insert(DailyCount), _flat_rows([tomorrow], {CAU_KE: 14, TIEU_CAN: 0}))
    raised = service.detect(db, tomorrow, settings)
    assert [(a.topic, a.district) for a in raised] == [(23, CAU_KE)]
    alert = db.scalar(select(Alert).where(Alert.district == CAU_KE))
    assert alert.count == 14 and alert.evidence["expected"] <= 5
    assert service.alerts(db, "open", 10, "") == []  # the province's own alerts: none


def _ingested(db, people):
    channels.seed_register(db, people["admin"], "Trà Vinh")
    service.ingest(db, posts(), check_claims=False)
    db.commit()
    return local_day(days_ago(1))


def test_district_filters_on_the_topic_page_report_and_districts_page(db, people, login):
    day = _ingested(db, people)
    topic = db.scalar(select(Item).where(Item.text.like("Điểm tiêm ở Cầu Kè%"))).subcategories[0]
    c = login("agency_member")
    page = c.get(f"/listening/topics/{topic}", params={"day": day.isoformat(), "district": TIEU_CAN}).text
    assert "Điểm tiêm ở Cầu Kè" not in page
    page = c.get(f"/listening/topics/{topic}", params={"day": day.isoformat(), "district": CAU_KE}).text
    assert "Điểm tiêm ở Cầu Kè" in page and 'href="/listening/trends.csv?' in page
    bad = c.get(f"/listening/topics/{topic}", params={"district": "Huyện Không Có"})
    assert bad.status_code == 422
    report = c.get("/listening/report", params={"end": day.isoformat(), "district": CAU_KE}).text
    assert 'data-testid="report-district">Huyện Cầu Kè<' in report
    data = c.get("/api/v1/listening/report", params={"end": day.isoformat(), "district": CAU_KE}).json()
    assert data["total"]["items"] == 2 and data["district"] == CAU_KE
    districts = c.get("/listening/districts", params={"end": day.isoformat()}).text
    assert 'data-testid="districts"' in districts and 'data-testid="small-multiples"' in districts
    assert districts.count("<svg") >= 3 and "<script>" not in districts and "style=" not in districts


def test_district_and_language_filters_in_the_api(db, people, login):
    day = _ingested(db, people)
    c = login("agency_member")
    whole = c.get("/api/v1/listening/trends", params={"day": day.isoformat()}).json()
    cau_ke = c.get("/api/v1/listening/trends", params={"day": day.isoformat(), "district": CAU_KE}).json()
    assert cau_ke["district"] == CAU_KE
    assert sum(t["count"] for t in cau_ke["topics"]) < sum(t["count"] for t in whole["topics"])
    khmer = c.get("/api/v1/listening/trends", params={"day": day.isoformat(), "language": "km"}).json()
    assert khmer["topics"] == []  # Khmer stories have no topic
    rows = c.get(
        "/api/v1/listening/trends", params={"from": day.isoformat(), "to": day.isoformat(), "language": "km"}
    ).json()["rows"]
    assert [(r["topic"], r["items"], r["language"]) for r in rows] == [(0, 1, "Tiếng Khmer")]
    for params in ({"district": "Quận 1"}, {"language": "fr"}):
        r = c.get("/api/v1/listening/trends", params=params)
        assert r.status_code == 422 and r.json()["detail"]
    alerts = c.get("/api/v1/listening/alerts", params={"district": CAU_KE})
    assert alerts.status_code == 200 and alerts.json() == []


def test_classify_cli_prints_language_and_places(cli_env, db, people):
    channels.seed_register(db, people["admin"], "Trà Vinh")
    db.commit()
    text = "Ở xã Hiếu Tử huyện Tiểu Cần, TX Duyên Hải và P.4 TP Trà Vinh có nhiều người sốt"
    out = run_cli(["listening", "classify", text, "--json"], cli_env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["language"] == "vi"
    assert result["places"] == [
        {"district": TIEU_CAN, "commune": "Xã Hiếu Tử"},
        {"district": "Thị xã Duyên Hải", "commune": None},
        {"district": "Thành phố Trà Vinh", "commune": "Phường 4"},
    ]
    khmer = json.loads(run_cli(["listening", "classify", KHMER, "--json"], cli_env).stdout)
    assert khmer["language"] == "km" and khmer["category"] is None and khmer["places"][0]["district"] == "Huyện Trà Cú"


def test_migration_0004_down_and_up_keeps_the_counts(db, settings):
    db.execute(
        insert(DailyCount),
        [
            {"day": local_day(days_ago(2)), "topic": 0, "items": 3},
            {"day": local_day(days_ago(2)), "topic": 0, "district": CAU_KE, "language": "vi", "items": 1},
        ],
    )
    db.commit()
    db.close()
    dispose_engines()
    cfg = alembic_config(settings.db_url)
    command.downgrade(cfg, "listening_0003")
    engine = sa.create_engine(settings.db_url)
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("listening_daily")}
        assert "district" not in columns and "language" not in columns
        assert conn.execute(sa.text("SELECT day, topic, items FROM listening_daily")).all()[0][1:] == (0, 3)
    command.upgrade(cfg, "heads")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT topic, district, language, items FROM listening_daily")).all()
        assert rows == [(0, "", "", 3)]
        conn.execute(
            sa.text(
                "INSERT INTO listening_daily (day, topic, district, language, items, reach, questions, "
                "concerns, negative, claims) VALUES (:d, 0, :k, 'vi', 2, 0, 0, 0, 0, 0)"
            ),
            {"d": local_day(days_ago(2)), "k": CAU_KE},
        )
        conn.rollback()
    engine.dispose()


@pytest.mark.browser
def test_districts_page_in_a_browser_with_strict_csp(db, people, live_server, page):
    day = _ingested(db, people)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    browser_login(page, live_server, "agency-member")
    page.goto(f"{live_server}/listening/districts?end={day.isoformat()}")
    rows = page.locator("[data-testid=districts] tbody tr")
    assert rows.count() >= 3 and rows.first.inner_text().startswith(("Huyện Cầu Kè", "Huyện Tiểu Cần"))
    charts = page.locator("[data-testid=small-multiples] svg")
    assert charts.count() == rows.count() and charts.first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "listening-districts.png"), full_page=True)
    with page.expect_download() as download:
        page.click("[data-testid=trends-csv]")
    assert download.value.suggested_filename.endswith(".csv")
    assert not problems, problems  # a CSP refusal (inline style or script) shows as a console error
