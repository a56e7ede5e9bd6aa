"""Outgoing messages: each is a row (what, to which platform, how it went) sent by a ``messaging.send`` job whose
parameters alone hold the encrypted address, dropped once sent. The job tries each message with exponential
back-off (honouring the platform's Retry-After), within the platform's rate shared by every worker (a slot
reserved with one UPDATE), and marks it failed after the last try: a failed message keeps its address in the
job until it is sent again (``resend_failed``) or the retention job forgets it."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import httpx
from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loa.clock import utcnow
from loa.db import session_scope
from loa.errors import UserError
from loa.jobs import service as jobs
from loa.jobs.models import Job
from loa.messaging import adapters, privacy
from loa.messaging.adapters import Adapter, Reply, SendError
from loa.messaging.config import Setup
from loa.messaging.models import Outbound, RateSlot

BATCH = 50  # messages per job of a fan-out (bulletin, notice)
LONGEST_WAIT_S = 60.0
_client: httpx.Client | None = None
_client_lock = threading.Lock()


def client(timeout: float) -> httpx.Client:
    """The process's HTTP client for the platforms (connections kept alive, thread-safe)."""
    global _client
    with _client_lock:
        if _client is None:
            _client = httpx.Client(timeout=timeout, limits=httpx.Limits(max_connections=50))
        return _client


def queue(
    db: Session,
    setup: Setup,
    platform: str,
    recipients: list[tuple[str, int | None]],
    reply: Reply,
    *,
    kind: str,
    inbound_id: int | None = None,
    sealed: bool = False,
) -> list[Outbound]:
    """Record one message per recipient (address, sender id) and submit the jobs that send them (after the
    caller's commit). ``sealed``: the addresses are encrypted already (subscriptions, follow-ups)."""
    rows, items = [], []
    for address, sender_id in recipients:
        out = Outbound(
            platform=platform,
            kind=kind,
            text=reply.text,
            choices=[list(c) for c in reply.choices],
            sender_id=sender_id,
            inbound_id=inbound_id,
            status="queued",
        )
        db.add(out)
        rows.append(out)
        items.append(address if sealed else privacy.seal(setup, address))
    db.flush()
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        job = jobs.submit(
            db,
            setup.settings,
            "messaging.send",
            params={
                "items": [{"outbound_id": out.id, "to": to} for out, to in zip(chunk, items[start : start + BATCH])]
            },
        )
        for out in chunk:
            out.job_id = job.id
    return rows


def reserve(setup: Setup, platform: str, per_second: float) -> float:
    """Take the platform's next sending slot; the seconds to wait for it. One UPDATE, so that workers on every
    machine share the rate."""
    gap, now = 1.0 / max(per_second, 0.001), time.time()
    slot = case((RateSlot.next_at > now, RateSlot.next_at + gap), else_=now + gap)
    with session_scope(setup.settings.db_url, source="job") as db:
        taken = db.execute(
            update(RateSlot).where(RateSlot.platform == platform).values(next_at=slot).returning(RateSlot.next_at)
        ).scalar()
        if taken is None:
            try:
                with db.begin_nested():
                    db.add(RateSlot(platform=platform, next_at=now + gap))
                taken = now + gap
            except IntegrityError:  # another worker created it first
                taken = db.execute(
                    update(RateSlot)
                    .where(RateSlot.platform == platform)
                    .values(next_at=slot)
                    .returning(RateSlot.next_at)
                ).scalar()
    return max(0.0, taken - gap - now)


def send_once(setup: Setup, adapter: Adapter, to: str, reply: Reply) -> None:
    """One call of the platform's send API; SendError when it did not take the message."""
    request = adapter.request(to, reply)
    try:
        response = client(setup.conf.messaging_timeout_s).post(
            request.url, content=request.body, headers=request.headers
        )
    except httpx.HTTPError as exc:
        raise SendError(f"{type(exc).__name__}", True) from None
    try:
        data = response.json()
    except ValueError:
        data = {}
    adapter.check(response.status_code, data if isinstance(data, dict) else {}, response.headers)


def send_with_retries(setup: Setup, adapter: Adapter, to: str, reply: Reply) -> tuple[bool, int, str]:
    """(sent, tries, last error): transient failures are tried again after backoff × 2^(try−1) seconds (or the
    platform's Retry-After), up to ``LOA_MESSAGING_SEND_ATTEMPTS`` tries."""
    attempts, error = setup.conf.messaging_send_attempts, ""
    for attempt in range(1, attempts + 1):
        wait = reserve(setup, adapter.name, adapter.rate_per_s)
        if wait:
            time.sleep(min(wait, LONGEST_WAIT_S))
        try:
            send_once(setup, adapter, to, reply)
            return True, attempt, ""
        except SendError as exc:
            error = str(exc)
            if not exc.transient:
                return False, attempt, error
            if attempt < attempts:
                delay = exc.retry_after if exc.retry_after else setup.conf.messaging_backoff_s * 2 ** (attempt - 1)
                time.sleep(min(float(delay), LONGEST_WAIT_S))
    return False, attempts, error


def deliver(ctx, items: list[dict]) -> dict:
    """The ``messaging.send`` job: send each message not sent yet (a job run again skips those), record how it
    went and, in the same transaction, drop a sent message's address from the job's parameters; fail (listing the
    errors) when one could not be sent."""
    setup = Setup.of(ctx.settings)
    held, written = list(items), len(items)  # the items whose address the job still needs
    sent, failed = 0, []
    for n, item in enumerate(items):
        if len(items) > 1:
            ctx.progress(n / len(items), sent=sent, failed=len(failed))
        with ctx.session() as db:
            out = db.get(Outbound, item["outbound_id"])
            pending = out is not None and out.status != "sent"
            if pending:
                platform, reply = out.platform, Reply(out.text, tuple(tuple(c) for c in out.choices or ()))
        if not pending:
            held.remove(item)
            continue
        adapter = adapters.get(platform, setup.conf)
        if adapter is None:
            ok, tries, error = False, 0, "nền tảng chưa được cấu hình / platform not configured"
        else:
            ok, tries, error = send_with_retries(setup, adapter, privacy.unseal(setup, item["to"]), reply)
        if ok:
            held.remove(item)
        with ctx.session() as db:
            out = db.get(Outbound, item["outbound_id"])
            out.attempts, out.tried_at, out.error = out.attempts + tries, utcnow(), error[:500]
            out.status, out.sent_at = ("sent", utcnow()) if ok else ("failed", None)
            db.execute(update(Job).where(Job.id == ctx.job_id).values(params={"items": held}))
            written = len(held)
        if ok:
            sent += 1
        else:
            failed.append(f"#{item['outbound_id']}: {error}")
    if written != len(held):
        with ctx.session() as db:
            db.execute(update(Job).where(Job.id == ctx.job_id).values(params={"items": held}))
    if failed:
        raise UserError(
            f"Đã gửi {sent} tin; {len(failed)} tin gửi lỗi sau nhiều lần thử: " + "; ".join(failed[:5]),
            f"Sent {sent}; {len(failed)} failed after retries: " + "; ".join(failed[:5]),
            details=[{"message": f} for f in failed[:50]],
        )
    return {"message": f"Đã gửi {sent} tin.", "sent": sent}


def resend_failed(
    db: Session, setup: Setup, tried_before: datetime | None = None, max_rounds: int = 3, limit: int = 500
) -> int:
    """Submit again the failed messages (last tried before ``tried_before``) whose address is still held by their
    job, at most ``max_rounds`` jobs per message; the address moves to the new job. Returns how many."""
    query = select(Outbound).where(
        Outbound.status == "failed", Outbound.rounds < max_rounds, Outbound.job_id.is_not(None)
    )
    if tried_before is not None:
        query = query.where(Outbound.tried_at < tried_before)
    rows = list(db.scalars(query.order_by(Outbound.id).limit(limit)))
    by_job: dict[int, list[Outbound]] = {}
    for out in rows:
        by_job.setdefault(out.job_id, []).append(out)
    count = 0
    for job_id, outs in by_job.items():
        job = db.get(Job, job_id)
        held = {i["outbound_id"]: i for i in (job.params or {}).get("items", [])} if job and job.finished else {}
        again = [held[o.id] for o in outs if o.id in held]
        if not again:
            continue
        new = jobs.submit(db, setup.settings, "messaging.send", params={"items": again})
        job.params = {"items": [i for i in job.params["items"] if i not in again]}
        for out in outs:
            if out.id in held:
                out.status, out.job_id, out.rounds, out.error = "queued", new.id, out.rounds + 1, ""
                count += 1
    db.flush()
    return count
