"""Tipline throughput: signed webhooks of every platform on loopback → replies at a fake platform server.

    python bench/tipline.py [--messages 10000] [--json] [--concurrency 32] [--worker-threads 4] [--lexical]

A fresh instance (SQLite in a temporary data directory) gets the starter FAQ and claims registry (two corrections
published), then ``loa serve`` runs with every platform configured to send to a fake platform server in this
process, which records each reply. Conversations of five messages (greeting, menu choices, known and unknown
questions, rumours with and without a published correction, subscribe and unsubscribe) run ``--concurrency`` at a
time, spread over Zalo, Telegram, Messenger and SMS; each message is sent when the previous one's reply arrived,
and 5 % of the deliveries are sent twice (a platform's retry). Replies go through the SQLite job queue and the
``loa worker`` that ``loa serve`` starts (the immediate mode of tests runs each job inside the request that
submitted it, holding its database connection: not for a server under load).

Reported: messages per second (unique messages / wall time), p50/p95 from the webhook's POST to the reply's arrival
at the fake platform, replies lost (a message whose reply never came, must be 0), duplicates (replies beyond one
per unique message, must be 0), HTTP errors, and connection resends (a delivery sent again on a connection error,
as a platform retries; the server answers a resent message once). Platform rates are set to 1000/s so that the
pipeline, not the configured limits, is measured.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import itertools
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
SECRETS = {"telegram": "tg-secret", "messenger": "fb-secret", "zalo": "zalo-secret", "sms": "sms-secret"}
ZALO_APP = "4242"
PLATFORMS = ("zalo", "telegram", "messenger", "sms")
SCRIPTS = [
    ["xin chào", "1", "Tiêm vắc xin xong có được uống rượu bia không?", "3", "7"],
    [
        "2",
        "Tiêm vắc xin covid xong là bị vô sinh phải không",
        "Trẻ em dưới 12 tuổi có được tiêm vắc xin không?",
        "4",
        "menu",
    ],
    [
        "Xe khách Trà Vinh đi Sài Gòn đã chạy lại chưa vậy?",
        "2",
        "Uống nước lá tía tô mỗi tối chữa khỏi sốt xuất huyết trong {n} ngày",
        "DK 2",
        "HUY",
    ],
    ["1", "F0 cách ly tại nhà cần chuẩn bị những gì?", "2", "Xông lá sả, lá bưởi chữa khỏi covid", "0"],
]
DUPLICATE_SHARE = 0.05


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Platform(ThreadingHTTPServer):
    """The fake platforms: records (recipient, arrival time) of each reply."""

    daemon_threads = True
    request_queue_size = 256

    def __init__(self):
        super().__init__(("127.0.0.1", free_port()), Handler)
        self.cond = threading.Condition()
        self.replies: dict[str, list[float]] = {}

    def wait(self, to: str, count: int, timeout: float) -> float | None:
        """The arrival time of ``to``'s ``count``-th reply, or None after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.replies.get(to, ())) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)
            return self.replies[to][count - 1]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        recipient = (
            body.get("chat_id")
            or (body.get("recipient") or {}).get("id")
            or (body.get("recipient") or {}).get("user_id")
            or body.get("to")
        )
        server: Platform = self.server  # type: ignore[assignment]
        with server.cond:
            server.replies.setdefault(str(recipient), []).append(time.monotonic())
            server.cond.notify_all()
        data = b'{"ok": true, "error": 0}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


_ids = itertools.count(1)


def delivery(platform: str, who: str, text: str) -> tuple[bytes, dict]:
    """A signed delivery of one text message, as the platform sends it."""
    n = next(_ids)
    if platform == "telegram":
        payload = {
            "update_id": n,
            "message": {
                "message_id": n,
                "date": 1630000000,
                "text": text,
                "chat": {"id": who, "type": "private"},
                "from": {"id": who},
            },
        }
    elif platform == "messenger":
        payload = {
            "object": "page",
            "entry": [
                {
                    "id": "PAGE",
                    "time": 1,
                    "messaging": [
                        {
                            "sender": {"id": who},
                            "recipient": {"id": "PAGE"},
                            "timestamp": 1,
                            "message": {"mid": f"m{n}", "text": text},
                        }
                    ],
                }
            ],
        }
    elif platform == "zalo":
        payload = {
            "app_id": ZALO_APP,
            "event_name": "user_send_text",
            "timestamp": str(1630000000000 + n),
            "sender": {"id": who},
            "recipient": {"id": "OA"},
            "message": {"msg_id": f"z{n}", "text": text},
        }
    else:
        payload = {"id": f"s{n}", "from": who, "text": text}
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"content-type": "application/json"}
    if platform == "telegram":
        headers["x-telegram-bot-api-secret-token"] = SECRETS[platform]
    elif platform == "zalo":
        mac = hashlib.sha256(ZALO_APP.encode() + body + payload["timestamp"].encode() + SECRETS["zalo"].encode())
        headers["x-zevent-signature"] = "mac=" + mac.hexdigest()
    else:
        sig = "sha256=" + hmac.new(SECRETS[platform].encode(), body, hashlib.sha256).hexdigest()
        headers["x-hub-signature-256" if platform == "messenger" else "x-loa-signature"] = sig
    return body, headers


def seed(env: dict) -> None:
    """The starter FAQ and registry, two corrections published (in a child process, with the bench's settings)."""
    code = """
from loa.config import get_settings
from loa.db import session_scope, upgrade
from loa.answers import transfer
from loa.auth import service as auth
from loa.claims import service as claims
s = get_settings()
upgrade(s.db_url)
with session_scope(s.db_url) as db:
    transfer.import_starter(db)
    province = auth.get_or_create_province(db, s.province, "84")
    coordinator = auth.create_user(db, s, "dieuphoi", "bench-password-1", roles=["coordinator"])
    editor = auth.create_user(db, s, "bientap", "bench-password-1", roles=["editor"])
    reviewer = auth.create_user(db, s, "duyet", "bench-password-1", roles=["reviewer"])
    claims.import_starter(db, coordinator)
    found = {c.key: c for c in claims.list_claims(db)}
    for key in ("vac-xin-vo-sinh", "xong-hoi-la"):
        claims.transition(db, found[key], "concluded", reviewer)
        claims.transition(db, found[key], "published", editor)
"""
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def serve(env: dict, port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "loa.cli", "serve", "--port", str(port)],
        env=env,
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def run(args) -> dict:
    platform = Platform()
    threading.Thread(target=platform.serve_forever, daemon=True).start()
    fake = f"http://127.0.0.1:{platform.server_address[1]}"
    data = Path(tempfile.mkdtemp(prefix="loa-tipline-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env.update(
        {
            "LOA_DATA_DIR": str(data),
            "LOA_BROKER_URL": "",
            "LOA_WORKER_THREADS": str(args.worker_threads),
            "LOA_PERIODIC": json.dumps({"messaging.dispatch": "off"}),
            "LOA_TELEGRAM_BOT_TOKEN": "1:bench",
            "LOA_TELEGRAM_SECRET_TOKEN": SECRETS["telegram"],
            "LOA_TELEGRAM_API_URL": fake,
            "LOA_MESSENGER_APP_SECRET": SECRETS["messenger"],
            "LOA_MESSENGER_PAGE_TOKEN": "page",
            "LOA_MESSENGER_VERIFY_TOKEN": "verify",
            "LOA_MESSENGER_API_URL": fake,
            "LOA_ZALO_APP_ID": ZALO_APP,
            "LOA_ZALO_OA_SECRET_KEY": SECRETS["zalo"],
            "LOA_ZALO_ACCESS_TOKEN": "zalo",
            "LOA_ZALO_API_URL": fake,
            "LOA_SMS_SECRET": SECRETS["sms"],
            "LOA_SMS_SEND_URL": fake + "/sms",
            **{f"LOA_{p.upper()}_RATE_PER_S": "1000" for p in PLATFORMS},
        }
    )
    if args.lexical:
        env.update({"LOA_SEMANTIC": "0", "LOA_CLAIMS_SEMANTIC": "false"})
    seed(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = serve(env, port, data / "serve.log")
    try:
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise SystemExit(f"loa serve exited:\n{(data / 'serve.log').read_text()}")
            time.sleep(0.1)
        return drive(args, base, platform)
    finally:
        stop(proc)
        platform.shutdown()


def drive(args, base: str, platform: Platform) -> dict:
    per_conversation = len(SCRIPTS[0])
    conversations = max(1, args.messages // per_conversation)
    rng = random.Random(7)
    latencies: dict[str, list[float]] = {p: [] for p in PLATFORMS}
    lost, errors, posted, resent = [0], [0], [0], [0]
    expected: dict[str, int] = {}
    lock = threading.Lock()
    client = httpx.Client(timeout=120, limits=httpx.Limits(max_connections=args.concurrency * 2))

    def post(name: str, body: bytes, headers: dict) -> bool:
        for attempt in range(3):  # a connection the server closed as it was reused: the platform delivers again
            try:
                r = client.post(f"{base}/hooks/{name}", content=body, headers=headers)
                break
            except httpx.TransportError:
                with lock:
                    resent[0] += 1
                if attempt == 2:
                    raise
        with lock:
            posted[0] += 1
            if r.status_code != 200:
                errors[0] += 1
        return r.status_code == 200

    def conversation(c: int) -> None:
        name = PLATFORMS[c % len(PLATFORMS)]
        who = f"+8490{c:07d}" if name == "sms" else f"{name}-{c}"
        for k, text in enumerate(SCRIPTS[c % len(SCRIPTS)], 1):
            body, headers = delivery(name, who, text.format(n=c % 9 + 1))
            started = time.monotonic()
            post(name, body, headers)
            arrived = platform.wait(who, k, args.reply_timeout)
            with lock:
                expected[who] = k
                if arrived is None:
                    lost[0] += 1
                else:
                    latencies[name].append(arrived - started)
            if rng.random() < DUPLICATE_SHARE:  # the platform delivers it again
                post(name, body, headers)

    started = time.monotonic()
    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(conversation, range(conversations)))
    wall = time.monotonic() - started
    time.sleep(args.settle)  # a duplicate's reply, if any, would arrive by now
    with platform.cond:
        got = {who: len(times) for who, times in platform.replies.items()}
    duplicates = sum(max(0, got.get(who, 0) - n) for who, n in expected.items())
    every = sorted(x for xs in latencies.values() for x in xs)

    def pct(values: list[float], q: float) -> float | None:
        return round(values[min(len(values) - 1, int(q * len(values)))] * 1000, 1) if values else None

    unique = conversations * per_conversation
    return {
        "messages": unique,
        "deliveries_posted": posted[0],
        "conversations": conversations,
        "worker_threads": args.worker_threads,
        "concurrency": args.concurrency,
        "semantic": not args.lexical,
        "wall_s": round(wall, 1),
        "messages_per_s": round(unique / wall, 1),
        "p50_ms": pct(every, 0.5),
        "p95_ms": pct(every, 0.95),
        "max_ms": round(every[-1] * 1000, 1) if every else None,
        "p95_ms_by_platform": {p: pct(sorted(v), 0.95) for p, v in latencies.items()},
        "replies_lost": lost[0],
        "duplicates": duplicates,
        "http_errors": errors[0],
        "connection_resends": resent[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--concurrency", type=int, default=32, help="conversations at the same time")
    parser.add_argument("--worker-threads", type=int, default=4, help="LOA_WORKER_THREADS of the worker")
    parser.add_argument("--reply-timeout", type=float, default=120.0)
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to wait for stray replies at the end")
    parser.add_argument("--lexical", action="store_true", help="no e5 stage (LOA_SEMANTIC=0)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on the way out
    result = run(args)
    command = "python bench/tipline.py " + " ".join(sys.argv[1:])
    if args.json:
        print(json.dumps({"command": command, **result}, ensure_ascii=False))
        return
    print(command)
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
