"""Each platform's deliveries read into the same messages (recorded and hand-written payloads), signatures checked,
replies shaped for each send API. No database."""

import hashlib
import hmac
import json

import pytest

from loa.messaging import adapters
from loa.messaging.adapters import Message, Reply
from loa.messaging.config import MessagingSettings
from tests.messaging.conftest import SECRETS, ZALO_APP, messenger_event, sign, sms_message, telegram_update, zalo_event

CONF = MessagingSettings(
    telegram_bot_token="123:abc",
    telegram_secret_token=SECRETS["telegram"],
    messenger_app_secret=SECRETS["messenger"],
    messenger_page_token="page",
    messenger_verify_token="v",
    zalo_app_id=ZALO_APP,
    zalo_oa_secret_key=SECRETS["zalo"],
    zalo_access_token="zt",
    sms_secret=SECRETS["sms"],
    sms_send_url="http://x/sms",
)


def parse(platform: str, payload) -> list[Message]:
    return adapters.get(platform, CONF).parse(json.dumps(payload, ensure_ascii=False).encode())


def kinds(platform: str, payload) -> list[tuple[str, str]]:
    return [(m.kind, m.text) for m in parse(platform, payload)]


def test_a_platform_without_its_settings_is_off():
    assert adapters.get("telegram", MessagingSettings(telegram_bot_token="1:a")) is None  # no secret: refused
    assert adapters.get("nope", CONF) is None
    assert {name for name in adapters.ADAPTERS if adapters.get(name, CONF)} == {"zalo", "telegram", "messenger", "sms"}


def test_telegram_updates():
    photo = [{"file_id": "a", "width": 90, "height": 90}]
    assert kinds("telegram", telegram_update(1, "Uống nước dừa chữa covid?")) == [("text", "Uống nước dừa chữa covid?")]
    assert kinds("telegram", telegram_update(1, "xem https://bit.ly/x")) == [("link", "xem https://bit.ly/x")]
    hidden = telegram_update(
        1, "Xem tại đây", entities=[{"type": "text_link", "offset": 0, "length": 3, "url": "https://tin.example/a"}]
    )
    assert kinds("telegram", hidden) == [("link", "Xem tại đây https://tin.example/a")]
    assert kinds("telegram", telegram_update(1, photo=photo, caption="Tin này đúng không")) == [
        ("image", "Tin này đúng không")
    ]
    assert kinds("telegram", telegram_update(1, sticker={"file_id": "s", "emoji": "👍"})) == [("sticker", "")]
    assert kinds("telegram", telegram_update(1, location={"latitude": 9.9, "longitude": 106.3})) == [("location", "")]
    assert kinds("telegram", telegram_update(1, voice={"file_id": "v", "duration": 3})) == [("unsupported", "")]
    button = {
        "update_id": 9,
        "callback_query": {
            "id": "q",
            "from": {"id": 5},
            "data": "menu:ask",
            "message": {"message_id": 1, "chat": {"id": 5, "type": "private"}},
        },
    }
    assert parse("telegram", button) == [Message("telegram", "u9", "5", "menu", "menu:ask", ack="q")]
    telegram = adapters.get("telegram", CONF)
    assert telegram.acknowledge(parse("telegram", button)) == {
        "method": "answerCallbackQuery",
        "callback_query_id": "q",
    }
    assert telegram.acknowledge(parse("telegram", telegram_update(5, "1"))) == {}
    group = telegram_update(-100, "chào cả nhóm")
    group["message"]["chat"]["type"] = "group"
    assert parse("telegram", group) == []
    assert parse("telegram", {"update_id": 3, "edited_message": {"text": "x"}}) == []


def test_messenger_events():
    assert kinds("messenger", messenger_event("P", {"text": "Có nên tiêm mũi 3?"})) == [("text", "Có nên tiêm mũi 3?")]
    image = {"attachments": [{"type": "image", "payload": {"url": "https://cdn/x.jpg"}}]}
    assert kinds("messenger", messenger_event("P", image)) == [("image", "")]
    sticker = {"sticker_id": 369239263222822, "attachments": [{"type": "image", "payload": {"url": "u"}}]}
    assert kinds("messenger", messenger_event("P", sticker)) == [("sticker", "")]
    shared = {"attachments": [{"type": "fallback", "title": "Tin nóng", "payload": {"url": "https://tin.example/b"}}]}
    assert kinds("messenger", messenger_event("P", shared)) == [("link", "Tin nóng https://tin.example/b")]
    location = {"attachments": [{"type": "location", "payload": {"coordinates": {"lat": 9.9, "long": 106.3}}}]}
    assert kinds("messenger", messenger_event("P", location)) == [("location", "")]
    audio = {"attachments": [{"type": "audio", "payload": {"url": "u"}}]}
    assert kinds("messenger", messenger_event("P", audio)) == [("unsupported", "")]
    quick = {"text": "1. Hỏi đáp", "quick_reply": {"payload": "menu:ask"}}
    assert kinds("messenger", messenger_event("P", quick)) == [("menu", "menu:ask")]
    postback = messenger_event("P", postback={"title": "Bắt đầu", "payload": "menu", "mid": "m_pb"})
    assert parse("messenger", postback) == [Message("messenger", "m_pb", "P", "menu", "menu")]
    assert parse("messenger", messenger_event("P", {"text": "echo", "is_echo": True})) == []
    assert parse("messenger", messenger_event("P", delivery={"mids": ["m"]})) == []
    assert parse("messenger", {"object": "instagram", "entry": []}) == []


def test_zalo_events():
    assert kinds("zalo", zalo_event("U", text="Sốt sau tiêm phải làm sao?")) == [("text", "Sốt sau tiêm phải làm sao?")]
    image = zalo_event(
        "U",
        "user_send_image",
        "Có phải vậy không?",
        attachments=[{"type": "image", "payload": {"thumbnail": "t", "url": "u"}}],
    )
    assert kinds("zalo", image) == [("image", "Có phải vậy không?")]
    link = zalo_event(
        "U",
        "user_send_link",
        attachments=[
            {
                "type": "link",
                "payload": {"url": "https://tin.example/c", "description": "Thuốc lạ chữa covid", "thumbnail": "t"},
            }
        ],
    )
    assert kinds("zalo", link) == [("link", "Thuốc lạ chữa covid https://tin.example/c")]
    assert kinds("zalo", zalo_event("U", "user_send_sticker", attachments=[{"type": "sticker"}])) == [("sticker", "")]
    assert kinds("zalo", zalo_event("U", "user_send_location")) == [("location", "")]
    assert kinds("zalo", zalo_event("U", "user_send_audio")) == [("unsupported", "")]
    follow = {
        "app_id": ZALO_APP,
        "event_name": "unfollow",
        "timestamp": "1630000000001",
        "oa_id": "OA1",
        "follower": {"id": "U"},
        "source": "oa_profile",
    }
    assert kinds("zalo", follow) == [("unfollow", "")]
    assert parse("zalo", {**zalo_event("OA1", "oa_send_text", text="x")}) == []


def test_sms_deliveries_one_or_several():
    assert kinds("sms", sms_message("+84912345678", "1")) == [("text", "1")]
    assert [m.sender for m in parse("sms", [sms_message("0912", "a"), sms_message("0913", "b")])] == ["0912", "0913"]


def test_signatures():
    body = json.dumps(zalo_event("U", text="x")).encode()
    zalo = adapters.get("zalo", CONF)
    mac = "mac=" + hashlib.sha256(ZALO_APP.encode() + body + b"1630000000000" + SECRETS["zalo"].encode()).hexdigest()
    assert zalo.verify({"x-zevent-signature": mac}, body)
    assert zalo.verify({"x-zevent-signature": mac[4:].upper()}, body)  # without "mac=", in capitals
    assert not zalo.verify({"x-zevent-signature": mac}, body.replace(b'"x"', b'"y"'))
    assert not zalo.verify({}, body) and not zalo.verify({"x-zevent-signature": "mac="}, body)
    keyed = hmac.new(SECRETS["zalo"].encode(), ZALO_APP.encode() + body + b"1630000000000", hashlib.sha256)
    assert not zalo.verify({"x-zevent-signature": "mac=" + keyed.hexdigest()}, body)  # Zalo's MAC is no HMAC
    other_app = body.replace(ZALO_APP.encode(), b"999")
    assert not zalo.verify({"x-zevent-signature": mac}, other_app)
    messenger = adapters.get("messenger", CONF)
    assert messenger.verify({"x-hub-signature-256": sign(SECRETS["messenger"], body)}, body)
    assert not messenger.verify({"x-hub-signature-256": sign("other", body)}, body)
    telegram = adapters.get("telegram", CONF)
    assert telegram.verify({"x-telegram-bot-api-secret-token": SECRETS["telegram"]}, body)
    assert not telegram.verify({"x-telegram-bot-api-secret-token": ""}, body)
    sms = adapters.get("sms", CONF)
    assert sms.verify({"x-loa-signature": sign(SECRETS["sms"], body)}, body) and not sms.verify({}, body)


def test_replies_are_shaped_for_each_send_api():
    reply = Reply("Đăng ký nhận bản tin", (("menu:ask", "1. Hỏi đáp"),))
    tg = adapters.get("telegram", CONF).request("42", reply)
    assert tg.url.endswith("/bot123:abc/sendMessage")
    keyboard = json.loads(tg.body)["reply_markup"]["inline_keyboard"]
    assert keyboard == [[{"text": "1. Hỏi đáp", "callback_data": "menu:ask"}]]
    fb = json.loads(adapters.get("messenger", CONF).request("P", reply).body)
    assert fb["recipient"] == {"id": "P"} and fb["message"]["quick_replies"][0]["payload"] == "menu:ask"
    zalo = adapters.get("zalo", CONF).request("U", reply)
    assert json.loads(zalo.body) == {"recipient": {"user_id": "U"}, "message": {"text": "Đăng ký nhận bản tin"}}
    assert zalo.headers["access_token"] == "zt"
    sms = adapters.get("sms", CONF).request("0912", reply)
    assert json.loads(sms.body) == {"to": "0912", "text": "Dang ky nhan ban tin"}  # no buttons, no diacritics
    assert sms.headers["x-loa-signature"] == sign(SECRETS["sms"], sms.body)
    khmer = adapters.get("sms", CONF).request("0912", Reply("សូមអភ័យទោស"))
    assert json.loads(khmer.body)["text"] == "សូមអភ័យទោស"
    long = adapters.get("sms", CONF).request("0912", Reply("một hai ba " * 100))
    assert len(json.loads(long.body)["text"]) <= CONF.sms_max_chars


@pytest.mark.parametrize(
    "status,data,transient",
    [(503, {}, True), (429, {"parameters": {"retry_after": 3}}, True), (403, {"ok": False}, False), (200, {}, None)],
)
def test_telegram_send_results(status, data, transient):
    telegram = adapters.get("telegram", CONF)
    if transient is None:
        telegram.check(status, data, {})
        return
    with pytest.raises(adapters.SendError) as caught:
        telegram.check(status, data, {})
    assert caught.value.transient is transient
    if status == 429:
        assert caught.value.retry_after == 3


def test_zalo_error_codes_under_http_200():
    zalo = adapters.get("zalo", CONF)
    zalo.check(200, {"error": 0, "message": "Success"}, {})
    with pytest.raises(adapters.SendError):
        zalo.check(200, {"error": -213, "message": "user has not followed the OA"}, {})
