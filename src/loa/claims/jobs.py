"""The registry import (a claims file, or the starter registry) as a background job: the whole file is checked
first, a bad entry is named with the line it starts on, and nothing is stored unless everything is valid."""

from __future__ import annotations

import json
import re

from loa.auth.models import User
from loa.claims import matching, service
from loa.config import Settings
from loa.errors import UserError
from loa.jobs.registry import periodic, task, warmup
from loa.jobs.runner import JobContext

LABELS = {
    "total": ("Số tin trong tệp", "Claims in the file"),
    "created": ("Tin mới", "New claims"),
    "updated": ("Tin cập nhật", "Updated claims"),
    "unchanged": ("Tin không đổi", "Unchanged claims"),
    "conflicts": ("Tin đã kết luận, không sửa theo tệp", "Concluded claims the file would change (left as they are)"),
}
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"\s*")
_ENTRY = re.compile(r"#(\d+): (.*)", re.S)


def entry_lines(text: str) -> list[int]:
    """The line on which each entry of a valid claims file starts: a JSON list, or the "claims" list of an
    object."""

    def skip(pos: int) -> int:
        return _SPACE.match(text, pos).end()

    pos = skip(0)
    if text.startswith("{", pos):
        pos = skip(pos + 1)
        while True:
            key, pos = _DECODER.raw_decode(text, pos)
            pos = skip(skip(pos) + 1)  # past the colon
            if key == "claims":
                break
            _value, pos = _DECODER.raw_decode(text, pos)
            pos = skip(skip(pos) + 1)  # past the comma
    lines, pos = [], skip(pos + 1)  # past the bracket
    while not text.startswith("]", pos):
        lines.append(text.count("\n", 0, pos) + 1)
        _value, pos = _DECODER.raw_decode(text, pos)
        pos = skip(pos)
        pos = skip(pos + 1) if text.startswith(",", pos) else pos
    return lines


def _checked(raw: bytes) -> list[dict]:
    """The file's entries; a refusal names each bad entry's number and line."""
    try:
        return service.parse_import(raw)
    except UserError as exc:
        if exc.details:
            lines = entry_lines(raw.decode("utf-8"))
            exc.details = [
                {"line": lines[int(m.group(1)) - 1], "problem": p} if (m := _ENTRY.fullmatch(p)) else {"problem": p}
                for p in exc.details
            ]
        raise


@task("claims.import", "Nhập danh mục tin sai lệch", "Claims registry import", LABELS)
def import_registry(ctx: JobContext, starter: bool = False) -> dict:
    """Import the uploaded claims file (or, with ``starter``, the registry shipped with Loa) in one
    transaction; entries arrive as drafts, unchanged entries are left as they are, and a concluded or published
    verdict the file would change is reported as a conflict, not changed."""
    raw = service.STARTER.read_bytes() if starter else ctx.input()[1]
    ctx.progress(0.0, "Đang kiểm tra tệp…", force=True)
    entries = _checked(raw)
    ctx.progress(0.3, f"Tệp hợp lệ; đang lưu {len(entries)} tin…", force=True, total=len(entries))
    with ctx.session() as db:
        user = db.get(User, ctx.user_id) if ctx.user_id else None
        counts = service.import_claims(db, raw, user)
    conflicts = counts.pop("conflicts")
    ctx.progress(force=True, **counts, conflicts=len(conflicts))
    message = (
        f"Đã nhập danh mục: {counts['created']} tin mới, {counts['updated']} tin cập nhật (chờ người duyệt kết "
        f"luận), {counts['unchanged']} tin không đổi."
    )
    message_en = (
        f"Registry imported: {counts['created']} new, {counts['updated']} updated (waiting for a reviewer to "
        f"conclude), {counts['unchanged']} unchanged."
    )
    if conflicts:
        keys = ", ".join(conflicts[:20])
        message += f" Không sửa {len(conflicts)} tin đã kết luận (mở lại để xác minh trước khi nhập lại): {keys}."
        message_en += f" {len(conflicts)} concluded claims left as they are (reopen them before re-importing): {keys}."
    return {"message": message, "message_en": message_en, "url": "/claims", **counts, "conflicts": conflicts}


@periodic("claims.index", "every 1m", "Cập nhật chỉ mục tin sai lệch", "Rebuild the claims index")
def rebuild(settings: Settings) -> str:
    """Build and store the registry index (with its e5 vectors) when the claims or their phrasings changed."""
    return "đã dựng lại" if matching.rebuild_index(settings) else "không đổi"


@warmup
def warm(settings: Settings) -> None:
    matching.warm(settings)
