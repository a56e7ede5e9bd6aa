"""One adapter per platform: check a webhook's signature, read its messages into the platform-neutral
:class:`Message`, and shape a :class:`Reply` for the platform's send API. Nothing here touches the database.

References for the checks: Telegram's ``secret_token`` of ``setWebhook`` (header X-Telegram-Bot-Api-Secret-Token);
Meta's X-Hub-Signature-256 (``sha256=`` HMAC-SHA256 of the raw body with the app secret); Zalo's X-ZEvent-Signature
(``mac=`` then the hex SHA-256 — a plain hash, not an HMAC — of app id + raw body + the body's ``timestamp`` + the OA
secret key, not the app secret; checked against Zalo's Official Account webhook documentation); the generic SMS
gateway signs like Meta, in X-Loa-Signature, both ways.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from loa.messaging.config import MessagingSettings
from loa.text import strip_diacritics

URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
KHMER = re.compile("[\u1780-\u17ff]")


@dataclass(frozen=True)
class Message:
    """One thing a person sent. ``kind``: text | link (text holding a link) | image (``text`` = its caption) |
    menu (``text`` = the choice's payload) | sticker | location | unsupported | follow | unfollow."""

    platform: str
    message_id: str  # the platform's id: a replayed delivery carries the same
    sender: str  # the platform's user id (or phone number): never stored in clear
    kind: str
    text: str = ""
    ack: str = ""  # a button press the platform waits to see acknowledged (Telegram's callback query id)


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[tuple[str, str], ...] = ()  # (payload, label): buttons where the platform has them


@dataclass(frozen=True)
class Request:
    url: str
    body: bytes
    headers: dict


class SendError(Exception):
    """The platform refused or did not answer: ``transient`` ones are tried again."""

    def __init__(self, message: str, transient: bool, retry_after: float | None = None):
        super().__init__(message)
        self.transient, self.retry_after = transient, retry_after


def _json(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def _hmac256(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _same(sent: str, expected: str) -> bool:
    return bool(sent) and hmac.compare_digest(sent.encode(), expected.encode())


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after", "")
    return float(value) if value.replace(".", "", 1).isdecimal() else None


def _kind_of_text(text: str) -> str:
    return "link" if URL.search(text) else "text"


class Adapter:
    """A platform: its name, how long after a person's last message it lets us write (``window``, None: no
    limit), the longest text it takes, whether its menus are numbers only."""

    name = ""
    label = ""
    window: timedelta | None = None
    max_chars = 2000
    numbered = False

    def __init__(self, conf: MessagingSettings):
        self.conf = conf

    @staticmethod
    def configured(conf: MessagingSettings) -> bool:
        raise NotImplementedError

    @property
    def rate_per_s(self) -> float:
        return getattr(self.conf, f"{self.name}_rate_per_s")

    def verify(self, headers: Mapping[str, str], body: bytes) -> bool:
        """True only for a delivery signed with this instance's secret."""
        raise NotImplementedError

    def parse(self, body: bytes) -> list[Message]:
        """The messages of a verified delivery (events that are not messages are left out); ValueError when
        the body is not the platform's format."""
        raise NotImplementedError

    def request(self, to: str, reply: Reply) -> Request:
        raise NotImplementedError

    def check(self, status: int, data: dict, headers: Mapping[str, str]) -> None:
        """Raise SendError unless the platform took the message."""
        if status == 429 or status >= 500:
            raise SendError(f"HTTP {status}", True, _retry_after(headers))
        if status >= 400:
            raise SendError(f"HTTP {status}: {str(data)[:200]}", False)

    def fit(self, text: str) -> str:
        return text if len(text) <= self.max_chars else text[: self.max_chars - 1].rsplit(" ", 1)[0] + "…"

    def webhook_path(self) -> str:
        return f"/hooks/{self.name}"

    def acknowledge(self, messages: list[Message]) -> dict:
        """What the webhook's answer carries for the platform besides the status (nothing by default)."""
        return {}


class Telegram(Adapter):
    name, label, max_chars = "telegram", "Telegram", 4096

    @staticmethod
    def configured(conf: MessagingSettings) -> bool:
        return bool(conf.telegram_bot_token and conf.telegram_secret_token)

    def verify(self, headers, body) -> bool:
        return _same(headers.get("x-telegram-bot-api-secret-token", ""), self.conf.telegram_secret_token)

    def parse(self, body: bytes) -> list[Message]:
        update = json.loads(body)
        key = f"u{int(update['update_id'])}"
        if "callback_query" in update:  # a button of an earlier reply
            query = update["callback_query"]
            if query.get("message", {}).get("chat", {}).get("type", "private") != "private":
                return []
            sender, choice = str(query["from"]["id"]), str(query.get("data", ""))
            return [Message(self.name, key, sender, "menu", choice, ack=str(query["id"]))]
        message = update.get("message")
        if not message or message.get("chat", {}).get("type") != "private":
            return []  # edits, channel posts and group chats are not conversations with Loa
        sender = str(message["chat"]["id"])
        if "text" in message:
            text = message["text"] + "".join(
                f" {e['url']}" for e in message.get("entities", []) if e.get("type") == "text_link" and e.get("url")
            )
            return [Message(self.name, key, sender, _kind_of_text(text), text)]
        if "photo" in message:
            return [Message(self.name, key, sender, "image", message.get("caption", ""))]
        if "sticker" in message:
            return [Message(self.name, key, sender, "sticker")]
        if "location" in message or "venue" in message:
            return [Message(self.name, key, sender, "location")]
        return [Message(self.name, key, sender, "unsupported")]

    def acknowledge(self, messages: list[Message]) -> dict:
        """A button press is acknowledged in the webhook's answer (a Bot API call Telegram makes on receiving
        it: ``answerCallbackQuery``), which stops the client's progress indicator without a call of our own."""
        pressed = next((m.ack for m in messages if m.ack), "")
        return {"method": "answerCallbackQuery", "callback_query_id": pressed} if pressed else {}

    def request(self, to: str, reply: Reply) -> Request:
        payload = {"chat_id": to, "text": self.fit(reply.text), "disable_web_page_preview": True}
        if reply.choices:
            payload["reply_markup"] = {
                "inline_keyboard": [[{"text": label, "callback_data": value}] for value, label in reply.choices]
            }
        return Request(
            f"{self.conf.telegram_api_url.rstrip('/')}/bot{self.conf.telegram_bot_token}/sendMessage",
            _json(payload),
            {"content-type": "application/json"},
        )

    def check(self, status, data, headers) -> None:
        if status == 429:
            raise SendError(
                "HTTP 429", True, (data.get("parameters") or {}).get("retry_after") or _retry_after(headers)
            )
        super().check(status, data, headers)


class Messenger(Adapter):
    name, label, max_chars = "messenger", "Messenger", 2000
    window = timedelta(hours=24)  # Meta's standard messaging window

    @staticmethod
    def configured(conf: MessagingSettings) -> bool:
        return bool(conf.messenger_app_secret and conf.messenger_page_token and conf.messenger_verify_token)

    def verify(self, headers, body) -> bool:
        return _same(headers.get("x-hub-signature-256", ""), "sha256=" + _hmac256(self.conf.messenger_app_secret, body))

    def parse(self, body: bytes) -> list[Message]:
        data = json.loads(body)
        if data.get("object") != "page":
            return []
        out = []
        for entry in data.get("entry", []):
            for event in entry.get("messaging", []):
                sender = str(event["sender"]["id"])
                if "postback" in event:
                    postback = event["postback"]
                    key = postback.get("mid") or f"postback:{sender}:{event.get('timestamp')}"
                    out.append(Message(self.name, key, sender, "menu", str(postback.get("payload", ""))))
                elif "message" in event and not event["message"].get("is_echo"):
                    out.append(self._message(sender, event["message"]))
        return out

    def _message(self, sender: str, message: dict) -> Message:
        key = message["mid"]
        if "quick_reply" in message:
            return Message(self.name, key, sender, "menu", str(message["quick_reply"].get("payload", "")))
        if message.get("sticker_id"):
            return Message(self.name, key, sender, "sticker")
        if message.get("text"):
            return Message(self.name, key, sender, _kind_of_text(message["text"]), message["text"])
        attachments = message.get("attachments") or [{}]
        first = attachments[0]
        kind = first.get("type", "")
        if kind == "image":
            return Message(self.name, key, sender, "image")
        if kind == "location":
            return Message(self.name, key, sender, "location")
        if kind == "fallback" and (first.get("payload") or {}).get("url"):  # a shared link
            return Message(
                self.name, key, sender, "link", f"{first.get('title', '')} {first['payload']['url']}".strip()
            )
        return Message(self.name, key, sender, "unsupported")

    def request(self, to: str, reply: Reply) -> Request:
        message: dict = {"text": self.fit(reply.text)}
        if reply.choices:
            message["quick_replies"] = [
                {"content_type": "text", "title": label[:20], "payload": value} for value, label in reply.choices[:13]
            ]
        payload = {"recipient": {"id": to}, "messaging_type": "RESPONSE", "message": message}
        return Request(
            f"{self.conf.messenger_api_url.rstrip('/')}/me/messages?access_token={self.conf.messenger_page_token}",
            _json(payload),
            {"content-type": "application/json"},
        )

    def check(self, status, data, headers) -> None:
        error = data.get("error")
        code = error.get("code") if isinstance(error, dict) else None
        if code in (4, 17, 32, 613):  # Graph API rate limits, answered with 400
            raise SendError(f"Graph API {code}", True, _retry_after(headers))
        super().check(status, data, headers)


class Zalo(Adapter):
    name, label, max_chars = "zalo", "Zalo", 2000
    window = timedelta(hours=48)  # the free reply window of an Official Account after the person's last message

    @staticmethod
    def configured(conf: MessagingSettings) -> bool:
        return bool(conf.zalo_app_id and conf.zalo_oa_secret_key and conf.zalo_access_token)

    def verify(self, headers, body) -> bool:
        try:
            data = json.loads(body)
            app_id, timestamp = str(data["app_id"]), str(data["timestamp"])
        except (ValueError, KeyError, TypeError):
            return False
        if not hmac.compare_digest(app_id.encode(), self.conf.zalo_app_id.encode()):
            return False
        mac = hashlib.sha256(app_id.encode() + body + timestamp.encode() + self.conf.zalo_oa_secret_key.encode())
        sent = headers.get("x-zevent-signature", "").strip()
        sent = sent[4:].strip() if sent[:4].lower() == "mac=" else sent  # "mac=<hex>"; some deliveries omit "mac="
        return _same(sent.lower(), mac.hexdigest())

    def parse(self, body: bytes) -> list[Message]:
        data = json.loads(body)
        event = data.get("event_name", "")
        if event in ("follow", "unfollow"):
            who = str(data["follower"]["id"])
            return [Message(self.name, f"{event}:{who}:{data.get('timestamp')}", who, event)]
        if not event.startswith("user_send_"):
            return []  # OA echoes, receipts, seen...
        message, sender = data.get("message") or {}, str(data["sender"]["id"])
        key, text = str(message["msg_id"]), message.get("text") or ""
        if event == "user_send_text":
            return [Message(self.name, key, sender, _kind_of_text(text), text)]
        if event in ("user_send_image", "user_send_gif"):
            return [Message(self.name, key, sender, "image", text)]
        if event == "user_send_link":
            payload = (message.get("attachments") or [{}])[0].get("payload") or {}
            link = " ".join(p for p in (text, payload.get("description", ""), payload.get("url", "")) if p)
            return [Message(self.name, key, sender, "link", link)]
        if event == "user_send_sticker":
            return [Message(self.name, key, sender, "sticker")]
        if event == "user_send_location":
            return [Message(self.name, key, sender, "location")]
        return [Message(self.name, key, sender, "unsupported")]

    def request(self, to: str, reply: Reply) -> Request:
        payload = {"recipient": {"user_id": to}, "message": {"text": self.fit(reply.text)}}
        return Request(
            f"{self.conf.zalo_api_url.rstrip('/')}/v3.0/oa/message/cs",
            _json(payload),
            {"content-type": "application/json", "access_token": self.conf.zalo_access_token},
        )

    def check(self, status, data, headers) -> None:
        super().check(status, data, headers)
        error = data.get("error", 0)
        if error:  # Zalo answers HTTP 200 with an error code
            raise SendError(f"Zalo {error}: {str(data.get('message', ''))[:200]}", error == -32)  # -32: rate limit


class Sms(Adapter):
    """A generic SMS gateway (the HTTP API Vietnamese brandname providers offer): JSON ``{"id", "from", "text"}``
    in (or a list of them), ``{"to", "text"}`` out, both signed with the shared secret. Texts go out without
    diacritics (160 characters a part instead of 70), Khmer ones as they are."""

    name, label, numbered = "sms", "SMS", True

    @property
    def max_chars(self) -> int:  # type: ignore[override]
        return self.conf.sms_max_chars

    @staticmethod
    def configured(conf: MessagingSettings) -> bool:
        return bool(conf.sms_secret and conf.sms_send_url)

    def verify(self, headers, body) -> bool:
        return _same(headers.get("x-loa-signature", ""), "sha256=" + _hmac256(self.conf.sms_secret, body))

    def parse(self, body: bytes) -> list[Message]:
        data = json.loads(body)
        out = []
        for item in data if isinstance(data, list) else [data]:
            text = str(item.get("text") or "")
            out.append(Message(self.name, str(item["id"]), str(item["from"]), _kind_of_text(text), text))
        return out

    def request(self, to: str, reply: Reply) -> Request:
        text = reply.text if KHMER.search(reply.text) else strip_diacritics(reply.text)
        body = _json({"to": to, "text": self.fit(text)})
        headers = {
            "content-type": "application/json",
            "x-loa-signature": "sha256=" + _hmac256(self.conf.sms_secret, body),
        }
        if self.conf.sms_api_key:
            headers["authorization"] = f"Bearer {self.conf.sms_api_key}"
        return Request(self.conf.sms_send_url, body, headers)


ADAPTERS: dict[str, type[Adapter]] = {a.name: a for a in (Zalo, Telegram, Messenger, Sms)}


def get(name: str, conf: MessagingSettings) -> Adapter | None:
    """The platform's adapter when it is configured, else None (the platform is off)."""
    cls = ADAPTERS.get(name)
    return cls(conf) if cls is not None and cls.configured(conf) else None
