"""The FastAPI application: middleware, error pages, static files, core and domain routers."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from loa import __version__, modules
from loa.config import Settings, get_settings
from loa.db import upgrade
from loa.errors import UserError
from loa.i18n import translator
from loa.jobs.registry import WARMUPS
from loa.search import store
from loa.web.deps import LoginRequired, csrf_protect, is_api, lang, render

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


def create_app(settings: Settings | None = None, migrate: bool = True) -> FastAPI:
    settings = settings or get_settings()
    if migrate:
        upgrade(settings.db_url)
    app = FastAPI(
        title="Loa API",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        dependencies=[Depends(csrf_protect)],
    )
    app.state.settings = settings
    app.state.templates = Jinja2Templates(directory=modules.template_folders())
    app.state.templates.env.filters["json"] = lambda v: json.dumps(v, ensure_ascii=False)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="loa_session",
        max_age=settings.session_hours * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(UploadLimit, max_bytes=settings.max_upload_mb * 1024 * 1024)

    @app.get("/static/htmx.min.js", include_in_schema=False)
    def htmx():
        return FileResponse(files("js_lib_htmx") / "static" / "htmx" / "htmx.min.js", media_type="text/javascript")

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")  # after the route above
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
    install_error_handlers(app)
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

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        import logging

        logging.getLogger("loa").exception("unhandled error on %s", request.url.path)
        _ = translator(lang(request))
        return respond(request, 500, _("Hệ thống gặp lỗi. Dữ liệu của bạn chưa bị thay đổi; vui lòng thử lại."))
