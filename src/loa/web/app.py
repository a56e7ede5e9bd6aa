"""The FastAPI application: middleware, error pages, static files, core and domain routers."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from sqlalchemy.exc import DataError
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from loa import __version__, modules
from loa.config import Settings, get_settings
from loa.db import upgrade
from loa.errors import UserError
from loa.formats import json_for_script
from loa.i18n import translator
from loa.jobs.registry import WARMUPS
from loa.search import store
from loa.web import schema
from loa.web.deps import LoginRequired, content_security_policy, csrf_protect, is_api, lang, render
from loa.web.ids import valid_ids

HERE = Path(__file__).parent

REPORTS = modules.Nav("/reports", "Báo cáo", 1000)  # the web shell's own entry, after the modules'


class UploadLimit:
    """Refuse request bodies above the configured size with 413, before the handler reads them."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length and length.isdigit() and int(length) > self.max_bytes:
            return await self._refuse(send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise HTTPException(413)
            return message

        return await self.app(scope, counted, send)

    async def _refuse(self, send):
        mb = self.max_bytes // (1024 * 1024)
        body = JSONResponse(
            {
                "detail": f"Tệp hoặc dữ liệu gửi lên quá lớn (tối đa {mb} MB).",
                "detail_en": f"The upload is too large (at most {mb} MB).",
            },
            status_code=413,
        )
        await send({"type": "http.response.start", "status": 413, "headers": body.raw_headers})
        await send({"type": "http.response.body", "body": body.body})


class SecurityHeaders:
    """Security headers on every response: the Content-Security-Policy (a response may set its own, as the
    embeddable widget does), no framing, no content sniffing, a referrer policy, and HSTS behind TLS."""

    def __init__(self, app, hsts: bool):
        self.app = app
        self.fixed = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
        ] + ([(b"strict-transport-security", b"max-age=31536000")] if hsts else [])
        self.policy = content_security_policy().encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": self.add(list(message.get("headers") or []))}
            await send(message)

        return await self.app(scope, receive, with_headers)

    def add(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        """``headers`` with the security headers it does not set itself."""
        have = {k.lower() for k, _v in headers}
        if b"content-security-policy" not in have:
            headers += [(b"content-security-policy", self.policy), (b"x-frame-options", b"DENY")]
        return headers + [(k, v) for k, v in self.fixed if k not in have]


def create_app(settings: Settings | None = None, migrate: bool = True) -> FastAPI:
    settings = settings or get_settings()
    if migrate:
        upgrade(settings.db_url)
    app = FastAPI(
        title="Loa API",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served below, under the Content-Security-Policy
        redoc_url=None,
        dependencies=[Depends(csrf_protect), Depends(valid_ids)],
    )
    app.state.settings = settings
    app.state.templates = Jinja2Templates(directory=modules.template_folders())
    app.state.templates.env.filters["json"] = lambda v: json.dumps(v, ensure_ascii=False)
    app.state.templates.env.filters["script_json"] = lambda v: Markup(json_for_script(v))
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="loa_session",
        max_age=settings.session_hours * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(UploadLimit, max_bytes=settings.max_upload_mb * 1024 * 1024)
    app.add_middleware(SecurityHeaders, hsts=settings.secure_cookies)  # outermost: also on the 413 above
    if settings.trusted_proxies:  # the client's address and scheme as the configured proxies forward them
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)

    # our own files first, then htmx from its package (/static/htmx.min.js): one mount, no route to order
    app.mount(
        "/static", StaticFiles(directory=HERE / "static", packages=[("js_lib_htmx", "static/htmx")]), name="static"
    )

    @app.get("/api/v1/docs", include_in_schema=False)
    def api_docs():
        """Swagger UI (from its CDN) for the API; its one inline script carries this response's nonce."""
        nonce = secrets.token_urlsafe(16)
        page = get_swagger_ui_html(openapi_url=app.openapi_url, title=f"{app.title} · docs")
        cdn = "https://cdn.jsdelivr.net"
        return HTMLResponse(
            page.body.decode().replace("<script>", f'<script nonce="{nonce}">'),
            headers={
                "Content-Security-Policy": content_security_policy(
                    script_src=f"'self' 'nonce-{nonce}' {cdn}", style_src=f"'self' 'unsafe-inline' {cdn}"
                ).replace("img-src 'self' data:", "img-src 'self' data: https://fastapi.tiangolo.com")
            },
        )

    modules.load_jobs()  # job kinds, so that jobs submitted in immediate mode can run here
    store.use(settings, background=settings.broker_url != "immediate")  # stored indexes; workers rebuild them

    from loa.web import views

    app.state.get_paths = []  # every GET path, for the navigation and the smoke test
    for mod in [views] + modules.find("views"):
        for attr, prefix in (("router", ""), ("api", "/api/v1")):
            router = getattr(mod, attr, None)
            if router is None:
                continue
            app.include_router(router, prefix=prefix, include_in_schema=attr == "api")
            app.state.get_paths += [
                prefix + r.path for r in router.routes if isinstance(r, APIRoute) and "GET" in r.methods
            ]
    paths = app.state.get_paths
    app.state.nav = [
        (e.path, e.label)
        for e in modules.nav() + [REPORTS]
        if any(x == e.path or x.startswith(e.path + "/") for x in paths)
    ]
    app.state.public_nav = [("/", "Trang chủ")] + [
        (e.path, e.label) for e in modules.public_nav() if any(x == e.path for x in paths)
    ]
    install_error_handlers(app)
    schema.install(app)
    return app


def factory() -> FastAPI:
    """The app of one `loa serve` web process: settings from the environment (the parent has migrated); the
    modules' start-up steps (stored indexes, models) run before it answers, so /healthz means ready."""
    settings = get_settings()
    app = create_app(settings, migrate=False)
    for warm in WARMUPS:
        warm(settings)
    return app


def install_error_handlers(app: FastAPI) -> None:
    def respond(request: Request, status: int, message: str, details: list | None = None):
        if is_api(request) or request.headers.get("hx-request") and status != 401:
            body = {"detail": message}
            if details:
                body["errors"] = details
            if request.headers.get("hx-request") and not is_api(request):
                return render(request, "_error_fragment.html", {"message": message}, status)
            return JSONResponse(body, status_code=status)
        return render(request, "error.html", {"status": status, "message": message}, status)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired):
        _ = translator(lang(request))
        if is_api(request):
            return JSONResponse({"detail": _("Cần đăng nhập.")}, status_code=401)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError):
        return respond(request, exc.status, exc.text(lang(request)), exc.details)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        _ = translator(lang(request))
        defaults = {
            404: _("Không tìm thấy trang hoặc dữ liệu yêu cầu."),
            403: _("Bạn không có quyền truy cập."),
            405: _("Phương thức không được hỗ trợ."),
            401: _("Cần đăng nhập."),
            413: _("Tệp hoặc dữ liệu gửi lên quá lớn."),
        }
        message = (
            exc.detail
            if isinstance(exc.detail, str) and exc.detail not in ("Not Found", "Method Not Allowed")
            else defaults.get(exc.status_code, _("Có lỗi xảy ra."))
        )
        return respond(request, exc.status_code, message)

    from starlette.exceptions import HTTPException as StarletteHTTPException

    app.add_exception_handler(StarletteHTTPException, http_error)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        _ = translator(lang(request))
        details = [
            {"field": ".".join(str(x) for x in e.get("loc", ())), "problem": e.get("msg", "")} for e in exc.errors()
        ]
        return respond(request, 422, _("Dữ liệu gửi lên không hợp lệ."), details)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def out_of_range(request: Request, exc: Exception):
        """A number the database cannot hold (SQLite's OverflowError, PostgreSQL's out-of-range DataError)."""
        _ = translator(lang(request))
        return respond(request, 422, _("Dữ liệu gửi lên không hợp lệ."))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        import logging

        logging.getLogger("loa").exception("unhandled error on %s", request.url.path)
        _ = translator(lang(request))
        response = respond(request, 500, _("Hệ thống gặp lỗi. Dữ liệu của bạn chưa bị thay đổi; vui lòng thử lại."))
        # Starlette sends this page from outside every middleware: it gets the security headers here
        for key, value in SecurityHeaders(None, request.app.state.settings.secure_cookies).add([]):
            response.headers[key.decode()] = value.decode()
        return response
