"""Module descriptors, named hooks and the one clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from loa import clock, hooks, modules
from loa.answers import service as answers
from loa.auth.models import Province
from loa.errors import UserError


def test_every_domain_registers_itself_in_order():
    names = modules.domains()
    assert set(names) == {
        "plans",
        "content",
        "channels",
        "emergency",
        "answers",
        "claims",
        "listening",
        "bulletins",
        "messaging",
        "situation",
    }
    for m in modules.descriptors():
        assert all(names.index(r) < names.index(m.name) for r in m.requires)
    assert [n.path for n in modules.nav()][:3] == ["/dieu-hanh", "/plans", "/content"]
    assert all(p.is_dir() for p in modules.migration_folders())
    assert len(modules.migration_folders()) == 12  # core, jobs and the ten domains


def test_a_missing_or_late_dependency_is_refused():
    a, b = modules.Module("a", order=10), modules.Module("b", order=20, requires=("a",))
    assert [m.name for m in modules.ordered([b, a])] == ["a", "b"]
    with pytest.raises(RuntimeError, match="requires a"):
        modules.ordered([b])
    with pytest.raises(RuntimeError, match="after a"):
        modules.ordered([modules.Module("a", order=30), b])


def test_the_web_app_shows_the_modules_navigation(login):
    page = login("coordinator").get("/").text
    assert page.index('href="/plans"') < page.index('href="/bulletins"') < page.index('href="/reports"')


def test_a_module_left_out_leaves_its_hooks_unanswered(db):
    """Without the misinformation desk a citizen's question is still answered and queued; nothing is linked."""
    pm = hooks.manager()
    claims_hooks = pm.get_plugin(next(name for name, p in pm.list_name_plugin() if p.__name__ == "loa.claims.hooks"))
    pm.unregister(claims_hooks)
    try:
        assert hooks.call().claim_titles(db=db, ids=[1]) is None
        result = answers.ask(db, "Người nhà tôi có được vào bệnh viện thăm không khi đang giãn cách?", record=True)
        assert "claim_id" not in result and result.get("group_id")
    finally:
        pm.register(claims_hooks)
    assert hooks.call().claim_titles(db=db, ids=[]) == {}


def test_the_clock_can_be_set_once_for_everything(db):
    at = datetime(2021, 9, 20, 23, 30, tzinfo=UTC)  # 06:30 on the 21st in Trà Vinh
    with clock.frozen(at):
        assert clock.utcnow() == at
        assert clock.today_local() == date(2021, 9, 21)
        assert clock.parse_day("") == date(2021, 9, 21)
        province = Province(name="Trà Vinh", code="84")
        db.add(province)
        db.flush()
        assert province.created_at == at  # model defaults read the same clock
    assert clock.utcnow() - datetime.now(UTC) < timedelta(seconds=5)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2021-09-20", date(2021, 9, 20)),
        ("20/09/2021", date(2021, 9, 20)),
        ("20-09-2021", date(2021, 9, 20)),
        (" 2021/09/20 ", date(2021, 9, 20)),
    ],
)
def test_days_in_the_forms_people_write(text, day):
    assert clock.parse_day(text) == day


def test_a_wrong_day_is_refused_in_both_languages():
    with pytest.raises(UserError) as caught:
        clock.parse_day("31/02/2021")
    assert caught.value.status == 422 and "Ngày không hợp lệ" in caught.value.message
    assert "Invalid date" in caught.value.text("en")
