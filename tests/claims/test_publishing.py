import json
import re

import feedparser
import pytest

from loa.claims import service

REQUIRED = ("@context", "@type", "url", "claimReviewed", "datePublished", "author", "reviewRating", "itemReviewed")


def jsonld(html: str) -> dict:
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m, "page has no JSON-LD"
    return json.loads(m.group(1))


def validate_claim_review(data: dict, page_url: str) -> None:
    """The fields search engines and fact-check aggregators require of a ClaimReview."""
    for key in REQUIRED:
        assert data.get(key), key
    assert data["@context"] == "https://schema.org" and data["@type"] == "ClaimReview"
    assert data["url"] == page_url
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["datePublished"])
    assert data["author"]["@type"] == "Organization" and data["author"]["name"]
    rating = data["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"]
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    item = data["itemReviewed"]
    assert item["@type"] == "Claim" and item["appearance"]
    assert all(a["@type"] == "CreativeWork" for a in item["appearance"])


@pytest.fixture
def published(db, people, starter):
    claim = starter["vac-xin-vo-sinh"]
    service.check_text(
        db,
        "Tiêm vắc xin covid xong là bị vô sinh, chị em cẩn thận. Gọi 0912345678 để biết thêm",
        reach=12,
        origin="listening",
    )
    service.transition(db, claim, "published", people["editor"])
    service.transition(db, starter["xong-hoi-la"], "published", people["reviewer"])
    db.commit()
    return claim


def test_public_page_carries_a_valid_claimreview(client, published):
    page = client.get(f"/kiem-chung/{published.key}")
    assert page.status_code == 200
    assert "Vắc xin COVID-19 gây vô sinh" in page.text and "Sai" in page.text and "cdc.gov" in page.text
    data = jsonld(page.text)
    validate_claim_review(data, f"http://testserver/kiem-chung/{published.key}")
    assert data["claimReviewed"] == published.text
    assert data["reviewRating"]["alternateName"] == "Sai" and data["reviewRating"]["ratingValue"] == 1
    assert "Tiêm vắc xin covid" in data["itemReviewed"]["appearance"][0]["text"]
    assert "0912345678" not in page.text  # appearances are scrubbed
    assert data["author"]["name"] == "Sở Y tế Trà Vinh"
    assert any("cdc.gov" in c["url"] for c in data["citation"])
    api = client.get(f"/api/v1/claims/{published.id}/claimreview").json()
    validate_claim_review(api, f"http://testserver/kiem-chung/{published.key}")


def test_unpublished_claims_are_not_public(client, starter, db):
    assert client.get(f"/kiem-chung/{starter['an-toi'].key}").status_code == 404
    assert "Ăn tỏi" not in client.get("/kiem-chung").text
    assert client.get(f"/api/v1/claims/{starter['an-toi'].id}/claimreview").status_code == 404


def test_public_index_search_and_rss(client, published):
    index = client.get("/kiem-chung")
    assert "Vắc xin COVID-19 gây vô sinh" in index.text and "Xông hơi" in index.text
    found = client.get("/kiem-chung", params={"q": "tiem vac xin bi vo sinh"}).text
    assert "Vắc xin COVID-19 gây vô sinh" in found and "Xông hơi" not in found
    assert 'data-testid="no-results"' in client.get("/kiem-chung", params={"q": "bóng đá"}).text
    feed = client.get("/kiem-chung/rss.xml")
    assert feed.headers["content-type"].startswith("application/rss+xml")
    parsed = feedparser.parse(feed.content)
    assert not parsed.bozo and parsed.feed.language == "vi"
    titles = [e.title for e in parsed.entries]
    assert len(titles) == 2 and all(t.startswith("[Sai]") for t in titles)
    entry = next(e for e in parsed.entries if "vô sinh" in e.title)
    assert entry.link == f"http://testserver/kiem-chung/{published.key}" and entry.published_parsed


def test_spoken_and_social_versions_are_drafted_and_editable(login, published, db):
    spoken = published.spoken_text
    assert "vô sinh" in spoken and "Sai" not in spoken.split(".")[0]
    assert "http" not in spoken and "(" not in spoken and "Cô-vít mười chín" in spoken
    assert len(spoken.split()) < 120
    social = published.social_text
    assert social.startswith("[SAI]") and "Nguồn:" in social and "#KiemChung" in social
    c = login("editor")
    r = c.patch(f"/api/v1/claims/{published.id}", json={"spoken_text": "Bà con lưu ý: vắc xin không gây vô sinh."})
    assert r.status_code == 200 and r.json()["spoken_text"] == "Bà con lưu ý: vắc xin không gây vô sinh."
    page = c.get(f"/claims/{published.id}").text
    assert "Bà con lưu ý: vắc xin không gây vô sinh." in page
    assert c.patch(f"/api/v1/claims/{published.id}", json={"verdict": "true"}).status_code == 409


def test_public_page_fits_a_phone(live_server, page, published):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server}/kiem-chung/{published.key}")
    assert page.locator("[data-testid=verdict]").inner_text() == "Sai"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    data = json.loads(page.locator("script[type='application/ld+json']").text_content())
    validate_claim_review(data, f"{live_server}/kiem-chung/{published.key}")


HOSTILE = "<!--<script <img src=x onerror=alert(1)> & \u2028 </script>"


def test_hostile_claim_text_neither_blanks_the_public_page_nor_breaks_its_claimreview(live_server, page, db, published):
    published.text = f"Tin đồn {HOSTILE} hết"
    db.commit()
    page.goto(f"{live_server}/kiem-chung/{published.key}")
    shown = page.get_by_test_id("claim-text").inner_text()
    assert shown.startswith("Tin đồn <!--<script <img src=x onerror=alert(1)>") and shown.endswith("hết")
    assert page.get_by_test_id("verdict").inner_text() == "Sai"
    assert page.locator("img[src=x]").count() == 0
    data = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert data["claimReviewed"] == published.text
    validate_claim_review(data, f"{live_server}/kiem-chung/{published.key}")
