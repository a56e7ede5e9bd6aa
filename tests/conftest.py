"""Shared fixtures: a fresh migrated database per test (SQLite, or PostgreSQL when LOA_TEST_BACKEND=postgresql),
settings in a temporary data directory, the web app, logged-in clients, and a real browser.

What many tests start from (the people of every role, the demo province, a module's permission "world") is a
``state``: built once per test process and copied into each test's database. The PostgreSQL run leaves out the
tests that use no database (the SQLite run ran them), and commands run in this process (``run_cli``) but for two
tests of the installed ``loa`` command.

Run on PostgreSQL:
    LOA_TEST_BACKEND=postgresql LOA_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test pytest
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from inspect import Parameter, Signature, signature
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, inspect, make_url, select, text

from loa import demo
from loa.auth import service as auth
from loa.config import Settings
from loa.db import Base, dispose_engines, session_factory, upgrade
from loa.modules import load_models
from tests.mailserver import MailServer

BACKEND = os.environ.get("LOA_TEST_BACKEND", "sqlite")
PASSWORD = "test-password-1"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ROLES = ["admin", "coordinator", "agency_member", "editor", "reviewer", "viewer"]


BACKEND_FIXTURES = {"_database", "fresh_postgres"}  # every database fixture here builds on _database


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "backend: uses the database backend under test although none of its fixtures "
        "does (it asks for fresh_postgres only on PostgreSQL)",
    )


def pytest_collection_modifyitems(config, items):
    """On the PostgreSQL run, leave out the tests that use no database of the backend: none of their fixtures is
    one of BACKEND_FIXTURES and they have no ``backend`` mark. They ran the same on the SQLite run."""
    if BACKEND != "postgresql":
        return
    free = [
        i
        for i in items
        if not set(getattr(i, "fixturenames", ())) & BACKEND_FIXTURES and i.get_closest_marker("backend") is None
    ]
    if free:
        config.hook.pytest_deselected(items=free)
        items[:] = [i for i in items if i not in set(free)]


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
        _Postgres.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        template = tmp_path_factory.mktemp("template") / "loa.sqlite3"
        upgrade(f"sqlite:///{template}")
        dispose_engines()
        yield template


class _Postgres:
    """The test database of this process, emptied and filled through one psycopg connection: deleting the rows of
    the tables that have some (foreign keys and triggers off) and restarting the sequences that were used leaves it
    as ``TRUNCATE … RESTART IDENTITY`` of every table would, in a tenth of the time."""

    _conn = None

    @classmethod
    def connection(cls, url: str):
        import psycopg

        if cls._conn is None or cls._conn.closed:
            cls._conn = psycopg.connect(
                make_url(url).set(drivername="postgresql").render_as_string(False), autocommit=True
            )
        return cls._conn

    @classmethod
    def close(cls) -> None:
        if cls._conn is not None:
            cls._conn.close()
            cls._conn = None

    @staticmethod
    def _full(cur) -> list[str]:
        """The tables that have rows."""
        tables = [t.name for t in Base.metadata.sorted_tables]
        cur.execute(" UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT FROM \"{t}\")" for t in tables))
        return [row[0] for row in cur.fetchall()]

    @classmethod
    def _empty(cls, cur) -> None:
        full = cls._full(cur)
        cur.execute("SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences WHERE last_value IS NOT NULL")
        used = [row[0] for row in cur.fetchall()]
        cur.execute("SET LOCAL session_replication_role = replica")
        if full or used:
            cur.execute("; ".join([f'DELETE FROM "{t}"' for t in full] + [f"ALTER SEQUENCE {s} RESTART" for s in used]))

    @classmethod
    def reset(cls, url: str) -> None:
        with cls.connection(url).transaction(), cls._conn.cursor() as cur:
            cls._empty(cur)

    @classmethod
    def take(cls, url: str) -> tuple[dict[str, bytes], dict[str, int]]:
        """The rows of every table that has some, and the values of the sequences that were used."""
        rows = {}
        with cls.connection(url).transaction(), cls._conn.cursor() as cur:
            for table in cls._full(cur):
                with cur.copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as copy:
                    rows[table] = b"".join(bytes(block) for block in copy)
            cur.execute(
                "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences "
                "WHERE last_value IS NOT NULL"
            )
            sequences = dict(cur.fetchall())
        return rows, sequences

    @classmethod
    def give(cls, url: str, rows: dict[str, bytes], sequences: dict[str, int]) -> None:
        """Empty the database, then put back what :meth:`take` took."""
        with cls.connection(url).transaction(), cls._conn.cursor() as cur:
            cls._empty(cur)
            for table, data in rows.items():
                with cur.copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as copy:
                    copy.write(data)
            for sequence, value in sequences.items():
                cur.execute("SELECT setval(%s, %s)", (sequence, value))


def settings_for(data_dir: Path, db_url: str) -> Settings:
    """Jobs run as they are submitted (``broker_url="immediate"``); tests of the real queue and workers set
    their own."""
    return Settings(
        data_dir=data_dir,
        database_url=db_url,
        secret_key="test-secret-key",
        argon2_time_cost=1,
        argon2_memory_kib=8192,
        province="Trà Vinh",
        broker_url="immediate",
    ).prepare()


# ---- database states built once per test process -----------------------------------------------------


@dataclass
class _Ref:
    """An ORM object of a state's value, read again in each test's session."""

    model: type
    key: tuple


def _refs(value):
    if isinstance(value, Base):
        return _Ref(type(value), inspect(value).identity)
    if isinstance(value, dict):
        return {k: _refs(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_refs(v) for v in value)
    return value


def _read(value, db):
    if isinstance(value, _Ref):
        return db.get(value.model, value.key)
    if isinstance(value, dict):
        return {k: _read(v, db) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_read(v, db) for v in value)
    return value


@dataclass
class _State:
    name: str  # the fixture's
    build: Callable
    base: str | None  # the key of the state it is built on
    value: object = None
    taken: object = None  # SQLite: the database file; PostgreSQL: (rows, sequences)
    data: Path | None = None  # the data directory, when the state has files in it


STATES: dict[str, _State] = {}  # by key: "module:fixture name"


def state(base: str | None = "people"):
    """Turn ``build(db, settings, <base>…)`` into a fixture whose database state is built once per test process,
    on the state of the fixture named ``base`` (of the same module, else the only one of that name), and copied
    into the database of every test that uses it (see ``db_url``). The fixture gives the builder's value, its ORM
    objects read again in the test's session. The builder commits."""

    def wrap(build):
        name, key = build.__name__, f"{build.__module__}:{build.__name__}"
        below = None
        if base:
            below = next((k for k in STATES if k == f"{build.__module__}:{base}"), None)
            if below is None:
                [below] = [k for k, st in STATES.items() if st.name == base]
        STATES[key] = _State(name, build, below)

        def fixture(request, db, settings, **bases):
            if key not in request.node.stash.get(_STARTED, ()):
                return _call(build, db=db, settings=settings, **bases)  # asked for only while the test runs
            value = _read(STATES[key].value, db)
            db.commit()  # as the builder left it: no transaction open (it would hold locks on PostgreSQL)
            return value

        fixture.__doc__, fixture.state = build.__doc__, key
        fixture.__signature__ = Signature(
            [
                Parameter(n, Parameter.POSITIONAL_OR_KEYWORD)
                for n in ["request", "db", "settings", *([base] if base else [])]
            ]
        )
        return pytest.fixture(name=name)(fixture)

    return wrap


def _call(build, **available):
    """``build`` with the arguments it names."""
    return build(**{k: available[k] for k in signature(build).parameters})


def _chain(key: str | None) -> list[str]:
    """The state ``key`` and the states it is built on, the first one first."""
    return _chain(STATES[key].base) + [key] if key else []


_STARTED = pytest.StashKey[list]()


def _start_of(item) -> str | None:
    """The state a test starts from: the one, among the states its fixtures are, that is built on all the others."""
    defs = item._fixtureinfo.name2fixturedefs
    used = [key for n in item.fixturenames if n in defs and (key := getattr(defs[n][-1].func, "state", None))]
    return next((k for k in used if set(used) <= set(_chain(k))), None)


class _States:
    """The states of this process, built when a test first needs each."""

    def __init__(self, folder: Path, database):
        self.folder, self.database = folder, database

    def give(self, key: str | None, db_file: Path, data_dir: Path) -> str:
        """Put state ``key`` (None: the empty database) into this test's database and data directory."""
        st = STATES[key] if key else None
        if st is not None and st.taken is None:
            self._build(key)
        if st is not None and st.data is not None:
            shutil.copytree(st.data, data_dir)
        if BACKEND == "postgresql":
            if st is None:
                _Postgres.reset(self.database)
            else:
                _Postgres.give(self.database, *st.taken)
            return self.database
        db_file.parent.mkdir()
        shutil.copy(st.taken if st else self.database, db_file)
        return f"sqlite:///{db_file}"

    def _build(self, key: str) -> None:
        st = STATES[key]
        work = self.folder / key.replace(":", "-")
        work.mkdir()
        url = self.give(st.base, work / "db" / "loa.sqlite3", work / "data")
        settings = settings_for(work / "data", url)
        db = session_factory(url)()
        db.info.update(source="test", actor_name="test")
        try:
            value = _call(
                st.build,
                db=db,
                settings=settings,
                **{STATES[k].name: _read(STATES[k].value, db) for k in _chain(st.base)},
            )
            db.commit()
            st.value = _refs(value)
        finally:
            db.close()
            dispose_engines()
        if any(p.is_file() for p in settings.data_dir.rglob("*")):
            st.data = settings.data_dir
        st.taken = _Postgres.take(url) if BACKEND == "postgresql" else work / "db" / "loa.sqlite3"


@pytest.fixture(scope="session")
def _states(_database, tmp_path_factory) -> _States:
    return _States(tmp_path_factory.mktemp("states"), _database)


@pytest.fixture
def db_url(_states, tmp_path, request):
    """This test's own database: empty, or the state (see ``state``) it starts from, with that state's files in
    the data directory."""
    start = _start_of(request.node)
    request.node.stash[_STARTED] = _chain(start)
    yield _states.give(start, tmp_path / "db" / "loa.sqlite3", tmp_path / "data")
    dispose_engines()


@pytest.fixture
def settings(db_url, tmp_path) -> Settings:
    """Jobs run as they are submitted (``broker_url="immediate"``); tests of the real queue and workers set
    their own."""
    return settings_for(tmp_path / "data", db_url)


@pytest.fixture
def db(settings):
    """A session on this test's database; call ``db.commit()`` to make data visible to the app."""
    session = session_factory(settings.db_url)()
    session.info.update(source="test", actor_name="test")
    yield session
    session.close()


@state(base=None)
def demo_province(db, settings):
    """The whole demo province, seeded as ``loa demo`` seeds it (``loa.demo.seed``); its value is the logins that
    the seeding gave."""
    db.info.update(actor_name="demo")
    logins = demo.seed(db, settings)
    db.commit()
    return logins


@state(base=None)
def people(db, settings):
    """A province with two agencies (one health) and one user per role, named after the role.
    Everyone's password is ``PASSWORD``; ``people["agency_member"]`` belongs to the health agency."""
    province = auth.get_or_create_province(db, settings.province, "84")
    health = auth.create_agency(db, province, "Sở Y tế", short_name="SYT", kind="health", is_health=True)
    other = auth.create_agency(db, province, "Báo Trà Vinh", short_name="BTV", kind="media")
    users = {}
    for role in ROLES:
        agency = health if role in ("agency_member", "reviewer") else other
        users[role] = auth.create_user(
            db, settings, role.replace("_", "-"), PASSWORD, full_name=role.title(), roles=[role], agency=agency
        )
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
    r = c.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
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
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


def run_cli(args: list[str], env: dict, input: str | None = None, cwd: Path | None = None):
    """Run ``loa ARGS`` in this process as the ``loa`` command would (``loa.cli.main``), with exactly the environment
    ``env`` (see ``cli_env``), ``input`` on stdin and ``cwd`` as working directory; gives what ``subprocess.run``
    would. Two tests run the installed command itself (``run_installed``): tests/text/test_cli.py and
    tests/channels/test_cli.py."""
    import subprocess
    import sys
    import traceback

    from click.testing import CliRunner

    from loa import cli
    from loa.config import get_settings

    here, argv = Path.cwd(), sys.argv
    environment = {**{k: None for k in os.environ if k not in env}, **env}
    get_settings.cache_clear()
    with CliRunner().isolation(input=input, env=environment) as (out, err, _):
        sys.argv = ["loa", *args]
        os.chdir(cwd or here)
        try:
            cli.main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        except Exception:  # the command would print this traceback (a typer.Exit outside the command too)
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            sys.argv = argv
            os.chdir(here)
            get_settings.cache_clear()
        return subprocess.CompletedProcess(["loa", *args], code, out.getvalue().decode(), err.getvalue().decode())


def run_installed(args: list[str], env: dict, input: str | None = None):
    """Run the installed ``loa`` command (the virtual environment's entry point) in a subprocess."""
    import subprocess
    import sys

    return subprocess.run(
        [str(Path(sys.executable).parent / "loa"), *args],
        env=env,
        input=input,
        text=True,
        capture_output=True,
        timeout=300,
    )


@pytest.fixture
def cli_env(settings) -> dict:
    """Environment for ``run_cli`` pointing at this test's database and data directory."""
    return dict(
        os.environ,
        LOA_DATA_DIR=str(settings.data_dir),
        LOA_DATABASE_URL=settings.db_url,
        LOA_ARGON2_TIME_COST="1",
        LOA_ARGON2_MEMORY_KIB="8192",
        LOA_PROVINCE="Trà Vinh",
    )


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


@pytest.fixture
def mail():
    """A real SMTP server on 127.0.0.1 (``mail.port``); ``mail.messages`` holds what it received."""
    with MailServer() as server:
        yield server
