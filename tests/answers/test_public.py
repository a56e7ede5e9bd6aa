"""The citizens' question page: suggestions are links to the approved answer, dates are written 07/12/2026."""

import re

import pytest

from loa.answers import service, transfer

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture
def starter(db):
    result = transfer.import_starter(db)
    db.commit()
    return result


def visible(html: str) -> str:
    """The text a reader sees (tags and attribute values left out)."""
    return re.sub(r"<[^>]+>", " ", html)


def test_suggestions_link_to_the_entry_and_dates_are_vietnamese(client, db, starter):
    page = client.post("/hoi-dap", data={"question": "F0 cách ly tại nhà"})
    assert page.status_code == 200
    assert not ISO_DAY.search(visible(page.text))
    assert re.search(r'data-testid="reviewed"[^>]*>\d{2}/\d{2}/\d{4}<', page.text)
    suggestions = page.text.split('data-testid="suggestions"')[1].split("</ul>")[0]
    links = re.findall(r'href="(/hoi-dap/cau-hoi/(\d+))"', suggestions)
    assert len(links) >= 2
    for url, entry_id in links:
        entry = service.get_entry(db, int(entry_id))
        shown = client.get(url)
        assert shown.status_code == 200 and entry.question in shown.text and 'data-testid="public-nav"' in shown.text
        assert not ISO_DAY.search(visible(shown.text)) and re.search(r"\d{2}/\d{2}/\d{4}", visible(shown.text))


def test_only_approved_entries_are_shown(client, db, starter):
    entry = service.list_entries(db, "approved")[0]
    assert client.get(f"/hoi-dap/cau-hoi/{entry.id}").status_code == 200
    service.retire(db, entry)
    db.commit()
    for url in (f"/hoi-dap/cau-hoi/{entry.id}", "/hoi-dap/cau-hoi/999999"):
        r = client.get(url)
        assert r.status_code == 404 and "Không tìm thấy câu trả lời này." in r.text
    assert client.get("/hoi-dap/cau-hoi/abc").status_code == 422
