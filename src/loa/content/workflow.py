"""An item's way from draft through review and approval to publication or the archive."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.clock import utcnow
from loa.content.channels import find_channel
from loa.content.common import APPROVED_STATES, REVIEWERS, WRITERS, clean, need
from loa.content.models import ContentItem, ItemReview, Schedule
from loa.errors import UserError


def _state(item: ContentItem, *allowed: str) -> None:
    if item.state not in allowed:
        raise UserError(
            "Thao tác này không áp dụng cho trạng thái hiện tại của bài.",
            "This step does not apply to the item's current state.",
            409,
        )


def submit(db: Session, item: ContentItem, user: User) -> ContentItem:
    """Draft → awaiting review (chờ duyệt)."""
    if user.id != item.author_id:
        need(user, WRITERS)
    _state(item, "draft")
    if not item.body:
        raise UserError("Bài chưa có nội dung.", "The item has no body.")
    item.state = "review"
    db.flush()
    return item


def can_review(item: ContentItem, user: User) -> tuple[bool, str, str]:
    """Whether ``user`` may approve ``item``, and why not (Vietnamese, English)."""
    if not user.has_role(*REVIEWERS):
        return False, "Chỉ người duyệt mới được duyệt bài.", "Only reviewers may approve items."
    if user.id == item.author_id or any(v.editor_id == user.id for v in item.versions):
        return (
            False,
            "Người viết hoặc sửa bài không được tự duyệt bài của mình.",
            "The author or an editor of an item may not approve it.",
        )
    if item.states_health_facts and not (user.agency and user.agency.is_health):
        return (
            False,
            "Bài nêu thông tin y tế phải do người duyệt thuộc ngành y tế duyệt.",
            "An item stating health facts needs a reviewer from the health department.",
        )
    return True, "", ""


def approve(db: Session, item: ContentItem, user: User, note: str = "") -> ContentItem:
    """Awaiting review → approved, by a reviewer who did not write it (from health for health facts)."""
    _state(item, "review")
    ok, vi, en = can_review(item, user)
    if not ok:
        raise UserError(vi, en, 403)
    item.state, item.approved_by, item.approved_at, item.approved_version = "approved", user, utcnow(), item.version
    item.reviews.append(ItemReview(reviewer=user, decision="approve", version=item.version, note=clean(note)))
    db.flush()
    return item


def reject(db: Session, item: ContentItem, user: User, note: str) -> ContentItem:
    """Awaiting review → back to draft with the reviewer's reasons."""
    need(user, REVIEWERS)
    _state(item, "review")
    if not clean(note):
        raise UserError("Hãy ghi lý do trả lại bài.", "Say why the item goes back.")
    item.state = "draft"
    item.reviews.append(ItemReview(reviewer=user, decision="reject", version=item.version, note=clean(note)))
    db.flush()
    return item


def return_to_draft(db: Session, item: ContentItem, user: User) -> ContentItem:
    """Approved or scheduled → draft for changes: the approval ends and planned slots are cancelled."""
    need(user, WRITERS)
    _state(item, "review", "approved", "scheduled")
    item.state, item.approved_by, item.approved_at, item.approved_version = "draft", None, None, None
    for s in item.schedules:
        if s.status == "planned":
            s.status = "cancelled"
    db.flush()
    return item


def need_approved(item: ContentItem) -> None:
    """Refuse (409) unless the item's current version is approved."""
    if item.state not in APPROVED_STATES or item.approved_at is None or item.approved_version != item.version:
        raise UserError(
            "Bài chưa được duyệt: không thể lên lịch hay đăng.",
            "The item is not approved: it can be neither scheduled nor published.",
            409,
        )


def publish(
    db: Session,
    item: ContentItem,
    user: User | None = None,
    *,
    slot: Schedule | None = None,
    channels: list | None = None,
    now: datetime | None = None,
) -> ContentItem:
    """Mark an approved item published: one slot (``slot``, when due or by hand), or now on exactly the chosen
    ``channels`` (rows, ids or slugs; by default the item's own channels). Publishing now leaves the item's
    planned slots as they are: a loudspeaker slot at 16:30 still airs at 16:30. ``user`` None means the system
    (due slots)."""
    if user is not None:
        need(user, WRITERS)
    need_approved(item)
    now = now or utcnow()
    if slot is not None:
        slots = [slot]
    else:
        found = item.channels if channels is None else (find_channel(db, ref) for ref in channels)
        chosen = list({c.id: c for c in found}.values())
        if not chosen:
            raise UserError("Hãy chọn ít nhất một kênh để đăng.", "Choose at least one channel to publish on.", 422)
        slots = [Schedule(item=item, channel=c, planned_at=now, status="planned") for c in chosen]
        db.add_all(slots)
    for s in slots:
        if s.status != "planned" or s.item_id not in (None, item.id):
            raise UserError("Lịch này không thể đăng.", "This slot cannot be published.", 409)
        s.status, s.published_at = "published", now
    item.state = "published"
    item.published_at = item.published_at or now
    db.flush()
    return item


def archive(db: Session, item: ContentItem, user: User) -> ContentItem:
    need(user, WRITERS)
    _state(item, "draft", "review", "approved", "scheduled", "published")
    for s in item.schedules:
        if s.status == "planned":
            s.status = "cancelled"
    item.state = "archived"
    db.flush()
    return item
