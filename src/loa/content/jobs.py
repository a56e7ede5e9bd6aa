"""The content hub's background work: due schedule slots go out on their own."""

from __future__ import annotations

from loa.config import Settings
from loa.content import service
from loa.db import session_scope
from loa.jobs.registry import periodic


@periodic("content.publish_due", "every 1m", "Đăng các lượt đến giờ", "Publish due slots")
def publish_due(settings: Settings) -> str:
    """Publish the slots whose time has come; mark those that cannot go out as missed, with the reason."""
    with session_scope(settings.db_url, source="job") as db:
        return service.publish_due(db).summary()
