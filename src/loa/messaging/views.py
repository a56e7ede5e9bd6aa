"""Webhooks of the tiplines (``POST /hooks/<platform>``: signed by the platform, no session, so no CSRF token;
``GET`` for Messenger's verification), the staff page (/messaging: counts only, nobody listed) and its API."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse
from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.config import Settings
from loa.errors import UserError
from loa.messaging import service
from loa.messaging.config import Setup
from loa.web.deps import BODY, DB, current_user, get_settings, render, require

router = APIRouter()
api = APIRouter(tags=["messaging"])


@router.post("/hooks/{platform}")
def webhook(
    platform: str, request: Request, body: bytes = BODY, db: Session = DB, settings: Settings = Depends(get_settings)
):
    """A platform delivers messages: 401 and nothing stored unless signed with this instance's secret. The
    answer may carry a call the platform makes on receiving it (Telegram: acknowledge a button press)."""
    try:
        result = service.receive(db, Setup.of(settings), platform, request.headers, body)
    except UserError as exc:  # raised before anything is written
        return JSONResponse({"detail": exc.message_en}, status_code=exc.status)
    return {"ok": True, **result}


@router.get("/hooks/{platform}")
def handshake(platform: str, request: Request, settings: Settings = Depends(get_settings)):
    q = request.query_params
    try:
        challenge = service.verify_handshake(
            Setup.of(settings),
            platform,
            q.get("hub.mode", ""),
            q.get("hub.verify_token", ""),
            q.get("hub.challenge", ""),
        )
    except UserError as exc:
        return JSONResponse({"detail": exc.message_en}, status_code=exc.status)
    return PlainTextResponse(challenge)


@router.get("/messaging")
def index(
    request: Request, db: Session = DB, settings: Settings = Depends(get_settings), user: User = Depends(current_user)
):
    setup = Setup.of(settings)
    return render(
        request,
        "messaging/index.html",
        {
            "stats": service.stats(db),
            "today": service.today_stats(db),
            "platforms": service.platforms(setup.conf),
            "base": setup.conf.messaging_public_url.rstrip("/") or str(request.base_url).rstrip("/"),
            "retention_days": setup.conf.messaging_retention_days,
            "can_resend": user.has_role("coordinator"),
        },
    )


@router.post("/messaging/resend")
def resend(db: Session = DB, settings: Settings = Depends(get_settings), user: User = Depends(require("coordinator"))):
    service.resend_failed(db, Setup.of(settings))
    return RedirectResponse("/messaging", status_code=303)


@api.get("/messaging/stats")
def api_stats(db: Session = DB, user: User = Depends(current_user)):
    """Counts per platform (all time and today) and subscriptions per district."""
    return {"all": service.stats(db), "today": service.today_stats(db)}
