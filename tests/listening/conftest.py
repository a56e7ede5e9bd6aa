"""Listening test helpers: a loopback HTTP server with scripted answers, and post builders."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


class Routes(dict):
    """path → (status, content type, body bytes, delay seconds)."""


@pytest.fixture
def feed_server(monkeypatch):
    """Scripted answers on 127.0.0.1, which an administrator allows Loa to fetch from (not a public address)."""
    monkeypatch.setenv("LOA_FETCH_ALLOW_HOSTS", "127.0.0.1")
    routes = Routes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            status, ctype, body, delay = routes.get(self.path, (404, "text/plain", b"not found", 0))
            if delay:
                time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                for i in range(0, len(body), 1 << 20):
                    self.wfile.write(body[i : i + (1 << 20)])
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    routes.base = base
    yield routes
    server.shutdown()
    server.server_close()


def days_ago(n: int, hour: int = 9) -> datetime:
    now = datetime.now(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return now - timedelta(days=n)
