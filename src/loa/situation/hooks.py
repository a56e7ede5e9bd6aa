"""The situation room on the leadership's dashboard, and the periodic report on the reports page."""

from __future__ import annotations

from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.hooks import impl
from loa.i18n import N_

SEE = ("leader", "coordinator")


@impl
def dashboard_panel(db: Session, user: User) -> dict | None:
    """A link to the situation room, first on the dashboard of those who may open it."""
    return {"template": "situation/_panel.html", "order": 1} if user.has_role(*SEE) else None


@impl
def reports_offered(db: Session, user: User) -> list[dict]:
    """The periodic report for a week, a month or any period."""
    if not user.has_role(*SEE):
        return []
    return [
        {
            "title": N_("Báo cáo công tác thông tin, tuyên truyền phòng, chống dịch"),
            "url": "/dieu-hanh/bao-cao",
            "note": "",
        },
        {"title": N_("Phòng điều hành: số liệu các phân hệ theo kỳ"), "url": "/dieu-hanh", "note": ""},
    ]
