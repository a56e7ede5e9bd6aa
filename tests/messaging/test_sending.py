"""Sending as jobs: retries with back-off when the platform is down, failed then sent again (nothing lost), the
platform's rate shared through the database, addresses dropped from the job once sent."""

import json
import time

import pytest
from sqlalchemy import select

from loa.jobs.models import Job
from loa.messaging import replies, sending
from loa.messaging.config import Setup
from loa.messaging.models import Outbound
from tests.messaging.conftest import say


def test_the_platform_down_is_retried_with_back_off_then_failed_and_nothing_lost(
    client, db, settings, platforms, fake, monkeypatch
):
    waits = []
    monkeypatch.setattr(sending.time, "sleep", waits.append)
    fake.down = True
    say(client, "telegram", "31", "menu")
    assert fake.calls == 3 and fake.sent == []  # LOA_MESSAGING_SEND_ATTEMPTS=3
    assert waits == [0.01, 0.02]  # backoff × 2^(try−1)
    out = db.scalar(select(Outbound))
    job = db.get(Job, out.job_id)
    assert (out.status, out.attempts, out.error) == ("failed", 3, "HTTP 503")
    assert job.status == "failed" and job.params["items"][0]["outbound_id"] == out.id  # the address is kept
    fake.down = False
    assert sending.resend_failed(db, Setup.of(settings)) == 1
    db.commit()
    assert fake.texts("31") == [replies.menu(settings.province).text]
    db.expire_all()
    assert out.status == "sent" and out.rounds == 2 and out.sent_at is not None
    assert db.get(Job, out.job_id).params == {"items": []} and db.get(Job, job.id).params == {"items": []}


def test_a_refusal_is_not_retried(client, db, platforms, fake):
    fake.down, fake.status = True, 403
    say(client, "zalo", "Z1", "menu")
    assert fake.calls == 1 and db.scalar(select(Outbound.status)) == "failed"


def test_a_brief_outage_is_ridden_out(client, db, platforms, fake):
    fake.failures = 2
    say(client, "messenger", "P1", "menu")
    assert fake.calls == 3 and len(fake.sent) == 1
    assert db.scalar(select(Outbound.attempts)) == 3 and db.scalar(select(Outbound.status)) == "sent"


def test_sent_messages_leave_no_address_in_their_job(client, db, platforms, fake):
    say(client, "sms", "+84912345678", "menu")
    [job] = db.scalars(select(Job).where(Job.kind == "messaging.send"))
    assert job.status == "done" and job.params == {"items": []}
    assert fake.sent[0]["headers"]["x-loa-signature"].startswith("sha256=")


def test_the_rate_is_shared_through_the_database(settings):
    setup = Setup.of(settings)
    slots = [time.time() + sending.reserve(setup, "zalo", 1) for _ in range(4)]  # one message a second
    assert [b - a for a, b in zip(slots[1:], slots[2:])] == pytest.approx([1.0, 1.0], abs=0.05)


def test_an_answer_goes_out_in_one_request_per_message(client, platforms, knowledge, fake):
    say(client, "telegram", "32", "Tiêm vắc xin xong có được uống rượu bia không?")
    [sent] = fake.sent
    assert sent["path"] == "/bot123:abc/sendMessage" and json.loads(json.dumps(sent["json"]))["chat_id"] == "32"
