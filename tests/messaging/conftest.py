"""Tipline fixtures: a fake platform server (a real HTTP server on loopback that records what Loa sends and can be
made to fail), every platform configured to send there, signed webhook deliveries, the starter FAQ and claims."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from loa.answers import transfer
from loa.claims import service as claims
from loa.messaging import models

SECRETS = {"telegram": "tg-secret-token", "messenger": "fb-app-secret", "zalo": "zalo-oa-secret", "sms": "sms-secret"}
ZALO_APP = "1234567890"
TABLES = [models.Sender, models.Inbound, models.Outbound, models.Subscription, models.FollowUp]


class FakePlatform(ThreadingHTTPServer):
    """Records each message Loa sends (path, JSON, headers); ``failures`` makes the next N calls answer
    ``status``; ``down`` makes every call fail."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.sent: list[dict] = []
        self.calls = 0
        self.failures, self.down, self.status = 0, False, 503
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def texts(self, to: str | None = None) -> list[str]:
        return [m["text"] for m in self.sent if to is None or m["to"] == to]


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        server: FakePlatform = self.server  # type: ignore[assignment]
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        with server.lock:
            server.calls += 1
            fail = server.down or server.failures > 0
            if server.failures > 0:
                server.failures -= 1
            if not fail:
                server.sent.append(
                    {
                        "path": self.path.split("?")[0],
                        "to": _recipient(body),
                        "text": _text(body),
                        "json": body,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                    }
                )
        answer = {"error": "down"} if fail else {"ok": True, "error": 0, "message_id": "m1"}
        data = json.dumps(answer).encode()
        self.send_response(server.status if fail else 200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def _recipient(body: dict) -> str:
    if "chat_id" in body:
        return str(body["chat_id"])
    recipient = body.get("recipient") or {}
    return str(recipient.get("id") or recipient.get("user_id") or body.get("to"))


def _text(body: dict) -> str:
    return body.get("text") or (body.get("message") or {}).get("text", "")


@pytest.fixture(autouse=True)
def _lexical_only(monkeypatch):
    """Lexical retrieval only (fast); tests/search covers the e5 stage."""
    monkeypatch.setenv("LOA_SEMANTIC", "0")
    monkeypatch.setenv("LOA_CLAIMS_SEMANTIC", "false")


@pytest.fixture
def fake():
    server = FakePlatform()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def platforms(monkeypatch, fake):
    """Every platform on, sending to the fake server; tries are quick."""
    env = {
        "LOA_TELEGRAM_BOT_TOKEN": "123:abc",
        "LOA_TELEGRAM_SECRET_TOKEN": SECRETS["telegram"],
        "LOA_TELEGRAM_API_URL": fake.url,
        "LOA_MESSENGER_APP_SECRET": SECRETS["messenger"],
        "LOA_MESSENGER_PAGE_TOKEN": "page-token",
        "LOA_MESSENGER_VERIFY_TOKEN": "verify-me",
        "LOA_MESSENGER_API_URL": fake.url,
        "LOA_ZALO_APP_ID": ZALO_APP,
        "LOA_ZALO_OA_SECRET_KEY": SECRETS["zalo"],
        "LOA_ZALO_ACCESS_TOKEN": "zalo-token",
        "LOA_ZALO_API_URL": fake.url,
        "LOA_SMS_SECRET": SECRETS["sms"],
        "LOA_SMS_SEND_URL": fake.url + "/sms/send",
        "LOA_MESSAGING_SEND_ATTEMPTS": "3",
        "LOA_MESSAGING_BACKOFF_S": "0.01",
        "LOA_MESSAGING_PUBLIC_URL": "https://loa.travinh.example",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for name in ("ZALO", "TELEGRAM", "MESSENGER", "SMS"):
        monkeypatch.setenv(f"LOA_{name}_RATE_PER_S", "1000")
    return env


@pytest.fixture
def knowledge(db, people):
    """The starter FAQ (approved) and the starter claims registry with two corrections published."""
    transfer.import_starter(db)
    claims.import_starter(db, people["coordinator"])
    found = {c.key: c for c in claims.list_claims(db)}
    for claim in found.values():
        claims.transition(db, claim, "concluded", people["reviewer"])
    for key in ("vac-xin-vo-sinh", "xong-hoi-la"):
        claims.transition(db, found[key], "published", people["editor"])
    db.commit()
    return found


# ---- signed deliveries, as each platform sends them ---------------------------------------------------------

_ids = itertools.count(1000)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def telegram_update(chat_id: int | str, text: str | None = None, update_id: int | None = None, **message) -> dict:
    msg = {
        "message_id": next(_ids),
        "date": 1630000000,
        "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "first_name": "Lan"},
        **message,
    }
    if text is not None:
        msg["text"] = text
    return {"update_id": update_id or next(_ids), "message": msg}


def messenger_event(psid: str, message: dict | None = None, **event) -> dict:
    entry = {"sender": {"id": psid}, "recipient": {"id": "PAGE"}, "timestamp": 1630000000000, **event}
    if message is not None:
        entry["message"] = {"mid": f"m_{next(_ids)}", **message}
    return {"object": "page", "entry": [{"id": "PAGE", "time": 1630000000000, "messaging": [entry]}]}


def zalo_event(user_id: str, event: str = "user_send_text", text: str = "", **message) -> dict:
    return {
        "app_id": ZALO_APP,
        "user_id_by_app": "u" + user_id,
        "event_name": event,
        "timestamp": "1630000000000",
        "sender": {"id": user_id},
        "recipient": {"id": "OA1"},
        "message": {"msg_id": f"zm{next(_ids)}", "text": text, **message},
    }


def sms_message(number: str, text: str, message_id: str | None = None) -> dict:
    return {"id": message_id or f"sms-{next(_ids)}", "from": number, "text": text}


def deliver(
    client,
    platform: str,
    payload: dict | list,
    *,
    secret: str | None = None,
    signed: bool = True,
    raw: bytes | None = None,
):
    """POST a delivery to the webhook, signed as the platform signs it (``secret`` overrides the right one)."""
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
    key = SECRETS[platform] if secret is None else secret
    headers = {"content-type": "application/json"}
    if signed:
        if platform == "telegram":
            headers["x-telegram-bot-api-secret-token"] = key
        elif platform == "messenger":
            headers["x-hub-signature-256"] = sign(key, body)
        elif platform == "sms":
            headers["x-loa-signature"] = sign(key, body)
        else:
            data = json.loads(body)
            mac = hashlib.sha256(str(data["app_id"]).encode() + body + str(data["timestamp"]).encode() + key.encode())
            headers["x-zevent-signature"] = "mac=" + mac.hexdigest()
    return client.post(f"/hooks/{platform}", content=body, headers=headers)


def say(client, platform: str, who: str, text: str):
    """One text message from ``who`` on ``platform``."""
    payload = {
        "telegram": lambda: telegram_update(who, text),
        "messenger": lambda: messenger_event(who, {"text": text}),
        "zalo": lambda: zalo_event(who, text=text),
        "sms": lambda: sms_message(who, text),
    }[platform]()
    response = deliver(client, platform, payload)
    assert response.status_code == 200, response.text
    return response


def rows(db) -> dict[str, int]:
    """How many rows each tipline table holds."""
    db.expire_all()
    return {m.__tablename__: db.scalar(select(func.count()).select_from(m)) for m in TABLES}
