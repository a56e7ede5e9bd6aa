"""The text core's job: scrub again the public texts the modules have stored (``loa.text.stored``)."""

from __future__ import annotations

from loa.jobs.registry import task
from loa.jobs.runner import JobContext
from loa.text.stored import rescrub_all

LABELS = {"read": ("Văn bản đã đọc", "Texts read"), "changed": ("Văn bản đã lọc thêm", "Texts changed")}


@task("text.rescrub", "Lọc lại dữ liệu cá nhân trong văn bản đã lưu", "Re-scrub stored public texts", LABELS)
def rescrub(ctx: JobContext) -> dict:
    """Scrub every stored public text again with today's scrubber, in one transaction; running it again finds
    nothing more to change."""
    ctx.progress(0.05, "Đang lọc lại các văn bản đã lưu…", force=True)
    with ctx.session() as db:
        found = rescrub_all(db)
    read, changed = sum(r for r, _c in found.values()), sum(c for _r, c in found.values())
    ctx.progress(1.0, force=True, read=read, changed=changed)
    details = "; ".join(f"{what}: {c}/{r}" for what, (r, c) in found.items())
    return {"message": f"Đã lọc lại {read} văn bản, {changed} văn bản thay đổi ({details}).", "found": found}
