"""Privacy: after conversations on every platform (questions, rumours, subscriptions, replies sent), no table holds a
phone number or a platform user id in clear, the schema has no column for one, and no page lists people."""

from types import SimpleNamespace

from sqlalchemy import create_engine, inspect, text

from loa.db import Base
from loa.messaging import demo as messaging_demo
from loa.messaging import privacy
from loa.messaging.config import Setup
from tests.messaging.conftest import say

PEOPLE = {"sms": "+84912345678", "telegram": "730012345", "messenger": "PSID-5566-7788", "zalo": "ZUSER-4433-2211"}
PHONE_IN_TEXT = "0987 654 321"


def dump(settings) -> str:
    """Every value of every table, as text."""
    engine = create_engine(settings.db_url)
    with engine.connect() as conn:
        values = [
            str(v)
            for table in Base.metadata.sorted_tables
            for row in conn.execute(text(f'SELECT * FROM "{table.name}"'))
            for v in row
        ]
    engine.dispose()
    return "\n".join(values)


def test_no_phone_number_or_platform_user_id_in_clear(client, settings, platforms, knowledge, fake):
    for platform, who in PEOPLE.items():
        say(client, platform, who, "3")
        say(client, platform, who, "7")  # subscribed: the address is kept, encrypted
        say(client, platform, who, "Xe khách Trà Vinh đi Sài Gòn đã chạy lại chưa vậy?")  # waits for staff
        say(client, platform, who, f"Gọi tôi số {PHONE_IN_TEXT} hỏi: tiêm vắc xin Pfizer cách mấy tuần mũi 2?")
        say(client, platform, who, "2")
        say(client, platform, who, f"Uống nước lá tía tô chữa khỏi sốt xuất huyết, nhắn {PHONE_IN_TEXT} để mua")
    assert {m["to"] for m in fake.sent} == set(PEOPLE.values())  # they were answered
    stored = dump(settings)
    for value in [*PEOPLE.values(), "912345678", PHONE_IN_TEXT, PHONE_IN_TEXT.replace(" ", "")]:
        assert value not in stored, value
    assert "[SĐT]" in stored  # the texts kept in the queues are scrubbed
    setup = Setup.of(settings)
    assert privacy.sender_key(setup, "sms", PEOPLE["sms"]) in stored  # known only by its keyed hash
    assert (settings.data_dir / privacy.KEY_FILE).stat().st_mode & 0o077 == 0


def test_the_schema_has_no_column_for_a_person(db_url):
    engine = create_engine(db_url)
    names = {
        c["name"]
        for t in inspect(engine).get_table_names()
        if t.startswith("messaging_")
        for c in inspect(engine).get_columns(t)
    }
    engine.dispose()
    assert not names & {
        "phone",
        "phone_number",
        "name",
        "user_id",
        "platform_user_id",
        "chat_id",
        "psid",
        "profile",
        "text_raw",
        "from_number",
        "ip",
    }


def test_staff_see_counts_never_people(db, settings, knowledge, login):
    messaging_demo.seed(db, SimpleNamespace(settings=settings))  # the demo's conversations, nothing sent
    db.commit()
    viewer = login("viewer")
    page = viewer.get("/messaging")
    assert page.status_code == 200
    assert "Huyện Trà Cú" in page.text and 'data-testid="per-platform"' in page.text
    assert "demo-zalo" not in page.text and "demo-sms" not in page.text
    stats = viewer.get("/api/v1/messaging/stats").json()
    assert stats["all"]["totals"]["messages"] >= 30 and stats["all"]["totals"]["subscriptions"] == 18
    assert stats["all"]["totals"]["tips"] >= 4 and stats["all"]["totals"]["questions"] >= 6
    assert "demo-" not in dump(settings)
    assert 'data-testid="messaging-panel"' in viewer.get("/").text


def test_names_and_addresses_in_tips_and_questions_are_not_stored(client, settings, platforms, knowledge, fake):
    """A question and a rumour naming people and a house: every table (the audit log included) keeps them as
    [TÊN] and [ĐỊA CHỈ]."""
    say(client, "zalo", PEOPLE["zalo"], "tôi là Nguyễn Văn Bình, xe khách Trà Vinh đi Cần Thơ chạy lại chưa?")
    say(client, "zalo", PEOPLE["zalo"], "2")
    say(client, "zalo", PEOPLE["zalo"], "Chị Nguyễn Thị Lan ở nhà số 45 ấp Chợ uống nước lá ổi khỏi Covid")
    stored = dump(settings)
    for value in ("Nguyễn Văn Bình", "Nguyễn Thị Lan", "số 45 ấp Chợ"):
        assert value not in stored, value
    assert "tôi là [TÊN]" in stored and "Chị [TÊN] ở [ĐỊA CHỈ]" in stored
