"""A listening topic appears once in the home page's alert list (issue 16, item 6)."""

from loa.listening.models import Alert, DailyCount
from tests.listening.conftest import days_ago


def test_a_topic_alerted_on_several_days_is_listed_once(db, login):
    for n in (1, 2, 3):
        db.add(Alert(topic=14, day=days_ago(n).date(), count=9 + n, baseline=1.0, p_value=1e-6, evidence={}))
    db.add(Alert(topic=23, day=days_ago(2).date(), count=7, baseline=1.0, p_value=1e-5, evidence={}))
    db.add(DailyCount(day=days_ago(1).date(), topic=0, items=20, reach=20, questions=0, concerns=0, negative=0))
    db.commit()
    html = login("viewer").get("/").text
    alerts = html.split('data-testid="listening-panel-alerts"')[1].split("</ul>")[0]
    assert alerts.count("<li>") == 2 and "10 tin" in alerts  # topic 14 once, by its latest day
