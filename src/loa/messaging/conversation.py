"""The conversation, the same on every platform: a menu (1 ask, 2 report a rumour, 3 subscribe, 4 unsubscribe),
a question answered from the approved FAQ or queued for staff, a rumour checked against the claims registry or
queued for the desk, a subscription per district, a Khmer pointer. A replayed delivery is answered once."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loa import ratelimit
from loa.answers import service as answers
from loa.claims import service as claims
from loa.claims.config import ClaimsSettings
from loa.claims.models import Claim
from loa.clock import utcnow
from loa.errors import UserError
from loa.messaging import privacy, replies, sending
from loa.messaging.adapters import KHMER, URL, Adapter, Message, Reply
from loa.messaging.config import Setup
from loa.messaging.models import FollowUp, Inbound, Sender, Subscription
from loa.text import fold, syllables

STATE_TTL = timedelta(hours=1)  # "1" then a question: the question is expected for this long
COMMANDS = {
    "menu": {
        "0",
        "menu",
        "hi",
        "hello",
        "chao",
        "xin chao",
        "alo",
        "start",
        "/start",
        "bat dau",
        "help",
        "/help",
        "?",
        "tro giup",
    },
    "ask": {"1", "menu:ask", "hoi", "hoi dap"},
    "tip": {"2", "menu:tip", "bao tin", "bao tin don", "tin don"},
    "choose": {"3", "menu:subscribe", "dk", "dang ky", "dang ki"},
    "unsubscribe": {"4", "menu:unsubscribe", "huy", "huy dk", "huy dang ky", "huy dang ki", "stop", "/stop", "tat"},
}
_WORD_OF = {word: command for command, words in COMMANDS.items() for word in words}
_SUBSCRIBE_N = re.compile(r"^(?:dk|dang k[yi])\s*(\d{1,2})$")


def handle(db: Session, setup: Setup, adapter: Adapter, message: Message, *, deliver: bool = True) -> Reply | None:
    """Read one message and answer it (the reply is sent by a job after the caller commits). None for a replay
    of a message already handled, and for events that need no answer."""
    now = utcnow()
    sender = touch(db, setup, message.platform, message.sender, now)
    inbound = _record(db, message, sender)
    if inbound is None:
        return None
    reply = _respond(db, setup, adapter, message, sender, inbound, now)
    if reply is not None and deliver:
        sending.queue(
            db, setup, adapter.name, [(message.sender, sender.id)], reply, kind="reply", inbound_id=inbound.id
        )
    return reply


def touch(db: Session, setup: Setup, platform: str, user_id: str, now: datetime) -> Sender:
    """The sender (by keyed hash), created on first contact; its last message is now."""
    key = privacy.sender_key(setup, platform, user_id)
    sender = db.scalar(select(Sender).where(Sender.platform == platform, Sender.key == key))
    if sender is None:
        try:
            with db.begin_nested():
                sender = Sender(platform=platform, key=key, first_seen_at=now, last_seen_at=now, state="")
                db.add(sender)
        except IntegrityError:  # the same person's other message, at the same moment
            sender = db.scalar(select(Sender).where(Sender.platform == platform, Sender.key == key))
    sender.last_seen_at = now
    return sender


def _record(db: Session, message: Message, sender: Sender) -> Inbound | None:
    row = Inbound(
        platform=message.platform,
        message_key=privacy.message_key(message.platform, message.message_id),
        sender_id=sender.id,
        kind=message.kind,
        intent="",
        outcome="",
        ref="",
    )
    try:
        with db.begin_nested():
            db.add(row)
    except IntegrityError:  # delivered before: answered then
        return None
    return row


def command(text: str, state: str) -> tuple[str, str]:
    """(command, argument) read from a text or a button: menu | ask | tip | choose | unsubscribe | subscribe
    (argument: a district code, or its number in the list) | "" (not a command)."""
    word = fold(text).strip(" .!").lower()
    if word.startswith("district:"):
        return "subscribe", word.split(":", 1)[1]
    if m := _SUBSCRIBE_N.match(word):
        return "subscribe", m.group(1)
    if state == "district" and word.isdecimal() and word != "0":
        return "subscribe", word
    return _WORD_OF.get(word, ""), ""


def _respond(
    db: Session, setup: Setup, adapter: Adapter, message: Message, sender: Sender, inbound: Inbound, now: datetime
) -> Reply | None:
    province = setup.settings.province
    if message.kind == "unfollow":
        inbound.intent = "unfollow"
        forget(db, sender)
        return None
    text = (message.text or "").strip()
    if KHMER.search(text):
        inbound.intent = inbound.outcome = "khmer"
        return replies.khmer(setup.conf.messaging_khmer_info_url)
    state = sender.state if sender.state_at and now - sender.state_at < STATE_TTL else ""
    sender.state, sender.state_at = "", None
    what, argument = command(text, state) if message.kind in ("text", "menu") else ("", "")
    inbound.intent = "menu"
    if message.kind == "follow" or what == "menu":
        return replies.menu(province)
    if what in ("ask", "tip", "choose"):
        sender.state, sender.state_at = {"ask": "ask", "tip": "tip", "choose": "district"}[what], now
        if what == "choose":
            return replies.district_prompt(province) if replies.districts(province) else Reply(replies.NO_DISTRICTS)
        return Reply(replies.ASK_PROMPT if what == "ask" else replies.TIP_PROMPT)
    if what == "unsubscribe":
        return _unsubscribe(db, sender, inbound)
    if what == "subscribe":
        return _subscribe(db, setup, adapter, message, sender, inbound, argument, now)
    if message.kind == "sticker":
        return replies.menu(province, replies.STICKER)
    if message.kind == "location":
        return Reply(replies.LOCATION)
    if message.kind in ("unsupported", "menu"):
        return replies.menu(province, replies.UNSUPPORTED if message.kind == "unsupported" else "")
    if message.kind == "image" and not text:
        sender.state, sender.state_at = "tip", now
        return Reply(replies.IMAGE_ONLY)
    tip = state == "tip" or message.kind in ("image", "link")
    if tip or state == "ask" or len(syllables(text)) >= 3:
        try:  # a question or a tip is anonymous work: limited per sender (by keyed hash) and for everyone
            ratelimit.allow(setup.settings, "ask", f"{message.platform}:{sender.key}")
        except UserError as exc:
            inbound.outcome = "limited"
            return Reply(exc.message)
        if tip:
            return _tip(db, setup, adapter, message, sender, inbound, text)
        return _ask(db, setup, adapter, message, sender, inbound, text)
    if state == "district":
        sender.state, sender.state_at = "district", now
        return replies.district_prompt(province)
    return replies.menu(province)


def _confident(result: dict) -> bool:
    """An answer goes out in a chat only when the answers module is confident of it."""
    return bool(result.get("answered")) and bool(result.get("confident", True))


def _ask(
    db: Session, setup: Setup, adapter: Adapter, message: Message, sender: Sender, inbound: Inbound, text: str
) -> Reply:
    inbound.intent = "ask"
    try:
        result = answers.ask(db, text, channel=adapter.name)
    except UserError as exc:
        inbound.outcome = "refused"
        return Reply(exc.message)
    if _confident(result):
        inbound.outcome, inbound.ref = "answered", f"faq:{result['entry_id']}"
        return replies.answer(result)
    group_id = result.get("group_id") or answers.queue(db, text, channel=adapter.name).id
    inbound.outcome, inbound.ref = "queued", f"group:{group_id}"
    follow_up(db, setup, message, sender, "question", group_id)
    return Reply(replies.NO_ANSWER)


def _tip(
    db: Session, setup: Setup, adapter: Adapter, message: Message, sender: Sender, inbound: Inbound, text: str
) -> Reply:
    """A rumour someone forwards: a published correction at once; a claim under way or a new triage item (every
    tip is worth a look: a person chose to report it), with the sender told the verdict when it is published."""
    inbound.intent = "tip"
    if len(syllables(text)) < 3 and not URL.search(text):
        sender.state, sender.state_at = "tip", utcnow()
        inbound.outcome = "too_short"
        return Reply(replies.TIP_TOO_SHORT)
    result = claims.check_text(
        db,
        text,
        origin=adapter.name,
        ref=f"{adapter.name}:{inbound.id}",
        settings=ClaimsSettings(checkworthy_threshold=0.0),
    )
    claim = (
        db.get(Claim, result["claim_id"])
        if result.get("claim_id") and (result["decision"] == "match" or result.get("negated"))
        else None
    )
    if claim is not None and claim.status == "published":
        inbound.outcome, inbound.ref = "correction", f"claim:{claim.id}"
        return replies.correction(claim, setup.conf.messaging_public_url)
    if claim is not None:
        inbound.outcome, inbound.ref = "pending", f"claim:{claim.id}"
        follow_up(db, setup, message, sender, "claim", claim.id)
        return Reply(replies.TIP_PENDING)
    if result.get("triage_id"):
        inbound.outcome, inbound.ref = "triage", f"triage:{result['triage_id']}"
        follow_up(db, setup, message, sender, "triage", result["triage_id"])
        return Reply(replies.TIP_QUEUED)
    inbound.outcome = "too_short"
    return Reply(replies.TIP_TOO_SHORT)


def follow_up(db: Session, setup: Setup, message: Message, sender: Sender, kind: str, ref_id: int) -> None:
    """Remember (address encrypted) to tell this sender when staff answer the question or publish the verdict."""
    exists = db.scalar(
        select(FollowUp.id).where(FollowUp.sender_id == sender.id, FollowUp.kind == kind, FollowUp.ref_id == ref_id)
    )
    if exists is not None:
        return
    try:
        with db.begin_nested():
            db.add(
                FollowUp(
                    platform=message.platform,
                    sender_id=sender.id,
                    kind=kind,
                    ref_id=ref_id,
                    address=privacy.seal(setup, message.sender),
                )
            )
    except IntegrityError:  # the same person sent it twice at the same moment
        pass


def _subscribe(
    db: Session,
    setup: Setup,
    adapter: Adapter,
    message: Message,
    sender: Sender,
    inbound: Inbound,
    argument: str,
    now: datetime,
) -> Reply:
    inbound.intent = "subscribe"
    found = replies.districts(setup.settings.province)
    codes = {d["code"] for d in found}
    code = (
        argument
        if argument in codes
        else (found[int(argument) - 1]["code"] if argument.isdecimal() and 1 <= int(argument) <= len(found) else None)
    )
    if code is None:
        sender.state, sender.state_at = "district", now
        inbound.outcome = "invalid"
        return replies.district_prompt(setup.settings.province) if found else Reply(replies.NO_DISTRICTS)
    sub = db.scalar(select(Subscription).where(Subscription.sender_id == sender.id))
    address = privacy.seal(setup, message.sender)
    if sub is None:
        db.add(
            Subscription(
                platform=message.platform, sender_id=sender.id, district=code, address=address, last_bulletin=""
            )
        )
    else:
        sub.district, sub.address = code, address
    inbound.outcome, inbound.ref = "subscribed", f"district:{code}"
    hours = int(adapter.window.total_seconds() // 3600) if adapter.window else None
    return replies.subscribed(code, hours, adapter.label)


def _unsubscribe(db: Session, sender: Sender, inbound: Inbound) -> Reply:
    inbound.intent = "unsubscribe"
    gone = db.execute(delete(Subscription).where(Subscription.sender_id == sender.id)).rowcount
    inbound.outcome = "unsubscribed" if gone else "none"
    return Reply(replies.UNSUBSCRIBED if gone else replies.NOT_SUBSCRIBED)


def forget(db: Session, sender: Sender) -> None:
    """The person left (unfollowed the account): drop their subscription and pending notifications."""
    db.execute(delete(Subscription).where(Subscription.sender_id == sender.id))
    db.execute(delete(FollowUp).where(FollowUp.sender_id == sender.id))
