"""Integration: the whole demo seeds into a fresh database, and every parameterless page and API listing answers
each role without a server error."""

import importlib
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from loa import demo, i18n, modules
from loa.web import deps
from tests.conftest import ARTIFACTS, browser_login, login_client


@pytest.fixture
def demo_app(app, demo_province):
    assert demo_province and len(demo_province) == len(demo.USERS)
    return app


def test_every_page_answers_every_role(demo_app):
    paths = sorted({p for p in demo_app.state.get_paths if "{" not in p} - {"/logout"})
    assert len(paths) > 20
    failures = []
    for username in ("quantri", "dieuphoi", "soyte", "bientap", "duyet", "xem"):
        c = login_client(demo_app, username, demo.DEMO_PASSWORD)
        for path in paths:
            r = c.get(path, follow_redirects=False)
            if r.status_code >= 500:
                failures.append((username, path, r.status_code))
        c.close()
    assert failures == []


def test_demo_seed_is_idempotent(demo_app, settings, db):
    assert demo.seed(db, settings) is None


def test_reports_page_gathers_the_modules_reports(demo_app):
    c = login_client(demo_app, "dieuphoi", demo.DEMO_PASSWORD)
    page = c.get("/reports")
    assert page.status_code == 200
    assert "Báo cáo kết quả thực hiện kế hoạch" in page.text and "/content/balance" in page.text
    assert "/bulletins" in page.text


# ---- words officials use: every page in both languages, and a browser walk --------------------------------


class _Visible(HTMLParser):
    """The text nodes a reader sees: not scripts, styles, code, preformatted or typed text, nor anything marked as
    written in another language (``lang="vi"`` on a Vietnamese document shown in the English interface)."""

    SKIP = {"script", "style", "code", "pre", "textarea", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, lang: str):
        super().__init__()
        self.lang, self.stack, self.nodes = lang, [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        other = dict(attrs).get("lang") not in (None, self.lang)
        self.stack.append((tag, tag in self.SKIP or other or bool(self.stack and self.stack[-1][1])))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip() and not (self.stack and self.stack[-1][1]):
            self.nodes.append(data.strip())


def _enum_values() -> set[str]:
    """Every stored code of a fixed list (statuses, kinds, roles…): the upper-case tuples and dicts of the models."""
    values = set()
    for name in modules.domains() + modules.CORE:
        try:
            models = importlib.import_module(f"loa.{name}.models")
        except ModuleNotFoundError:
            continue
        for attr, value in vars(models).items():
            if attr.isupper() and isinstance(value, (dict, tuple, frozenset, set)):
                values |= {v for v in value if isinstance(v, str) and re.fullmatch(r"[a-z][a-z_]+", v)}
    return values


SNAKE = re.compile(r"(?<![\w./:@#-])[a-z]+(?:_[a-z0-9]+)+(?![\w/.-])")
DECIMAL_COMMA = re.compile(r"(?<![\d,])\d+,\d{1,2}(?![\d,])")


def word_problems(html: str, lang: str, enums: set[str]) -> list[str]:
    """What a page shows that an official should not see: a raw code, or in English a Vietnamese decimal comma."""
    parser = _Visible(lang)
    parser.feed(html)
    problems = []
    for node in parser.nodes:
        problems += [f"raw code {m!r}" for m in SNAKE.findall(node)]
        if lang == "vi" and node in enums:
            problems.append(f"raw code {node!r}")
        if lang == "en":
            problems += [f"decimal comma {m!r} in {node[:60]!r}" for m in DECIMAL_COMMA.findall(node)]
    return problems


@pytest.fixture
def untranslated(monkeypatch):
    """The interface texts a page asked for in English that no catalogue translates."""
    missed = set()
    real = deps.translator

    def spying(language):
        gettext, table = real(language), i18n.catalogue(language)

        def spy(text, **values):
            if language == "en" and text not in table and re.search(r"[^\x00-\x7f]", text or ""):
                missed.add(text)
            return gettext(text, **values)

        return spy

    monkeypatch.setattr(deps, "translator", spying)
    return missed


def _route_of(app):
    patterns = [
        (p, re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", p) + "$"))
        for p in sorted(set(app.state.get_paths), key=lambda p: p.count("{"))
    ]
    return lambda path: next((p for p, rx in patterns if rx.match(path)), path)


NOT_PAGES = (".pdf", ".docx", ".csv", ".xlsx", ".zip", ".mp3", ".ogg", ".wav", ".ics", ".xml", ".png", ".svg", ".json")


def crawl(client, app, start: list[str]):
    """Every page reachable from ``start`` by links, one per route (the first link to it): (path, response)."""
    route, seen, queue = _route_of(app), set(), list(start)
    while queue:
        path = queue.pop(0)
        if route(path.split("?")[0]) in seen:
            continue
        seen.add(route(path.split("?")[0]))
        r = client.get(path, follow_redirects=False)
        yield path, r
        if "text/html" in r.headers.get("content-type", ""):
            for href in re.findall(r'href="(/[^"#]*)"', r.text):
                href = href.replace("&amp;", "&")
                if href.startswith(("/static/", "/api/", "/lang/")) or href.split("?")[0].endswith(NOT_PAGES):
                    continue
                queue.append(href)


def test_every_page_in_both_languages_speaks_the_officials_words(demo_app, untranslated):
    """As a citizen and as the administrator (who sees every page), in Vietnamese and in English: no server error,
    no raw code (not_started, answers, done…), no untranslated interface text, no "122,2%" in English."""
    enums = _enum_values()
    start = sorted({p for p in demo_app.state.get_paths if "{" not in p and not p.startswith("/api/")} - {"/logout"})
    problems, pages = [], 0
    for username in (None, "quantri"):
        c = login_client(demo_app, username, demo.DEMO_PASSWORD) if username else TestClient(demo_app)
        for lang in ("vi", "en"):
            c.get(f"/lang/{lang}")
            for path, r in crawl(c, demo_app, ["/"] + start):
                pages += 1
                if r.status_code >= 500:
                    problems.append((username, lang, path, r.status_code))
                elif "text/html" in r.headers.get("content-type", ""):
                    problems += [(username, lang, path, p) for p in word_problems(r.text, lang, enums)]
        c.close()
    assert pages > 100
    assert problems == [], "\n".join(map(str, problems))
    assert untranslated == set(), f"untranslated interface texts: {sorted(untranslated)}"


def _watch(page, seen: list):
    """Record every asset or page answered 404, and every server error, while the browser walks."""
    page.on("response", lambda r: seen.append(f"{r.status} {r.url}") if r.status == 404 or r.status >= 500 else None)


def _check_page(page, lang: str, enums: set[str], problems: list):
    problems += [f"{page.url}: {p}" for p in word_problems(page.content(), lang, enums)]


@pytest.mark.browser
def test_walk_the_demo_as_a_citizen_on_a_phone_and_as_each_role(demo_app, live_server, _browser, untranslated):
    """A citizen on a phone reads the public site (one navigation, nothing wider than the screen, htmx answers a
    question in place); each role logs in and opens every entry of its navigation. Nothing answers 404 or a server
    error, and no page shows a raw code or an untranslated text."""
    enums, failed, problems = _enum_values(), [], []
    phone = _browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    _watch(page, failed)
    page.goto(live_server + "/")
    nav = page.locator("[data-testid=public-nav] a")
    links = [nav.nth(i).get_attribute("href") for i in range(nav.count())]
    assert links == ["/", "/tin-tuc", "/hoi-dap", "/kiem-chung"]
    for link in links:
        page.locator(f"[data-testid=public-nav] a[href='{link}']").click()
        page.wait_for_url(f"**{link}")
        assert page.locator("[data-testid=public-nav] a").count() == 4
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{link} is too wide"
        _check_page(page, "vi", enums, problems)
    page.fill("input[name=q]", "toi")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=no-results]")
    page.goto(live_server + "/hoi-dap")
    page.fill("#question", "F0 cách ly tại nhà cần chuẩn bị gì?")
    page.click("[data-testid=ask]")
    page.wait_for_selector("[data-testid=answer]")
    assert page.url.endswith("/hoi-dap")  # answered in place by htmx, no page load
    page.locator("[data-testid=suggestions] a").first.click()
    page.wait_for_url("**/hoi-dap/cau-hoi/*")
    _check_page(page, "vi", enums, problems)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "walk-citizen-phone.png"), full_page=True)
    phone.close()

    for username, _name, _roles, _agency in demo.USERS:
        desk = _browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        page = desk.new_page()
        _watch(page, failed)
        browser_login(page, live_server, username, demo.DEMO_PASSWORD)
        entries = page.locator("nav.modules a")
        for href in [entries.nth(i).get_attribute("href") for i in range(entries.count())]:
            page.goto(live_server + href)
            _check_page(page, "vi", enums, problems)
        desk.close()
    assert failed == [], failed
    assert problems == [], "\n".join(problems)
    assert untranslated == set(), f"untranslated interface texts: {sorted(untranslated)}"
