"""The content demo: items in every state over two weeks, a Khmer placeholder, and balance warnings."""

from datetime import datetime

from loa.content import demo, service
from loa.demo import DemoContext
from loa.formats import LOCAL


def test_demo_seed(db, people, settings):
    ctx = DemoContext(
        settings=settings,
        province=people["editor"].agency.province,
        users={role: people[role] for role in ("editor", "reviewer", "coordinator")},
    )
    demo.seed(db, ctx)
    db.commit()
    states = {i.state for i in service.list_items(db)}
    assert states == {"draft", "review", "approved", "scheduled", "published", "archived"}
    assert any(i.language == "km" and i.master is not None for i in service.list_items(db))
    assert (
        len(
            {
                s.channel.kind
                for s in service.schedules_between(
                    db, datetime(2000, 1, 1, tzinfo=LOCAL), datetime(2100, 1, 1, tzinfo=LOCAL)
                )
            }
        )
        >= 5
    )
    rows = service.balance(db, datetime.now(LOCAL).date())
    loudspeaker = next(r for r in rows if r.channel.kind == "loudspeaker")
    assert loudspeaker.alarming > loudspeaker.hopeful and loudspeaker.warnings
    assert service.waiting_for_review(db)
