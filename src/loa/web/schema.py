"""The API schema documents its errors: one error body (``ErrorBody``) and, for each operation, the statuses it can
answer besides success, read from what the operation depends on.

- what its dependencies say they answer (``error_statuses``, and ``unsafe_error_statuses`` for unsafe methods):
  401 without a logged-in user (``current_user``), 403 without the role (``require``) or, with the session cookie,
  without the CSRF token of an unsafe request (``csrf_protect``).
- 400, 404 and 422: it takes input (a refused value, an object named that does not exist, a body that does
  not parse);
  413: it takes a body (``LOA_MAX_UPLOAD_MB``); 409: it changes stored state (the object's state forbids it, or it
  exists already); 429: a dependency limits its rate, or anyone may send it (an anonymous unsafe request).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorItem(BaseModel):
    """One problem of a refused request: a field (invalid input) or a line (an imported file)."""

    model_config = ConfigDict(extra="allow")
    field: str | None = Field(default=None, description="Where the problem is (e.g. body.question)")
    line: int | None = Field(default=None, description="The line of an imported file")
    problem: str | None = Field(default=None, description="The problem, in the interface language")
    problem_en: str | None = Field(default=None, description="The problem in English")


class ErrorBody(BaseModel):
    """Every error answer of the API (JSON)."""

    detail: str = Field(description="What went wrong, in the interface language (Vietnamese unless chosen)")
    detail_en: str | None = Field(default=None, description="The same in English, where given")
    errors: list[ErrorItem] | None = Field(default=None, description="Each problem, where there are several")


DESCRIPTIONS = {
    400: "Refused: a value is not acceptable (the message says which); nothing was written",
    401: "Not logged in: no session, or a missing, wrong or revoked API token",
    403: "Forbidden: the user's role or agency does not allow it, or the CSRF token is missing (cookie session)",
    404: "No such object",
    409: "Conflict: the object's state does not allow it, or it exists already; nothing was written",
    413: "The body or uploaded file is over the size limit",
    422: "The input does not validate (see `errors`); nothing was written",
    429: "Too many requests from this address: try again later",
}


def _calls(dependant) -> list:
    found = []
    for dep in dependant.dependencies:
        found.append(dep.call)
        found += _calls(dep)
    return found


def _api_routes(routes, prefix: str = "") -> list[tuple[str, APIRoute]]:
    """(full path, route) of every schema route, also inside included routers."""
    out = []
    for r in routes:
        if isinstance(r, APIRoute):
            if r.include_in_schema:
                out.append((prefix + r.path, r))
        elif getattr(r, "original_router", None) is not None:
            out += _api_routes(r.original_router.routes, prefix + (r.include_context.prefix or ""))
    return out


def error_statuses(path: str, method: str, route: APIRoute) -> set[int]:
    """The error statuses an operation can answer (see the module)."""
    statuses: set[int] = set()
    for call in _calls(route.dependant):
        statuses.update(getattr(call, "error_statuses", ()))
        if method in UNSAFE:
            statuses.update(getattr(call, "unsafe_error_statuses", ()))
    dependant = route.dependant
    if dependant.path_params or dependant.query_params or dependant.body_params:
        statuses.update((400, 404, 422))
    if method in UNSAFE:
        statuses.update((400, 409, 413))
        if 401 not in statuses:
            statuses.add(429)
    return statuses


def install(app: FastAPI) -> None:
    """Make ``app.openapi()`` document the error body and statuses of every operation."""

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, routes=app.routes, description=app.description)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ErrorItem, ErrorBody):
            components[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        for path, route in _api_routes(app.routes):
            for method in route.methods:
                operation = schema["paths"].get(path, {}).get(method.lower())
                if operation is None:
                    continue
                responses = operation.setdefault("responses", {})
                for status, declared in responses.items():  # what a route declares itself has the one body too
                    if status.startswith("4"):
                        declared["content"] = body
                for status in sorted(error_statuses(path, method, route) | ({422} if "422" in responses else set())):
                    responses[str(status)] = {"description": DESCRIPTIONS[status], "content": body}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
