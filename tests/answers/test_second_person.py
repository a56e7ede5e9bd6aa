"""Two persons for every public answer: whoever wrote or imported an FAQ entry may not approve it."""

import pytest
from sqlalchemy import select

from loa.answers import service, transfer
from loa.answers.models import FaqEntry
from loa.auth import service as auth
from loa.errors import UserError
from tests.conftest import PASSWORD, audit_count, login_client

ENTRY = {"question": "Khi nào cần gọi 115?", "answer": "Khi khó thở, SpO2 dưới 94%.", "source": "Bộ Y tế"}


@pytest.fixture
def writer_reviewer(db, settings):
    """One person who both writes and reviews answers."""
    user = auth.create_user(db, settings, "bien-tap-duyet", PASSWORD, roles=["editor", "reviewer"])
    db.commit()
    return user


def test_no_one_approves_their_own_entry(db, people, writer_reviewer):
    for author in (people["admin"], writer_reviewer):
        entry = service.create_entry(
            db, {**ENTRY, "question": f"{ENTRY['question']} ({author.username})"}, author=author
        )
        with pytest.raises(UserError) as err:
            service.approve(db, entry, author)
        assert err.value.status == 403 and entry.status == "draft" and entry.reviewer_id is None
        service.approve(db, entry, people["reviewer"])
        assert entry.status == "approved" and entry.reviewer_id == people["reviewer"].id
    with pytest.raises(UserError):  # nor by creating it approved
        service.create_entry(db, {**ENTRY, "question": "Câu hỏi tự duyệt?"}, author=writer_reviewer, status="approved")


def test_a_group_answered_by_a_reviewer_waits_for_another(db, settings, people, writer_reviewer):
    group = service.queue(db, "Đi đò qua sông có cần giấy xét nghiệm không?")
    entry = service.answer_group(
        db, group, {"answer": "Không cần giấy xét nghiệm.", "source": "Sở Y tế"}, writer_reviewer
    )
    with pytest.raises(UserError):
        service.approve(db, entry, writer_reviewer)
    assert group.status == "drafted"
    service.approve(db, entry, people["admin"])
    assert group.status == "answered"


def test_an_importer_does_not_approve_the_imported_entries(db, people):
    csv = "question,answer,source,status\nTrẻ em có cần đeo khẩu trang không?,Trẻ từ 2 tuổi nên đeo.,WHO,approved\n"
    transfer.import_file(db, "faq.csv", csv.encode(), author=people["reviewer"])
    entry = db.scalar(select(FaqEntry))
    assert entry.status == "draft"
    with pytest.raises(UserError):
        service.approve(db, entry, people["reviewer"])
    service.approve(db, entry, people["admin"])
    assert entry.status == "approved"


def test_the_page_and_the_api_refuse_self_approval(app, db, settings, writer_reviewer, login):
    entry = service.create_entry(db, ENTRY, author=writer_reviewer)
    db.commit()
    c = login_client(app, writer_reviewer.username)
    page = c.get(f"/answers/entries/{entry.id}").text
    assert 'data-testid="approve"' not in page and 'data-testid="approve-by-other"' in page
    before = audit_count(settings)
    r = c.post(f"/api/v1/answers/entries/{entry.id}/approve")
    assert r.status_code == 403 and "tự duyệt" in r.json()["detail"]
    r = c.post(f"/answers/entries/{entry.id}/approve", data={"csrf_token": c.csrf}, follow_redirects=False)
    assert r.status_code == 403 and audit_count(settings) == before
    reviewer = login("reviewer")
    assert 'data-testid="approve"' in reviewer.get(f"/answers/entries/{entry.id}").text
    assert reviewer.post(f"/api/v1/answers/entries/{entry.id}/approve").json()["status"] == "approved"
