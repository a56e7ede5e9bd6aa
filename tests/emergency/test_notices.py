"""Emergency notices: two approvals by distinct leaders or health reviewers, one-click links, the dispatch job
(playlists, portal, feeds, subscribers, agencies, quick report), the banner, and ending."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from loa import clock
from loa.channels import service as channels
from loa.clock import utcnow
from loa.emergency import service
from loa.emergency.models import AgencyNotice, EmergencyNotice, NoticeApproval
from loa.errors import UserError
from loa.jobs import service as jobs
from tests.conftest import audit_count, count, login_client


def _notice(db, people, **kw):
    notice = service.create_notice(
        db,
        people["editor"],
        title="Thông báo khẩn: phong tỏa ấp Chợ",
        body="Bà con ấp Chợ, xã Long Hòa ở yên trong nhà từ 18 giờ hôm nay.",
        scope="districts",
        districts=["Cầu Ngang", "Trà Cú"],
        expires_at=utcnow() + timedelta(hours=6),
        **kw,
    )
    db.commit()
    return notice


def test_one_approval_is_not_enough_and_the_second_sends_everything(db, settings, people, setup, client):
    notice = _notice(db, people)
    assert service.approve(db, notice, people["leader"]) is False
    db.commit()
    assert notice.state == "pending" and service.current(db) == []
    with pytest.raises(UserError):  # the same person twice
        service.approve(db, notice, people["leader"])
    c = login_client(client.app, people["reviewer"].username)
    r = c.post(f"/emergency/{notice.id}/approve", follow_redirects=False)
    assert r.status_code == 303
    db.expire_all()
    notice = db.get(EmergencyNotice, notice.id)
    assert notice.state == "active" and notice.placed_at and notice.job_id
    assert [a.user.username for a in notice.approvals] == ["leader", "reviewer"]
    reached = [x for x in service.target_communes(db, notice)]
    assert len(reached) == 32
    kim_hoa = channels.find_commune(db, "Kim Hòa")
    assert channels.daily_playlist(db, kim_hoa, channels.local_day(utcnow()))[0].level == "emergency"
    assert not any(
        e.item.id == notice.item_id
        for e in channels.daily_playlist(db, channels.find_commune(db, "Long Đức"), channels.local_day(utcnow()))
    )
    assert count(db, AgencyNotice) == 2  # the two agencies of the people fixture
    assert notice.outputs["social"] and notice.item.state == "published"
    rss = client.get("/kenh/cong-thong-tin/rss.xml").text
    assert rss.index("phong tỏa ấp Chợ") < rss.index("</channel>")
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        got = c.get(f"/emergency/{notice.id}/report.{fmt}")
        assert got.status_code == 200 and got.content.startswith(magic)
    assert "THÔNG BÁO KHẨN" in client.get("/tin-tuc").text
    page = c.get(f"/emergency/{notice.id}").text
    assert 'data-testid="confirmed-count">0</span>/32' in page and 'data-testid="social"' in page
    assert "Thông báo khẩn: phong tỏa ấp Chợ" in c.get("/emergency").text
    api = c.get(f"/api/v1/emergency/notices/{notice.id}").json()
    assert len(api["approvals"]) == 2 and len(api["confirmations"]) == 32


@pytest.mark.parametrize("role", ["editor", "coordinator", "viewer", "admin", "agency_member"])
def test_only_leaders_and_health_reviewers_approve(db, settings, people, setup, role):
    notice = _notice(db, people)
    c = login_client(_app(settings), people[role].username)
    before = audit_count(settings)
    assert c.post(f"/emergency/{notice.id}/approve").status_code == 403
    assert audit_count(settings) == before and count(db, NoticeApproval) == 0


def _app(settings):
    from loa.web.app import create_app

    return create_app(settings)


def test_the_author_cannot_approve_even_as_leader(db, people, setup):
    people["leader"].agency = None
    notice = service.create_notice(
        db, people["coordinator"], title="Khẩn", body="Nội dung.", expires_at=utcnow() + timedelta(hours=1)
    )
    notice.created_by_id = people["leader"].id
    with pytest.raises(UserError) as e:
        service.approve(db, notice, people["leader"])
    assert e.value.status == 403


def test_a_one_click_link_needs_its_own_person_logged_in_and_works_once(db, settings, people, setup, client):
    notice = _notice(db, people)
    link = service.approval_link(db, settings, notice, people["leader"])
    db.commit()
    anonymous = client.get(link, follow_redirects=False)
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
    other = login_client(client.app, people["reviewer"].username)
    assert other.get(link).status_code == 403
    assert other.get(link[:-3] + "abc").status_code == 403
    leader = login_client(client.app, people["leader"].username)
    assert "approve-link" in leader.get(link).text
    assert leader.post(link, follow_redirects=False).status_code == 303
    assert leader.post(link).status_code == 403  # used
    db.expire_all()
    assert [a.via for a in db.get(EmergencyNotice, notice.id).approvals] == ["link"]


def test_ending_removes_banner_and_playlist(db, people, setup, client):
    notice = _notice(db, people)
    service.approve(db, notice, people["leader"])
    service.approve(db, notice, people["reviewer"])
    service.place(db, client.app.state.settings, notice)
    db.commit()
    assert 'data-testid="emergency-banner"' in client.get("/tin-tuc").text
    service.end_notice(db, notice, people["editor"])
    db.commit()
    assert 'data-testid="emergency-banner"' not in client.get("/tin-tuc").text
    kim_hoa = channels.find_commune(db, "Kim Hòa")
    assert not any(e.level == "emergency" for e in channels.daily_playlist(db, kim_hoa, channels.local_day(utcnow())))
    assert client.get(f"/khan-cap/{notice.id}").status_code == 200


def test_bad_notices_are_refused(db, people, setup):
    with pytest.raises(UserError):
        service.create_notice(db, people["editor"], title="", body="x", expires_at=utcnow() + timedelta(hours=1))
    with pytest.raises(UserError):
        service.create_notice(db, people["editor"], title="T", body="x", expires_at=utcnow() - timedelta(hours=1))
    with pytest.raises(UserError):
        service.create_notice(
            db,
            people["editor"],
            title="T",
            body="x",
            scope="districts",
            districts=["Hà Nội"],
            expires_at=utcnow() + timedelta(hours=1),
        )
    with pytest.raises(UserError) as e:
        service.create_notice(db, people["viewer"], title="T", body="x", expires_at=utcnow() + timedelta(hours=1))
    assert e.value.status == 403
    assert count(db, EmergencyNotice) == 0


def test_each_approver_gets_their_own_link_by_e_mail(db, settings, people, setup, client, mail):
    settings.smtp_host, settings.smtp_port = "127.0.0.1", mail.port
    people["leader"].email, people["reviewer"].email = "lanhdao@travinh.example", "duyet@travinh.example"
    mail.refuse.add("duyet@travinh.example")
    db.commit()
    editor = login_client(client.app, people["editor"].username)
    expires = (clock.now_local() + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")
    r = editor.post(
        "/emergency",
        data={
            "title": "Khẩn: triều cường",
            "body": "Bà con ven sông di dời.",
            "scope": "province",
            "expires_at": expires,
            "repeat_minutes": "30",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    notice = db.scalar(select(EmergencyNotice).order_by(EmergencyNotice.id.desc()))
    [sent] = mail.messages  # the reviewer's server refused it; approvers without an address get none
    assert sent["To"] == "lanhdao@travinh.example" and "Khẩn: triều cường" in sent["Subject"]
    link = re.search(r"http://testserver(/emergency/a/\S+)", sent.get_content()).group(1)
    db.expire_all()
    mailed = db.get(EmergencyNotice, notice.id).outputs["approval_mail"]
    assert mailed["emailed"] == 1 and mailed["failed"] == 1 and mailed["approvers"] - 2 == mailed["no_address"]
    assert 'data-testid="approval-mail"' in editor.get(f"/emergency/{notice.id}").text
    again = jobs.submit(db, settings, "emergency.ask_approval", params={"notice_id": notice.id, "base_url": "x"})
    db.commit()  # immediate mode: runs now
    db.refresh(again)
    assert again.status == "done" and len(mail.messages) == 1  # a retried job sends nothing again
    leader = login_client(client.app, people["leader"].username)
    assert leader.post(link, follow_redirects=False).status_code == 303
    db.expire_all()
    assert [a.via for a in db.get(EmergencyNotice, notice.id).approvals] == ["link"]
