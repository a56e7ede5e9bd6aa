import pytest
from sqlalchemy import select, text

from loa.audit.models import AuditEvent
from loa.auth import service as auth


def test_create_update_delete_are_recorded_with_before_and_after(db, settings, people):
    db.info.update(actor_id=people["admin"].id, actor_name="admin", source="test")
    province = people["agencies"]["health"].province
    agency = auth.create_agency(db, province, "Sở Giáo dục và Đào tạo", short_name="SGD", kind="government")
    db.commit()
    agency.short_name = "Sở GD&ĐT"
    db.commit()
    db.delete(agency)
    db.commit()
    events = db.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "agencies", AuditEvent.entity_id == str(agency.id))
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert events[0].after["name"] == "Sở Giáo dục và Đào tạo" and events[0].before is None
    assert events[1].before == {"short_name": "SGD"}
    assert events[1].after["short_name"] == "Sở GD&ĐT"
    assert events[2].before["short_name"] == "Sở GD&ĐT" and events[2].after is None
    assert all(e.actor == "admin" and e.actor_id == people["admin"].id for e in events)


def test_password_hashes_never_reach_the_audit_log(db, people):
    events = db.scalars(select(AuditEvent).where(AuditEvent.entity == "users")).all()
    assert events and all(e.after["password_hash"] == "***" for e in events)


def test_audit_log_is_append_only(db, people):
    event = db.scalars(select(AuditEvent)).first()
    event.summary = "rewritten"
    with pytest.raises(PermissionError):
        db.flush()
    db.rollback()
    with pytest.raises(Exception, match="append-only"):
        db.execute(text("UPDATE audit_events SET summary = 'x'"))
    db.rollback()
    with pytest.raises(Exception, match="append-only"):
        db.execute(text("DELETE FROM audit_events"))
    db.rollback()


def test_admin_views_and_filters_the_log(login, people):
    admin = login("admin")
    admin.post("/api/v1/agencies", json={"name": "Sở Tài chính", "kind": "government"})
    page = admin.get("/admin/audit", params={"entity": "agencies", "action": "create", "actor": "admin"})
    assert page.status_code == 200
    assert "Sở Tài chính" in page.text and "Sở Y tế" not in page.text
    rows = admin.get("/api/v1/audit", params={"entity": "agencies"}).json()
    assert rows[0]["after"]["name"] == "Sở Tài chính" and rows[0]["actor"] == "admin"
    assert login("coordinator").get("/admin/audit").status_code == 403
    assert (
        admin.get("/admin/audit", params={"since": "hôm qua"}).status_code == 422
    )  # every day field answers 422 (loa.clock.parse_day)
