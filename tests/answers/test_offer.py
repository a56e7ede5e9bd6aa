"""An FAQ entry written apart that answers a waiting question group is offered to staff, who close the group
(issue 16, item 7)."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from loa.answers import service
from loa.answers.models import QuestionGroup
from loa.errors import UserError

QUESTION = "Đi đò qua sông Cổ Chiên có cần giấy xét nghiệm không?"
ENTRY = {
    "question": "Đi đò qua sông Cổ Chiên có phải có giấy xét nghiệm không?",
    "answer": "Không cần giấy xét nghiệm khi đi đò trong tỉnh.",
    "source": "Sở Y tế Trà Vinh",
}


def waiting(db, settings, question=QUESTION) -> QuestionGroup:
    result = service.ask(db, question, index_dir=Path(settings.data_dir) / "indexes")
    return db.get(QuestionGroup, result["group_id"])


def test_approving_an_entry_written_apart_offers_it_and_staff_close_the_group(db, settings, people, login):
    group = waiting(db, settings)
    other = waiting(db, settings, "Chợ đêm phường 9 có mở cửa lại chưa?")
    entry = service.create_entry(db, ENTRY, author=people["editor"])  # not through the queue
    service.approve(db, entry, people["reviewer"])
    assert group.status == "open" and group.offered_entry_id == entry.id  # offered, not closed behind staff's back
    assert other.offered_entry_id is None
    db.commit()
    editor = login("editor")
    assert 'data-testid="offered"' in editor.get("/answers").text
    assert f"/answers/queue/{group.id}" in editor.get(f"/answers/entries/{entry.id}").text
    assert 'data-testid="offer-confirm"' in editor.get(f"/answers/queue/{group.id}").text
    r = editor.post(f"/answers/queue/{group.id}/offer/confirm", follow_redirects=False)
    assert r.status_code == 303
    db.expire_all()
    assert (group.status, group.entry_id, group.offered_entry_id) == ("answered", entry.id, None)
    hour = timedelta(hours=1)
    waiting_now = service.top_unanswered(db, group.created_at - hour, group.created_at + hour)
    assert [g["group_id"] for g in waiting_now] == [other.id]
    with pytest.raises(UserError):
        service.confirm_offer(db, group)


def test_a_declined_offer_leaves_the_group_waiting(db, settings, people):
    group = waiting(db, settings)
    entry = service.create_entry(db, ENTRY, author=people["editor"])
    service.approve(db, entry, people["reviewer"])
    service.decline_offer(db, group)
    assert group.status == "open" and group.offered_entry_id is None
    with pytest.raises(UserError):
        service.confirm_offer(db, group)
    assert db.scalar(select(QuestionGroup).where(QuestionGroup.status == "answered")) is None
