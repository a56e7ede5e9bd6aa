"""Limits on the work anyone may ask for without logging in (a question on /hoi-dap, in the widget, through the ask
API or a tipline): per client and for everyone together, so that a flood neither fills the queue of unanswered
questions nor runs claim checks without end. Counted by the maintained ``limits`` library (moving windows), in
this process's memory, or in Redis when the job broker is Redis (then every web process and machine shares the
counts, for the window only, under a keyed hash of the client). A refusal is a 429 ``UserError`` saying in
Vietnamese how long to wait; nothing is written."""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter

from loa.config import Settings
from loa.errors import UserError

REDIS = ("redis://", "rediss://", "unix://")
EVERYONE = "*"  # the identifier of the shared, global window

_limiters: dict[tuple[str, str], MovingWindowRateLimiter] = {}
_lock = threading.Lock()


def limiter(settings: Settings) -> MovingWindowRateLimiter:
    """The limiter of these settings: one Redis-backed per Redis URL, else one in memory per data directory (one
    instance of Loa in this process)."""
    url = settings.broker_url if settings.broker_url.startswith(REDIS) else ""
    key = (url, "" if url else str(settings.data_dir.resolve()))
    with _lock:
        if key not in _limiters:
            _limiters[key] = MovingWindowRateLimiter(RedisStorage(url) if url else MemoryStorage())
        return _limiters[key]


def _wait_s(lim: MovingWindowRateLimiter, item: RateLimitItem, *identifiers: str) -> int:
    reset = lim.get_window_stats(item, *identifiers).reset_time
    return max(1, math.ceil(reset - time.time()))


def _pseudonym(settings: Settings, client: str) -> str:
    """The counts are keyed by a keyed hash of the client, never by its address."""
    return hmac.new(settings.secret_key.encode(), client.encode(), hashlib.sha256).hexdigest()[:24]


def allow(settings: Settings, scope: str, client: str) -> None:
    """Count one piece of anonymous work of ``scope`` ("ask") for ``client`` (an address, a tipline sender's key),
    or raise 429: first the client's own limits (``LOA_ANONYMOUS_RATE``), then everyone's
    (``LOA_ANONYMOUS_TOTAL_RATE``)."""
    lim = limiter(settings)
    limits = (
        (
            settings.anonymous_rate,
            _pseudonym(settings, client),
            "Bạn gửi quá nhiều câu hỏi trong thời gian ngắn. Vui lòng thử lại sau {wait} giây.",
            "Too many questions in a short time. Please try again in {wait} seconds.",
        ),
        (
            settings.anonymous_total_rate,
            EVERYONE,
            "Hệ thống đang nhận quá nhiều câu hỏi. Vui lòng thử lại sau {wait} giây.",
            "The system is receiving too many questions. Please try again in {wait} seconds.",
        ),
    )
    for rates, who, vi, en in limits:
        for item in parse_many(rates):
            if not lim.hit(item, scope, who):
                wait = _wait_s(lim, item, scope, who)
                raise UserError(vi.format(wait=wait), en.format(wait=wait), 429, [{"retry_after": wait}])
