"""Webhooks end to end: signed deliveries in, replies out through the sending job to a fake platform server."""

import pytest
from sqlalchemy import select

from loa.answers.models import UnansweredQuestion
from loa.messaging.models import Inbound
from tests.conftest import audit_count
from tests.messaging.conftest import deliver, messenger_event, rows, sms_message, telegram_update, zalo_event

PAYLOADS = {
    "telegram": lambda: telegram_update(42, "Tiêm vắc xin xong có được uống rượu bia không?"),
    "messenger": lambda: messenger_event("PSID1", {"text": "Tiêm vắc xin xong có được uống rượu bia không?"}),
    "zalo": lambda: zalo_event("Z1", text="Tiêm vắc xin xong có được uống rượu bia không?"),
    "sms": lambda: sms_message("+84912345678", "Tiêm vắc xin xong có được uống rượu bia không?"),
}


@pytest.mark.parametrize("platform", PAYLOADS)
def test_a_question_gets_the_approved_answer_with_its_source(client, platforms, knowledge, fake, platform):
    response = deliver(client, platform, PAYLOADS[platform]())
    assert response.status_code == 200 and response.json()["replies"] == 1
    [sent] = fake.sent
    assert "rượu bia" in sent["text"].lower() or "ruou bia" in sent["text"].lower()
    assert "Nguồn:" in sent["text"] or "Nguon:" in sent["text"]


@pytest.mark.parametrize("platform", PAYLOADS)
@pytest.mark.parametrize("how", ["missing", "wrong"])
def test_an_unsigned_or_wrongly_signed_delivery_is_refused_and_nothing_stored(
    client, db, settings, platforms, fake, platform, how
):
    before, audit = rows(db), audit_count(settings)
    response = deliver(client, platform, PAYLOADS[platform](), signed=how == "wrong", secret="not-the-secret")
    assert response.status_code == 401
    assert rows(db) == before and audit_count(settings) == audit and fake.calls == 0


def test_a_platform_without_settings_is_off(client, knowledge):
    assert deliver(client, "telegram", telegram_update(1, "xin chào")).status_code == 404


def test_the_same_update_twice_gets_one_reply(client, db, platforms, knowledge, fake):
    update = telegram_update(7, "Chợ Trà Cú có mở cửa lại chưa vậy?")
    assert deliver(client, "telegram", update).json()["replies"] == 1
    assert deliver(client, "telegram", update).json()["replies"] == 0
    assert len(fake.sent) == 1 and len(db.scalars(select(Inbound)).all()) == 1
    assert len(db.scalars(select(UnansweredQuestion)).all()) == 1


def test_messenger_verification_handshake(client, platforms):
    ok = client.get(
        "/hooks/messenger", params={"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "12345"}
    )
    assert ok.status_code == 200 and ok.text == "12345"
    assert (
        client.get(
            "/hooks/messenger", params={"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "1"}
        ).status_code
        == 403
    )


def test_a_telegram_button_press_is_acknowledged_in_the_webhook_answer(client, platforms, knowledge, fake):
    press = {
        "update_id": 9001,
        "callback_query": {
            "id": "cbq-1",
            "from": {"id": 77},
            "data": "menu:ask",
            "message": {"message_id": 1, "chat": {"id": 77, "type": "private"}},
        },
    }
    answer = deliver(client, "telegram", press).json()
    assert answer["method"] == "answerCallbackQuery" and answer["callback_query_id"] == "cbq-1"
    assert answer["replies"] == 1 and len(fake.sent) == 1  # the menu choice is answered as well
    assert "method" not in deliver(client, "telegram", telegram_update(77, "xin chào")).json()
