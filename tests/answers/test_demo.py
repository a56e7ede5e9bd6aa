from loa.answers import demo, hooks, service


def test_demo_seed_loads_the_starter_faq_and_groups_questions(db, settings):
    demo.seed(db, None)
    assert len(service.list_entries(db, "approved")) >= 60
    groups = service.list_groups(db, "open")
    assert sum(g.count for g in groups) == len(demo.UNANSWERED)
    assert len(groups) < len(demo.UNANSWERED)  # similar questions share a group
    assert all("0912" not in q.text for g in groups for q in g.questions)
    panel = hooks.dashboard_panel(db, None)
    assert panel["groups"] == len(groups) and panel["questions"] == len(demo.UNANSWERED)
