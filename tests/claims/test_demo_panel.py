from loa.claims import demo, matching, service
from loa.demo import DemoContext
from loa.search.rank import NAMES


def test_shipped_ranker_fits_the_search_features():
    """The claims ranker is fitted on loa.search's features; when they change, refit it:
    .venv/bin/python bench/claims_matching.py --train"""
    ranker = matching.ranker(semantic=False)
    assert ranker is not None and len(ranker.weights) == len(NAMES)


def test_demo_seed_and_dashboard_panel(db, people, settings, login):
    ctx = DemoContext(
        settings=settings,
        province=people["agencies"]["health"].province,
        users={r: people[r] for r in ("admin", "coordinator", "agency_member", "editor", "reviewer", "viewer")},
    )
    demo.seed(db, ctx)
    db.commit()
    assert len(service.published(db)) == len(demo.PUBLISH)
    assert service.triage_count(db) >= 3
    assert service.recent_matches(db)
    fertility = next(c for c in service.published(db) if c.key == "vac-xin-vo-sinh")
    assert fertility.times_seen == 1 and fertility.reach == 320  # the denial in SEEN is not counted
    home = login("viewer").get("/").text
    assert "nội dung chờ phân loại" in home and "bài kiểm chứng đã đăng" in home
    assert login("viewer").get("/claims").status_code == 200
