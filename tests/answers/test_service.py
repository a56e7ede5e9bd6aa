from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from loa.answers import service, transfer
from loa.answers.models import FaqEntry, QuestionGroup, UnansweredQuestion
from loa.audit.models import AuditEvent
from loa.errors import UserError


@pytest.fixture
def starter(db, settings):
    result = transfer.import_starter(db)
    db.commit()
    return result


def ask(db, settings, question, **kw):
    return service.ask(db, question, index_dir=settings.data_dir / "indexes", **kw)


def test_starter_faq_imports_approved_and_idempotent(db, starter):
    assert starter["created"] >= 60
    entries = service.list_entries(db, "approved")
    assert len(entries) == starter["created"]
    assert all(e.source and e.source_date and e.reviewed_at for e in entries)
    assert transfer.import_starter(db) == {"created": 0, "skipped": starter["created"]}


@pytest.mark.parametrize(
    "question",
    [
        "Tiêm vắc xin xong có được uống rượu bia không?",
        "tiem vx xong uong ruou dc ko",
        "chích ngừa covid rồi nhậu được không bác sĩ",
    ],
)
def test_paraphrases_get_the_approved_answer(db, settings, starter, question):
    result = ask(db, settings, question)
    assert result["answered"], result
    entry = db.get(FaqEntry, result["entry_id"])
    assert "rượu bia" in entry.question
    assert result["answer"] == entry.answer and result["source"] == entry.source
    assert 0.5 <= result["score"] <= 1.0
    assert db.scalar(select(UnansweredQuestion.id)) is None


def test_unknown_question_is_queued_scrubbed_and_grouped(db, settings, starter):
    first = ask(db, settings, "Đi đò qua sông Cổ Chiên có cần giấy xét nghiệm không? Gọi tôi 0912 345 678")
    assert not first["answered"] and first["answer"] is None
    second = ask(db, settings, "di do qua song co chien co can giay xet nghiem ko", channel="sms")
    third = ask(db, settings, "Chợ Trà Cú có mở cửa lại chưa?", channel="zalo")
    assert second["group_id"] == first["group_id"] != third["group_id"]
    assert service.channel_counts(db, [first["group_id"], third["group_id"]]) == {
        first["group_id"]: {"sms": 1, "web": 1},
        third["group_id"]: {"zalo": 1},
    }
    assert service.channel_counts(db, []) == {}
    group = db.get(QuestionGroup, first["group_id"])
    assert group.count == 2 and len(group.questions) == 2
    stored = " ".join(q.text for q in db.scalars(select(UnansweredQuestion)))
    assert "0912" not in stored and "345 678" not in stored
    columns = set(UnansweredQuestion.__table__.columns.keys()) | set(QuestionGroup.__table__.columns.keys())
    assert not columns & {"ip", "address", "name", "user_id", "asker", "phone", "email"}
    now = datetime.now(UTC)
    top = service.top_unanswered(db, now - timedelta(hours=1), now + timedelta(minutes=1))
    assert top[0] == {"text": group.text, "count": 2, "group_id": group.id, "status": "open"}
    assert service.top_unanswered(db, now - timedelta(days=3), now - timedelta(days=2)) == []
    db.flush()
    logged = db.scalars(
        select(AuditEvent).where(AuditEvent.entity.in_(["answer_unanswered", "answer_question_groups"]))
    )
    logged = list(logged)
    assert logged and all(e.after["text"] == "***" for e in logged if e.after and "text" in e.after)
    assert "Cổ Chiên" not in str([e.after for e in logged])  # the text is kept once, in its row, not in the log


def test_answer_review_then_next_asker_gets_it(db, settings, starter, people):
    question = "Đi đò qua sông Cổ Chiên có cần giấy xét nghiệm không?"
    group_id = ask(db, settings, question)["group_id"]
    group = db.get(QuestionGroup, group_id)
    entry = service.answer_group(
        db,
        group,
        {
            "answer": "Không cần giấy xét nghiệm khi đi đò trong tỉnh.",
            "source": "Sở Y tế Trà Vinh",
            "source_date": "2021-10-20",
        },
        people["editor"],
    )
    assert entry.status == "draft" and group.status == "drafted"
    assert not ask(db, settings, question, record=False)["answered"]  # a draft never answers
    with pytest.raises(UserError):
        service.answer_group(db, group, {"answer": "x" * 5, "source": "y" * 3}, people["editor"])
    service.approve(db, entry, people["reviewer"])
    assert group.status == "answered" and entry.reviewer_id == people["reviewer"].id
    result = ask(db, settings, "đi đò sông Cổ Chiên có cần xét nghiệm không")
    assert result["answered"] and result["entry_id"] == entry.id
    assert result["source_date"] == "2021-10-20" and result["reviewed_at"]
    service.retire(db, entry)
    assert ask(db, settings, question, record=False)["entry_id"] != entry.id


def test_empty_and_too_long_questions_are_refused(db, settings):
    with pytest.raises(UserError):
        ask(db, settings, "   ")
    with pytest.raises(UserError):
        ask(db, settings, "a" * 2001)
