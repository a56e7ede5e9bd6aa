"""The demo province: Trà Vinh, the agencies named in its plan, one user per role, then each module's demo data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa import modules
from loa.auth import service as auth
from loa.auth.models import Agency, Province, User
from loa.config import Settings

DEMO_PASSWORD = "loa-demo-2021"

# (key, name, short name, kind) — the bodies the seed plan assigns duties to.
AGENCIES = [
    ("btg", "Ban Tuyên giáo Tỉnh ủy", "BTG", "party"),
    ("mttq", "Ủy ban MTTQ Việt Nam tỉnh", "MTTQ", "mass_org"),
    ("hvhnt", "Hội Văn học Nghệ thuật tỉnh", "HVHNT", "mass_org"),
    ("stttt", "Sở Thông tin và Truyền thông", "Sở TT&TT", "government"),
    ("svhttdl", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL", "government"),
    ("syt", "Sở Y tế", "Sở Y tế", "health"),
    ("bcd35", "Ban Chỉ đạo 35 tỉnh", "BCĐ 35", "party"),
    ("bcdttdn", "Ban Chỉ đạo công tác thông tin đối ngoại tỉnh", "BCĐ TTĐN", "party"),
    ("baotv", "Báo Trà Vinh", "Báo Trà Vinh", "media"),
    ("daitv", "Đài Phát thanh - Truyền hình Trà Vinh", "Đài PT-TH", "media"),
    ("hu_tpttv", "Thành ủy Trà Vinh", "TU Trà Vinh", "district"),
    ("hu_caungang", "Huyện ủy Cầu Ngang", "HU Cầu Ngang", "district"),
    ("hu_tracu", "Huyện ủy Trà Cú", "HU Trà Cú", "district"),
    ("hu_tieucan", "Huyện ủy Tiểu Cần", "HU Tiểu Cần", "district"),
    ("hu_cangLong", "Huyện ủy Càng Long", "HU Càng Long", "district"),
    ("hu_caughe", "Huyện ủy Cầu Kè", "HU Cầu Kè", "district"),
    ("hu_chauthanh", "Huyện ủy Châu Thành", "HU Châu Thành", "district"),
    ("hu_duyenhai", "Thị ủy Duyên Hải", "TU Duyên Hải", "district"),
    ("hu_duyenhai_h", "Huyện ủy Duyên Hải", "HU Duyên Hải", "district"),
]

# (username, full name, roles, agency key)
USERS = [
    ("quantri", "Quản trị hệ thống", ["admin"], "stttt"),
    ("dieuphoi", "Nguyễn Thị Điều Phối", ["coordinator"], "btg"),
    ("soyte", "Trần Văn Cán Bộ", ["agency_member"], "syt"),
    ("bientap", "Lê Thị Biên Tập", ["editor"], "daitv"),
    ("duyet", "BS. Phạm Văn Duyệt", ["reviewer"], "syt"),
    ("lanhdao", "Kiên Văn Lãnh Đạo", ["leader"], "btg"),
    ("xem", "Thạch Thị Xem", ["viewer"], "mttq"),
    ("huyenuycauke", "Danh Thị Huyện", ["agency_member"], "hu_caughe"),  # a district's own plan (plans demo)
]


@dataclass
class DemoContext:
    """What every module's ``demo.seed(db, ctx)`` receives."""

    settings: Settings
    province: Province
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)  # by role


def seed(
    db: Session, settings: Settings, progress: Callable[[str], None] | None = None
) -> list[tuple[str, str, str]] | None:
    """Create the demo province once; returns the logins (username, password, role) or None if present.
    ``progress`` is told what is being made, step by step (the command prints it)."""
    if db.scalar(select(User).where(User.username == USERS[0][0])) is not None:
        return None
    province = auth.get_or_create_province(db, settings.province, code="84")
    ctx = DemoContext(settings=settings, province=province)
    for key, name, short, kind in AGENCIES:
        ctx.agencies[key] = db.scalar(select(Agency).where(Agency.name == name)) or auth.create_agency(
            db, province, name, short_name=short, kind=kind, is_health=kind == "health"
        )
    for username, full_name, roles, agency in USERS:
        user = auth.create_user(
            db, settings, username, DEMO_PASSWORD, full_name=full_name, roles=roles, agency=ctx.agencies[agency]
        )
        ctx.users.setdefault(roles[0], user)  # the first user of each role
    for mod in modules.find("demo", modules.domains()):
        name = mod.__name__.split(".")[1]
        if progress:
            progress(name)
        mod.seed(db, ctx)
    return [(u, DEMO_PASSWORD, r[0]) for u, _n, r, _a in USERS]
