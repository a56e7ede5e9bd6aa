"""Scrubbing again what is already stored: texts kept by an earlier scrubber lose the names and addresses today's
finds (job ``text.rescrub`` and ``loa text rescrub``); a second run changes nothing."""

from datetime import UTC, datetime

from sqlalchemy import select

from loa import modules
from loa.answers.models import QuestionGroup, UnansweredQuestion
from loa.claims import service as claims
from loa.claims.models import Claim, ClaimAppearance, TriageItem
from loa.jobs import service as jobs
from loa.jobs.models import Job
from loa.listening import pipeline
from loa.listening.models import Item
from tests.conftest import audit_count, run_cli

OLD = {  # as the scrubber before names stored them
    "story": "Chị Nguyễn Thị Lan ở ấp 3 xã Long Hòa bị dương tính, nhà số 45 ấp Chợ.",
    "question": "tôi là Nguyễn Văn Bình, người bệnh tim có tiêm được không?",
    "sighting": "Bác Năm hàng xóm nói uống nước lá ổi khỏi Covid.",
    "triage": "Nghe nói ông Thạch Sà Ri uống tỏi khỏi bệnh.",
}
NEW = {
    "story": "Chị [TÊN] ở ấp 3 xã Long Hòa bị dương tính, [ĐỊA CHỈ].",
    "question": "tôi là [TÊN], người bệnh tim có tiêm được không?",
    "sighting": "Bác [TÊN] hàng xóm nói uống nước lá ổi khỏi Covid.",
    "triage": "Nghe nói ông [TÊN] uống tỏi khỏi bệnh.",
}
KEPT = "Bà Rịa có thêm 3 ca, bác sĩ khuyên anh em đi tiêm."


def _story(text: str) -> Item:
    _sy, folded = pipeline.folded_syllables(text)
    when = datetime(2021, 10, 25, 3, tzinfo=UTC)
    return Item(
        published_at=when,
        day=when.date(),
        text=text,
        exact_hash=pipeline.exact_key(folded),
        minhash=pipeline.minhash_bytes(pipeline.minhash(folded)),
    )


def stored(db):
    """One text of each kind as an earlier scrubber left it, and one with nothing to scrub."""
    group = QuestionGroup(text=OLD["question"], count=1, status="open")
    claim = Claim(key="la-oi", text="Nước lá ổi chữa khỏi COVID-19", verdict="false")
    db.add_all([_story(OLD["story"]), _story(KEPT), group, claim])
    db.flush()
    db.add_all(
        [
            UnansweredQuestion(group_id=group.id, text=OLD["question"]),
            UnansweredQuestion(group_id=group.id, text=KEPT),
            ClaimAppearance(claim_id=claim.id, origin="listening", text=OLD["sighting"], decision="match"),
            TriageItem(text=OLD["triage"], text_hash=claims.triage_hash(OLD["triage"]), origin="answers"),
        ]
    )
    db.commit()


def texts(db) -> dict:
    db.expire_all()
    return {
        "story": db.scalars(select(Item.text).order_by(Item.id)).all(),
        "questions": db.scalars(select(UnansweredQuestion.text).order_by(UnansweredQuestion.id)).all(),
        "group": db.scalar(select(QuestionGroup.text)),
        "sighting": db.scalar(select(ClaimAppearance.text)),
        "triage": db.scalar(select(TriageItem.text)),
    }


def test_job_rescrubs_stored_public_texts_once(db, settings, people):
    stored(db)
    modules.load_jobs()
    before = audit_count(settings)
    job = jobs.submit(db, settings, "text.rescrub", user=people["admin"])
    db.commit()
    db.expire_all()
    done = db.get(Job, job.id)
    assert done.status == "done", done.error
    assert done.counts == {"read": 7, "changed": 5}
    assert done.result["found"] == {
        "Tin lắng nghe": [2, 1],
        "Câu hỏi của người dân": [3, 2],
        "Tin đồn ghi nhận": [1, 1],
        "Tin chờ phân loại": [1, 1],
    }
    assert texts(db) == {
        "story": [NEW["story"], KEPT],
        "questions": [NEW["question"], KEPT],
        "group": NEW["question"],
        "sighting": NEW["sighting"],
        "triage": NEW["triage"],
    }
    # the keys follow the new texts: the same post or rumour scrubbed today is known again
    item = db.scalars(select(Item).order_by(Item.id)).first()
    assert item.exact_hash == pipeline.exact_key(pipeline.folded_syllables(NEW["story"])[1])
    assert db.scalar(select(TriageItem.text_hash)) == claims.triage_hash(NEW["triage"])
    # no audit row carries a copy of the old texts (the job's own row aside)
    assert audit_count(settings) - before == 0, "the re-scrub copied texts into the audit log"

    again = jobs.submit(db, settings, "text.rescrub", user=people["admin"])
    db.commit()
    db.expire_all()
    assert db.get(Job, again.id).counts == {"read": 7, "changed": 0}


def test_cli_reports_what_changed_and_is_idempotent(db, cli_env):
    stored(db)
    first = run_cli(["text", "rescrub"], cli_env)
    assert first.returncode == 0, first.stderr
    assert "Tin lắng nghe: 1/2" in first.stdout and "Câu hỏi của người dân: 2/3" in first.stdout
    assert "re-scrubbed: 5 văn bản thay đổi" in first.stdout
    assert texts(db)["sighting"] == NEW["sighting"]
    second = run_cli(["text", "rescrub"], cli_env)
    assert "re-scrubbed: 0 văn bản thay đổi" in second.stdout


def test_cli_can_leave_it_to_a_worker(db, cli_env):
    queued = run_cli(["text", "rescrub", "--background"], cli_env)
    assert queued.returncode == 0, queued.stderr
    job = db.scalar(select(Job).where(Job.kind == "text.rescrub"))
    assert job.status == "queued" and f"queued job {job.id}" in queued.stdout
