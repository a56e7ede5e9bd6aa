"""A flood of anonymous questions (the /hoi-dap form, the widget, the ask API) gets 429 with a Vietnamese message
once an address has asked its share, and everyone together is capped too; only the allowed questions are stored."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from loa import ratelimit
from loa.answers.models import UnansweredQuestion
from loa.config import Settings
from loa.errors import UserError

# questions no entry answers: each one asked is queued for the staff (and offered to the claims desk)
QUESTIONS = [f"Xã Long Đức số {i} khi nào có đợt phun thuốc diệt lăng quăng tiếp theo vậy ạ?" for i in range(40)]


def stored(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(UnansweredQuestion))


def test_a_bounded_flood_on_the_api_stores_only_the_allowed_number(app, db, settings):
    settings.anonymous_rate = "5/minute;50/hour"
    before = stored(db)
    with TestClient(app, client=("203.0.113.7", 40000)) as c:
        codes = [c.post("/api/v1/answers/ask", json={"question": q}).status_code for q in QUESTIONS[:30]]
        refused = c.post("/api/v1/answers/ask", json={"question": QUESTIONS[30]})
    assert codes == [200] * 5 + [429] * 25
    assert refused.status_code == 429 and "Vui lòng thử lại sau" in refused.json()["detail"]
    assert stored(db) == before + 5
    with TestClient(app, client=("203.0.113.8", 40000)) as other:  # another address has its own share
        assert other.post("/api/v1/answers/ask", json={"question": QUESTIONS[31]}).status_code == 200


def test_the_form_and_the_widget_share_the_address_limit(app, db, settings):
    settings.anonymous_rate = "3/minute"
    with TestClient(app, client=("198.51.100.4", 40000)) as c:
        codes = [
            c.post(url, data={"question": q}).status_code
            for url, q in zip(["/hoi-dap", "/hoi-dap?widget=1", "/hoi-dap", "/hoi-dap?widget=1"], QUESTIONS)
        ]
        assert codes == [200, 200, 200, 429]
        r = c.post("/hoi-dap", data={"question": QUESTIONS[5]})
        assert r.status_code == 429 and "Bạn gửi quá nhiều câu hỏi" in r.text and "<form" in r.text
        assert c.post("/api/v1/answers/ask", json={"question": QUESTIONS[6]}).status_code == 429


def test_everyone_together_is_capped(app, db, settings):
    settings.anonymous_rate, settings.anonymous_total_rate = "5/minute", "8/minute"
    codes = []
    for i in range(12):
        with TestClient(app, client=(f"192.0.2.{i + 1}", 40000)) as c:
            r = c.post("/api/v1/answers/ask", json={"question": QUESTIONS[i]})
            codes.append(r.status_code)
    assert codes == [200] * 8 + [429] * 4
    assert "Hệ thống đang nhận quá nhiều câu hỏi" in r.json()["detail"]


def test_limits_are_counted_per_instance(tmp_path):
    one = Settings(data_dir=tmp_path / "a", anonymous_rate="1/minute", broker_url="immediate")
    two = Settings(data_dir=tmp_path / "b", anonymous_rate="1/minute", broker_url="immediate")
    ratelimit.allow(one, "ask", "10.1.1.1")
    with pytest.raises(UserError) as exc:
        ratelimit.allow(one, "ask", "10.1.1.1")
    assert exc.value.status == 429 and exc.value.details[0]["retry_after"] >= 1
    ratelimit.allow(two, "ask", "10.1.1.1")


def test_a_rate_that_is_not_one_is_refused_at_start():
    with pytest.raises(ValueError):
        Settings(anonymous_rate="ten a minute")
