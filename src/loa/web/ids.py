"""Integers in paths and queries are checked against the database's 64-bit range before any handler runs, so a
huge id is "not found" (path) or "invalid" (query) for every route, never a database overflow."""

from __future__ import annotations

import types
import typing

from fastapi import Request
from fastapi.routing import APIRoute

from loa.db import id_in_range
from loa.errors import UserError


def _is_int(annotation) -> bool:
    if annotation is int:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list, tuple, set):
        return any(_is_int(a) for a in typing.get_args(annotation))
    return False


def int_params(route: APIRoute) -> tuple[frozenset[str], frozenset[str]]:
    """The names of the route's integer path and query parameters (of the handler and its dependencies)."""
    found = getattr(route, "_loa_int_params", None)  # worked out once per route, kept on it
    if found is None:
        path, query, todo = set(), set(), [route.dependant]
        while todo:
            dep = todo.pop()
            path |= {f.alias for f in dep.path_params if _is_int(f.field_info.annotation)}
            query |= {f.alias for f in dep.query_params if _is_int(f.field_info.annotation)}
            todo += dep.dependencies
        found = route._loa_int_params = (frozenset(path), frozenset(query))
    return found


def out_of_range(value: str | None) -> bool:
    """Whether a text is a decimal integer too large for the database."""
    digits = (value or "").strip().lstrip("+-").lstrip("0")
    return digits.isdecimal() and (len(digits) > 19 or not id_in_range(int(digits)))


def valid_ids(request: Request) -> None:
    """App-wide dependency: a path id beyond 64 bits → 404, a query integer beyond 64 bits → 422."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    path, query = int_params(route)
    if any(out_of_range(request.path_params.get(name)) for name in path):
        raise UserError("Không tìm thấy trang hoặc dữ liệu yêu cầu.", "Page or data not found.", 404)
    for name in query:
        if any(out_of_range(v) for v in request.query_params.getlist(name)):
            raise UserError(
                f"Tham số {name} quá lớn.",
                f"The parameter {name} is too large.",
                422,
                [{"field": name, "problem": "too large"}],
            )
