"""Content to publish on channels, made through the content module's service."""

from datetime import datetime, time

import pytest

from loa.content import service as content
from loa.formats import LOCAL
from tests.conftest import state


@state()
def channels(db, people):
    made = {
        "portal": content.create_channel(db, "Cổng thông tin điện tử tỉnh", "portal", slug="cong-thong-tin"),
        "loudspeaker": content.create_channel(db, "Loa truyền thanh cơ sở", "loudspeaker", slug="loa-xa"),
        "social": content.create_channel(db, "Trang Facebook Sở Y tế", "social", slug="facebook-syt"),
    }
    db.commit()
    return made


def publish_item(
    db, people, channels, title, body, channel="portal", at=None, kind="article", language="vi", master=None
):
    """An item written by the editor, approved by the health reviewer and published (or, with ``at``, scheduled)
    on that channel."""
    editor, reviewer = people["editor"], people["reviewer"]
    if master is not None:
        item = content.create_variant(db, master, language=language, title=title, body=body, author=editor)
    else:
        item = content.create_item(
            db,
            kind=kind,
            title=title,
            body=body,
            author=editor,
            channels=[channels[channel]],
            language=language,
            states_health_facts=True,
            source="Sở Y tế Trà Vinh",
            themes=["Tiêm chủng"],
        )
    content.submit(db, item, editor)
    content.approve(db, item, reviewer)
    if at is not None:
        content.schedule(db, item, editor, channels[channel], at)
    else:
        content.publish(db, item, editor)
    db.commit()
    return item


@pytest.fixture
def publish(db, people, channels):
    """``publish(title, body, channel="portal", at=None)`` → :func:`publish_item`."""
    return lambda title, body, **kw: publish_item(db, people, channels, title, body, **kw)


def local_at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL)
