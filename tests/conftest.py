"""Shared fixtures: a fresh migrated database per test (SQLite, or PostgreSQL when LOA_TEST_BACKEND=postgresql),
settings in a temporary data directory, the web app, logged-in clients, and a real browser.

Run on PostgreSQL: LOA_TEST_BACKEND=postgresql LOA_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test pytest
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text

from loa.auth import service as auth
from loa.config import Settings
from loa.db import Base, dispose_engines, session_factory, upgrade
from loa.modules import load_models

BACKEND = os.environ.get("LOA_TEST_BACKEND", "sqlite")
PASSWORD = "test-password-1"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ROLES = ["admin", "coordinator", "agency_member", "editor", "reviewer", "viewer"]


@pytest.fixture(scope="session")
def _database(tmp_path_factory):
    """A migrated database for this test run: a SQLite template file, or a fresh PostgreSQL database."""
    load_models()
    if BACKEND == "postgresql":
        base_url = os.environ.get("LOA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
        name = f"loa_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = base_url.rsplit("/", 1)[0] + "/" + name
        upgrade(url)
        yield url
        dispose_engines()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        template = tmp_path_factory.mktemp("template") / "loa.sqlite3"
        upgrade(f"sqlite:///{template}")
        dispose_engines()
        yield template


@pytest.fixture
def db_url(_database, tmp_path):
    """This test's own empty database."""
    if BACKEND == "postgresql":
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        engine = create_engine(_database)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        yield _database
    else:
        target = tmp_path / "db" / "loa.sqlite3"
        target.parent.mkdir()
        shutil.copy(_database, target)
        yield f"sqlite:///{target}"
    dispose_engines()


@pytest.fixture
def settings(db_url, tmp_path) -> Settings:
    """Jobs run as they are submitted (``broker_url="immediate"``); tests of the real queue and workers set
    their own."""
    return Settings(data_dir=tmp_path / "data", database_url=db_url, secret_key="test-secret-key",
                    argon2_time_cost=1, argon2_memory_kib=8192, province="Trà Vinh",
                    broker_url="immediate").prepare()


@pytest.fixture
def db(settings):
    """A session on this test's database; call ``db.commit()`` to make data visible to the app."""
    session = session_factory(settings.db_url)()
    session.info.update(source="test", actor_name="test")
    yield session
    session.close()


@pytest.fixture
def people(db, settings):
    """A province with two agencies (one health) and one user per role, named after the role.
    Everyone's password is ``PASSWORD``; ``people["agency_member"]`` belongs to the health agency."""
    province = auth.get_or_create_province(db, settings.province, "84")
    health = auth.create_agency(db, province, "Sở Y tế", short_name="SYT", kind="health", is_health=True)
    other = auth.create_agency(db, province, "Báo Trà Vinh", short_name="BTV", kind="media")
    users = {}
    for role in ROLES:
        agency = health if role in ("agency_member", "reviewer") else other
        users[role] = auth.create_user(db, settings, role.replace("_", "-"), PASSWORD, full_name=role.title(),
                                       roles=[role], agency=agency)
    db.commit()
    users["agencies"] = {"health": health, "other": other}
    return users


@pytest.fixture
def app(settings):
    from loa.web.app import create_app

    return create_app(settings, migrate=False)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "page has no CSRF token"
    return m.group(1)


def login_client(app, username: str, password: str = PASSWORD) -> TestClient:
    """A TestClient logged in as ``username``; ``c.csrf`` holds the session's CSRF token and
    ``c.headers`` sends it on every request (as HTMX does)."""
    c = TestClient(app)
    page = c.get("/login")
    r = c.post("/login", data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    c.csrf = csrf_of(c.get("/account").text)
    c.headers["X-CSRF-Token"] = c.csrf
    return c


@pytest.fixture
def login(app, people):
    """``login("coordinator")`` → a logged-in client for that role's user."""
    clients = []

    def make(role: str) -> TestClient:
        c = login_client(app, people[role].username)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


# ---- a real browser -----------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live_server(app):
    """The app served by uvicorn on a free loopback port, for the browser."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        assert time.time() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def _browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (the .ci/run script does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, request):
    """A fresh browser page; a screenshot of its last state is kept in test-artifacts/."""
    context = _browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()


def browser_login(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/(?!login).*"))


def audit_count(settings) -> int:
    """Rows in the audit log: every write leaves one, so an unchanged count means nothing was written."""
    engine = create_engine(settings.db_url)
    with engine.connect() as conn:
        n = conn.execute(text("SELECT COUNT(*) FROM audit_events")).scalar()
    engine.dispose()
    return n


def assert_permission(settings, before: int, response, allowed: bool, ok=(200, 201, 204, 303)) -> None:
    """An allowed request succeeds and writes; a refused one gets 403 and leaves the audit count at ``before``."""
    if allowed:
        assert response.status_code in ok, response.text
        assert audit_count(settings) > before
    else:
        assert response.status_code == 403, response.text
        assert audit_count(settings) == before


def run_cli(args: list[str], env: dict, input: str | None = None):
    """Run ``loa ARGS`` in a subprocess with ``env`` (see ``cli_env``)."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "loa.cli", *args], env=env, input=input, text=True,
                          capture_output=True, timeout=300)


@pytest.fixture
def cli_env(settings) -> dict:
    """Environment for ``run_cli`` pointing at this test's database and data directory."""
    return dict(os.environ, LOA_DATA_DIR=str(settings.data_dir), LOA_DATABASE_URL=settings.db_url,
                LOA_ARGON2_TIME_COST="1", LOA_ARGON2_MEMORY_KIB="8192", LOA_PROVINCE="Trà Vinh")


def job_of(c, r) -> dict:
    """The job a form's 303 or the API's 202 points at, as ``GET /api/v1/jobs/{id}`` shows it (in the tests, jobs
    run as they are submitted, so it has ended)."""
    if r.status_code == 303:
        assert r.headers["location"].startswith("/jobs/"), r.headers["location"]
        return c.get("/api/v1" + r.headers["location"]).json()
    assert r.status_code == 202, r.text
    assert set(r.json()["job"]) == {"id", "status", "url"}
    return c.get(r.json()["job"]["url"]).json()


def count(db, model) -> int:
    """Rows of ``model`` as the database has them now."""
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))
