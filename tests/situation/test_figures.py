"""Each module's figures for a period (hook ``period_figures``), collected by ``loa.situation.service``: a small
world built with the services at known times, its figures computed by hand, and a past period's figures unchanged
after new activity (issue 19, items 1 and 4)."""

from __future__ import annotations

import json
from datetime import date, datetime, time

from sqlalchemy import select

from loa import clock
from loa.answers import service as answers
from loa.answers.models import FaqHit
from loa.bulletins import service as bulletins
from loa.channels import devices
from loa.channels import service as channels
from loa.claims import service as claims
from loa.claims.models import ClaimAppearance
from loa.claims.schemas import ClaimChanges
from loa.content import service as content
from loa.formats import LOCAL
from loa.listening.models import Alert, DailyCount
from loa.plans import service as plans
from loa.plans.models import AgencyGroup, Plan, PlanItem, Task
from loa.plans.schemas import TaskChanges
from loa.situation import service
from tests.conftest import state

START, END = date(2021, 11, 15), date(2021, 11, 21)  # the period: Monday to Sunday


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A local time in November 2021."""
    return datetime.combine(date(2021, 11, day), time(hour, minute), tzinfo=LOCAL)


def cases_csv(days: dict[int, int]) -> bytes:
    rows = ["Ngày,Trà Vinh"] + [f"{date(2021, 11, d).isoformat()},{n}" for d, n in sorted(days.items())]
    return ("\n".join(rows) + "\n").encode()


@state()
def world(db, settings, people):
    """Every module's activity around the week of 15–21/11/2021 (see each test for what counts)."""
    coordinator, editor, reviewer = people["coordinator"], people["editor"], people["reviewer"]
    health, paper = people["agencies"]["health"], people["agencies"]["other"]
    out = {}
    with clock.frozen(at(1)):
        # plans: 4 tasks, 2 themes; Sở Y tế on tasks 0, 1, 3; Báo Trà Vinh on tasks 1, 2
        plan = Plan(title="KẾ HOẠCH truyền thông thử", content_hash="situation-test")
        group = AgencyGroup(plan=plan, position=1, name="Các cơ quan")
        vaccines = PlanItem(plan=plan, kind="theme", position=1, text="Tiêm vắc xin")
        rumours = PlanItem(plan=plan, kind="theme", position=2, text="Tin đồn")
        agencies = [[health], [health, paper], [paper], [health]]
        themes = [vaccines, vaccines, rumours, None]
        tasks = [
            Task(plan=plan, group=group, position=n, text=f"Nhiệm vụ {n}", theme=themes[n], agencies=agencies[n])
            for n in range(4)
        ]
        db.add(plan)
        db.flush()
        # content: a portal and a loudspeaker channel; three communes, two with broadcast times
        portal = content.create_channel(db, "Cổng thông tin", "portal", slug="cong")
        speakers = content.create_channel(db, "Loa xã", "loudspeaker", slug="loa")
        communes = [channels.create_commune(db, coordinator, f"Xã {n}", "Càng Long") for n in "ABC"]
        for c in communes[:2]:
            channels.add_slot(db, coordinator, c, "06:00", 30)
        # claims: K3 is only ever asked about
        k3 = claims.create_claim(db, editor, text="Uống nước chanh nóng chữa được Covid-19")
        group_q = answers.queue(db, "Tiêm mũi 3 ở đâu vậy?", channel="web")
    with clock.frozen(at(2)):
        plans.update_task(db, tasks[2], coordinator, TaskChanges(due_on=date(2021, 11, 12)))
    with clock.frozen(at(5)):
        plans.add_report(db, settings, tasks[0], people["agency_member"], "Đã in tờ rơi")  # before the period
        k1 = claims.create_claim(db, editor, text="Vắc xin gây vô sinh ở phụ nữ trẻ")
    with clock.frozen(at(10)):
        plans.update_task(db, tasks[0], coordinator, TaskChanges(status="done"))
    with clock.frozen(at(16, 8)):
        for c in communes[:2]:  # players registered during the period: the week before is read from the schedule
            devices.create_device(db, coordinator, c)

    def item(title, channel, *, epidemic=True, tone="neutral", theme="Tiêm chủng", seconds=None):
        made = content.create_item(
            db,
            kind="article",
            title=title,
            body="…",
            author=editor,
            channels=[channel],
            themes=[theme],
            epidemic_related=epidemic,
            tone=tone,
            duration_seconds=seconds,
        )
        content.submit(db, made, editor)
        content.approve(db, made, reviewer)
        return made

    def publish(day, hour, *args, **kw):
        with clock.frozen(at(day, hour)):
            made = item(*args, **kw)
            content.publish(db, made, editor)
            return made

    publish(10, 8, "Trước kỳ", portal, tone="alarming")
    publish(10, 9, "Loa tuần trước", speakers, seconds=90)  # the week before: 2 communes with slots, 90 s each
    publish(15, 8, "Tiêm đủ hai mũi", portal, tone="hopeful")
    publish(16, 8, "Ca mắc tăng", portal, tone="alarming")
    publish(17, 8, "Giá lúa", portal, epidemic=False, theme="Đời sống")
    spoken = publish(18, 6, "Loa tuần này", speakers, tone="hopeful", seconds=120)
    late = item("Đăng trễ", portal)
    with clock.frozen(at(19)):
        slot = content.schedule(db, late, editor, portal, at(21, 23))
    out["late_slot"] = slot.id
    with clock.frozen(at(18, 7)):
        player = devices.list_devices(db, communes[0])[0]
        devices.record_plays(
            db,
            player,
            [
                {
                    "item_id": spoken.id,
                    "started_at": at(18, 6).isoformat(),
                    "ended_at": at(18, 6, 2).isoformat(),
                    "outcome": "complete",
                }
            ],
        )
    with clock.frozen(at(15, 10)):
        plans.update_task(db, tasks[3], people["agency_member"], TaskChanges(status="in_progress"))
    with clock.frozen(at(16, 9)):
        k2 = claims.create_claim(db, editor, text="Xông hơi bằng lá sả diệt được virus")
        db.add(ClaimAppearance(claim_id=k1.id, origin="listening", text="vô sinh", decision="match", seen_at=at(16)))
        db.add(
            ClaimAppearance(
                claim_id=k3.id,
                origin="answers",
                text="có đúng không",
                decision="match",
                kind="question",
                seen_at=at(16),
            )
        )
        db.add(FaqHit(channel="web"))
        db.add(FaqHit(channel="zalo"))
        answers.queue(db, "Tiêm mũi 3 ở đâu vậy?", channel="zalo")  # joins the first group
        group_r = answers.queue(db, "Trẻ em mấy tuổi được tiêm?", channel="web")
    for claim in (k1, k2):
        with clock.frozen(at(16, 10)):
            claims.update_claim(db, claim, editor, ClaimChanges(verdict="false", explanation="Bộ Y tế đã bác bỏ."))
            claims.add_source(db, claim, editor, publisher="Bộ Y tế", url="https://moh.gov.vn/a")
            claims.transition(db, claim, "investigating", editor)
            claims.transition(db, claim, "concluded", reviewer)
    with clock.frozen(at(16, 15)):
        claims.transition(db, k2, "published", coordinator)  # 6 hours after it was first seen
    with clock.frozen(at(17, 10)):
        claims.transition(db, k1, "published", coordinator)  # 12 days and 1 hour after it was first seen
        plans.update_task(db, tasks[1], coordinator, TaskChanges(status="done"))
        plans.add_report(db, settings, tasks[1], people["agency_member"], "Đã đăng 3 bài")
    with clock.frozen(at(17, 12)):
        answer = {"question": group_q.text, "answer": "Tại trạm y tế xã.", "source": "Sở Y tế"}
        entry = answers.answer_group(db, group_q, answer, editor)
    with clock.frozen(at(18, 12)):
        answers.approve(db, entry, reviewer)  # the first question waited 17 days 3 hours, the second 2 days 3 hours
    out["group_r"] = group_r.id
    # listening: daily counts (topic 0: all stories) and alerts
    counts = [  # day, topic, items, concerns
        (10, 0, 80, 0),
        (10, 5, 10, 2),
        (10, 12, 50, 3),
        (15, 0, 100, 0),
        (15, 5, 30, 6),
        (16, 0, 50, 0),
        (16, 12, 40, 1),
        (16, 20, 5, 4),
    ]
    for day, topic, n, concerns in counts:
        db.add(DailyCount(day=date(2021, 11, day), topic=topic, items=n, concerns=concerns))
    for topic, day, created, closed in ((5, 15, 15, None), (12, 10, 10, 12), (20, 16, 16, None)):
        with clock.frozen(at(created, 20)):
            alert = Alert(topic=topic, day=date(2021, 11, day), count=1, baseline=0.5, p_value=0.001)
            db.add(alert)
            db.flush()
        if closed:
            with clock.frozen(at(closed, 20)):
                alert.status = "done"
                db.flush()
        out[f"alert_{topic}"] = alert.id
    # bulletins: daily cases of Trà Vinh, the bulletin of 18/11
    with clock.frozen(at(18, 17)):
        bulletins.import_stats(db, cases_csv({d: d - 5 for d in range(8, 19)}), "ca.csv", mode="daily", accepted=True)
        bulletins.save_bulletin(db, bulletins.unit_or_404("Trà Vinh"), date(2021, 11, 18), settings=settings)
    db.commit()
    return {**out, "tasks": tasks, "claims": [k1, k2, k3], "communes": communes, "portal": portal}


def figures(db, start=START, end=END) -> dict:
    with clock.frozen(at(25, 12)):
        data = service.collect(db, start, end)
    json.dumps(data)  # what the room, the report and the API hand on
    return data


def test_plan(db, world):
    plan = figures(db)["sections"]["plan"]
    assert (plan["tasks"], plan["done"], plan["completion_pct"]) == (4, 2, 50.0)
    assert [t["id"] for t in plan["overdue"]] == [world["tasks"][2].id]
    assert plan["overdue"][0]["due_on"] == "2021-11-12" and plan["overdue"][0]["agencies"] == ["Báo Trà Vinh"]
    rows = {r["agency"]: r for r in plan["per_agency"]}
    assert (rows["Sở Y tế"]["tasks"], rows["Sở Y tế"]["done"], rows["Sở Y tế"]["completion_pct"]) == (3, 2, 66.7)
    assert rows["Sở Y tế"]["reported"] and not rows["Báo Trà Vinh"]["reported"]
    assert plan["not_reported"] == ["Báo Trà Vinh"]  # Sở Y tế reported on 17/11; its report of 5/11 is earlier
    assert {r["theme"]: (r["tasks"], r["done"]) for r in plan["per_theme"]} == {
        "Tiêm vắc xin": (2, 2),
        "Tin đồn": (1, 0),
        "Chưa gắn chủ đề": (1, 0),
    }
    [group] = plan["per_group"]
    assert (group["group"], group["tasks"], group["done"], group["completion_pct"]) == ("Các cơ quan", 4, 2, 50.0)
    assert group["agencies"] == ["Báo Trà Vinh", "Sở Y tế"] and group["not_reported"] == ["Báo Trà Vinh"]
    assert plan["per_district"] == [] and plan["as_of"] == "2021-11-21"
    before = figures(db)["previous"]["plan"]
    assert (before["done"], before["completion_pct"]) == (1, 25.0)
    assert before["not_reported"] == ["Báo Trà Vinh", "Sở Y tế"]  # Sở Y tế's task 0 was done on 10/11 only


def test_content(db, world):
    c = figures(db)["sections"]["content"]
    assert (c["published"], c["items"]) == (4, 4)
    assert c["epidemic_share"] == 0.75  # 3 of 4
    assert c["hopeful_share"] == 0.6667  # 2 hopeful against 1 alarming
    rows = {r["channel"]: r for r in c["per_channel"]}
    portal = rows["Cổng thông tin"]
    assert (portal["published"], portal["epidemic"], portal["epidemic_share"], portal["hopeful_share"]) == (
        3,
        2,
        0.6667,
        0.5,
    )
    assert portal["target"] == {"epidemic_min": 0.3, "epidemic_max": 0.7, "hopeful_min": 0.4}
    assert portal["on_target"] is True
    assert rows["Loa xã"]["published"] == 1 and rows["Loa xã"]["on_target"] is False  # all epidemic: above 70 %
    assert {r["theme"]: r["published"] for r in c["per_theme"]} == {"Tiêm chủng": 3, "Đời sống": 1}


def test_loudspeakers_from_device_reports_and_before_them_from_the_schedule(db, world):
    data = figures(db)
    now, before = data["sections"]["loudspeakers"], data["previous"]["loudspeakers"]
    assert now["device_reports"] and (now["communes"], now["communes_broadcast"]) == (3, 1)
    assert now["airtime_minutes"] == 2.0  # one reported play of 2 minutes
    assert now["silent_communes"] == ["Xã B (Càng Long)"] and now["communes_without_device"] == 1
    assert not before["device_reports"]  # no player yet: what the schedule put on the air
    assert (before["communes_broadcast"], before["airtime_minutes"]) == (2, 3.0)  # 90 s in each commune with slots
    assert before["silent_communes"] == ["Xã C (Càng Long)"]


def test_listening(db, world):
    data = figures(db)
    listening = data["sections"]["listening"]
    assert (listening["items"], listening["previous_items"]) == (150, 80)
    assert [(t["topic"], t["count"], t["previous"]) for t in listening["top_topics"]] == [
        (12, 40, 50),
        (5, 30, 10),
        (20, 5, 0),
    ]
    assert [(t["topic"], t["count"], t["previous"]) for t in listening["rising_concerns"]] == [(5, 6, 2), (20, 4, 0)]
    assert all(t["label"] for t in listening["top_topics"])
    assert [(a["topic"], a["day"]) for a in listening["open_alerts"]] == [(20, "2021-11-16"), (5, "2021-11-15")]
    assert [a["topic"] for a in data["previous"]["listening"]["open_alerts"]] == []  # 12 was closed on 12/11


def test_misinformation(db, world):
    m = figures(db)["sections"]["misinformation"]
    assert (m["claims_seen"], m["new_claims"], m["corrections_published"]) == (2, 1, 2)
    assert m["median_hours_to_correction"] == 147.5  # (289 + 6) / 2


def test_questions(db, world):
    q = figures(db)["sections"]["questions"]
    assert (q["asked"], q["answered_from_faq"], q["answered_by_staff"]) == (4, 2, 2)
    assert q["per_channel"] == {"Zalo": 2, "Trang web": 2}  # or the other order: counts tie
    assert q["waiting"] == 1  # the question of 16/11 about children
    assert q["median_hours_to_staff_answer"] == 231.0  # (411 + 51) / 2


def test_situation(db, world):
    s = figures(db)["sections"]["situation"]
    assert s["bulletin_day"] == "2021-11-18" and s["unit"] == "Trà Vinh"
    values = {f["label"]: (f["value"], f["as_of"]) for f in s["figures"]}
    assert values["Ca mắc mới"] == (13, "2021-11-18")
    assert values["Trung bình 7 ngày"] == (10.0, "2021-11-18")  # 7 + 8 + … + 13 over 7 days


def test_a_past_period_gives_the_same_figures_after_new_activity(db, settings, people, world):
    then = figures(db)
    editor, reviewer, coordinator = people["editor"], people["reviewer"], people["coordinator"]
    tasks = world["tasks"]
    with clock.frozen(at(22, 0, 5)):
        content.publish_due(db)  # the slot of 21/11 23:00 goes out on 22/11: it was not out by the end of 21/11
    with clock.frozen(at(23)):
        plans.update_task(db, tasks[2], coordinator, TaskChanges(status="done"))
        plans.update_task(db, tasks[3], coordinator, TaskChanges(due_on=date(2021, 11, 30)))
        plans.add_report(db, settings, tasks[2], people["coordinator"], "Báo Trà Vinh đã xong")
        made = content.create_item(
            db, kind="article", title="Sau kỳ", body="…", author=editor, channels=[world["portal"]]
        )
        content.submit(db, made, editor)
        content.approve(db, made, reviewer)
        content.publish(db, made, editor)
        player = devices.list_devices(db, world["communes"][1])[0]
        devices.record_plays(  # a play of 20/11 reported late: it was not known by the end of the period
            db,
            player,
            [
                {
                    "item_id": made.id,
                    "started_at": at(20, 6).isoformat(),
                    "ended_at": at(20, 6, 3).isoformat(),
                    "outcome": "complete",
                }
            ],
        )
        claims.create_claim(db, editor, text="Ăn tỏi sống phòng được Covid-19")
        k3 = world["claims"][2]
        claims.update_claim(db, k3, editor, ClaimChanges(verdict="false", explanation="Không có bằng chứng."))
        claims.add_source(db, k3, editor, publisher="WHO", url="https://who.int/a")
        claims.transition(db, k3, "investigating", editor)
        claims.transition(db, k3, "concluded", reviewer)
        claims.transition(db, k3, "published", coordinator)
        db.add(ClaimAppearance(claim_id=world["claims"][0].id, origin="listening", text="x", decision="match"))
        group = answers.get_group(db, world["group_r"])
        answer = {"question": group.text, "answer": "Từ 12 tuổi.", "source": "Sở Y tế"}
        entry = answers.answer_group(db, group, answer, editor)
        answers.approve(db, entry, reviewer)
        answers.queue(db, "Giấy xác nhận tiêm lấy ở đâu?", channel="sms")
        db.add(FaqHit(channel="web"))
        db.add(DailyCount(day=date(2021, 11, 23), topic=0, items=999))
        db.get(Alert, world["alert_20"]).status = "done"
        db.get(Alert, world["alert_5"]).status = "done"
        db.add(Alert(topic=7, day=date(2021, 11, 23), count=9, baseline=1.0, p_value=0.001))
        bulletins.import_stats(db, cases_csv({d: 20 for d in range(19, 24)}), "ca2.csv", mode="daily", accepted=True)
        bulletins.save_bulletin(db, bulletins.unit_or_404("Trà Vinh"), date(2021, 11, 23), settings=settings)
    db.commit()
    assert db.scalar(select(Alert.status).where(Alert.id == world["alert_5"])) == "done"
    now = figures(db)
    assert now["sections"] == then["sections"]
    assert now["previous"] == then["previous"]
    later = figures(db, date(2021, 11, 22), date(2021, 11, 28))["sections"]  # the new activity is in its own week
    assert later["content"]["published"] == 1 and later["listening"]["items"] == 999  # the late slot is dated 21/11
    assert later["situation"]["bulletin_day"] == "2021-11-23"


def test_collect_on_the_demo_has_every_section_and_is_json(db, demo_province):
    """Every module answers on real demo data (the demo state is built once per test process, shared with the
    other demo tests)."""
    today = clock.today_local()
    data = service.collect(db, *service.default_period(today))
    json.dumps(data)
    assert set(data["sections"]) >= {"plan", "content", "loudspeakers", "listening", "misinformation", "questions"}
    assert data["period"] == {"from": clock.week_start(today).isoformat(), "to": today.isoformat()}
    assert [s["order"] for s in data["sections"].values()] == sorted(s["order"] for s in data["sections"].values())
