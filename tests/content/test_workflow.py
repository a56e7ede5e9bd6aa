"""Content workflow: states, who may approve, health-fact review, nothing published without approval."""

from datetime import UTC, datetime, timedelta

import pytest

from loa.content import service
from loa.errors import UserError


@pytest.fixture
def channel(db):
    ch = service.create_channel(db, "Báo Trà Vinh", "newspaper")
    db.flush()
    return ch


def make(db, people, channel, **kw):
    args = dict(
        kind="article",
        title="Tiêm mũi nhắc lại cho người cao tuổi",
        body="Đoạn một.\n\nĐoạn hai.",
        author=people["editor"],
        channels=[channel],
        audiences=["elderly", "Người dân"],
        themes=["Tiêm chủng"],
    )
    args.update(kw)
    return service.create_item(db, **args)


def test_create_item_starts_as_draft_with_first_version(db, people, channel):
    item = make(db, people, channel)
    assert item.state == "draft" and item.version == 1 and [v.number for v in item.versions] == [1]
    assert item.slug == "tiem-mui-nhac-lai-cho-nguoi-cao-tuoi"
    assert item.audiences == ["public", "elderly"] and [t.name for t in item.themes] == ["Tiêm chủng"]
    assert make(db, people, channel).slug == "tiem-mui-nhac-lai-cho-nguoi-cao-tuoi-2"
    assert service.item_by_slug(db, item.slug) is item


@pytest.mark.parametrize(
    "bad", [dict(kind="poem"), dict(title="  "), dict(language="fr"), dict(tone="angry"), dict(audiences=["aliens"])]
)
def test_bad_input_is_refused(db, people, channel, bad):
    with pytest.raises(UserError):
        make(db, people, channel, **bad)


def test_full_workflow(db, people, channel):
    item = make(db, people, channel)
    with pytest.raises(UserError):
        service.schedule(db, item, people["editor"], channel, datetime.now(UTC))
    with pytest.raises(UserError):
        service.publish(db, item, people["editor"])
    service.submit(db, item, people["editor"])
    assert item.state == "review"
    with pytest.raises(UserError) as exc:
        service.publish(db, item, people["editor"])
    assert exc.value.status == 409
    service.approve(db, item, people["reviewer"], "Đạt")
    assert item.state == "approved" and item.approved_by is people["reviewer"]
    at = datetime(2021, 11, 15, 6, 0, tzinfo=UTC)
    slot = service.schedule(db, item, people["coordinator"], channel, at)
    assert item.state == "scheduled" and slot.status == "planned"
    service.reschedule(db, slot, people["editor"], at + timedelta(hours=3))
    assert slot.planned_at == at + timedelta(hours=3)
    assert service.published_items(db) == []
    due = service.publish_due(db, now=at + timedelta(hours=4))
    assert due.published == [slot] and due.missed == [] and slot.status == "published" and item.state == "published"
    assert service.published_items(db, channel) == [item] and service.published_items(db, "bao-tra-vinh") == [item]
    with pytest.raises(UserError):
        service.reschedule(db, slot, people["editor"], at)
    service.archive(db, item, people["editor"])
    assert item.state == "archived" and service.published_items(db) == []


def test_author_cannot_approve_own_item(db, people, channel, settings):
    from loa.auth import service as auth

    both = auth.create_user(
        db, settings, "hai-vai", "long-enough-pw", roles=["editor", "reviewer"], agency=people["agencies"]["health"]
    )
    item = make(db, people, channel, author=both)
    service.submit(db, item, both)
    with pytest.raises(UserError) as exc:
        service.approve(db, item, both)
    assert exc.value.status == 403 and item.state == "review"
    # someone who edited a version is not a neutral reviewer either
    other = make(db, people, channel)
    service.update_item(db, other, both, service.ItemChanges(body="Sửa lại."))
    service.submit(db, other, people["editor"])
    with pytest.raises(UserError):
        service.approve(db, other, both)
    with pytest.raises(UserError):
        service.approve(db, other, people["viewer"])


def test_health_facts_need_a_health_reviewer(db, people, channel, settings):
    from loa.auth import service as auth

    outsider = auth.create_user(
        db, settings, "duyet-bao", "long-enough-pw", roles=["reviewer"], agency=people["agencies"]["other"]
    )
    item = make(db, people, channel, states_health_facts=True)
    service.submit(db, item, people["editor"])
    with pytest.raises(UserError) as exc:
        service.approve(db, item, outsider)
    assert "ngành y tế" in exc.value.message
    service.approve(db, item, people["reviewer"])  # the reviewer fixture belongs to Sở Y tế
    assert item.state == "approved"
    plain = make(db, people, channel)
    service.submit(db, plain, people["editor"])
    service.approve(db, plain, outsider)
    assert plain.state == "approved"


def test_reject_and_return_to_draft(db, people, channel):
    item = make(db, people, channel)
    service.submit(db, item, people["editor"])
    with pytest.raises(UserError):
        service.reject(db, item, people["reviewer"], "  ")
    service.reject(db, item, people["reviewer"], "Cần dẫn nguồn Bộ Y tế")
    assert item.state == "draft" and item.reviews[-1].decision == "reject"
    service.submit(db, item, people["editor"])
    service.approve(db, item, people["reviewer"])
    slot = service.schedule(db, item, people["editor"], channel, datetime(2021, 11, 16, 1, tzinfo=UTC))
    with pytest.raises(UserError):
        service.update_item(db, item, people["editor"], service.ItemChanges(body="Đổi khi đã duyệt"))
    service.return_to_draft(db, item, people["editor"])
    assert item.state == "draft" and item.approved_at is None and slot.status == "cancelled"
    due = service.publish_due(db, now=datetime(2022, 1, 1, tzinfo=UTC))
    assert due.published == due.missed == [] and slot.status == "cancelled"  # a cancelled slot is never missed


def test_publish_now_without_slots_goes_out_on_every_channel(db, people, channel):
    portal = service.create_channel(db, "Cổng thông tin tỉnh", "portal")
    item = make(db, people, channel, channels=[channel, portal])
    service.submit(db, item, people["editor"])
    service.approve(db, item, people["reviewer"])
    service.publish(db, item, people["editor"])
    assert item.state == "published" and {s.channel.name for s in item.schedules if s.status == "published"} == {
        "Báo Trà Vinh",
        "Cổng thông tin tỉnh",
    }
    assert service.published_items(db, portal) == [item]


def test_variants_share_the_master(db, people, channel):
    item = make(db, people, channel)
    km = service.create_variant(
        db, item, language="km", title="[Khmer] Tiêm mũi nhắc lại", body="(bản dịch)", author=people["editor"]
    )
    assert km.master is item and item.variants == [km] and km.state == "draft" and km.channels == [channel]
    with pytest.raises(UserError):
        service.create_variant(db, km, language="km", title="x", body="y", author=people["editor"])
    with pytest.raises(UserError):
        service.create_variant(db, item, language="vi", title="x", body="y", author=people["editor"])
