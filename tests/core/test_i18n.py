from loa import i18n


def test_every_marked_text_has_an_english_translation():
    gaps = i18n.missing("en")
    assert not gaps, f"untranslated texts (python -m loa.i18n lists them): {gaps}"


def test_english_switch(client, login):
    c = login("coordinator")
    assert "Bảng điều hành" in c.get("/").text
    c.get("/lang/en")
    page = c.get("/")
    assert "Dashboard" in page.text and 'lang="en"' in page.text
    c.get("/lang/vi")
    assert "Bảng điều hành" in c.get("/").text
    assert c.get("/lang/fr").status_code == 404


def test_errors_are_in_vietnamese(client):
    page = client.get("/khong-co-trang-nay")
    assert page.status_code == 404 and "Không tìm thấy" in page.text
    assert client.get("/api/v1/khong-co").json()["detail"] == "Không tìm thấy trang hoặc dữ liệu yêu cầu."


def test_one_english_text_per_vietnamese_text():
    """All catalogues merge into one table, so a Vietnamese text must not get two different translations."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    seen: dict[str, dict[str, str]] = {}
    for po in sorted(Path(i18n.ROOT).glob("*/locale/en.po")):
        with po.open("rb") as fh:
            for msg in read_po(fh, locale="en"):
                if msg.id and msg.string:
                    seen.setdefault(msg.id, {})[msg.string] = po.parent.parent.name
    assert {k: v for k, v in seen.items() if len(v) > 1} == {}
