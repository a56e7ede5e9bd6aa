"""Assembly of the modules: the web app, the CLI, migrations, hooks and the demo find them here.

A domain registers itself in one place, its package's ``__init__.py``::

    MODULE = Module("plans", order=10, nav=(Nav("/plans", "Kế hoạch", 10),), requires=("content",))

Nothing else names it: the package is found by scanning ``loa``'s sub-packages for a ``MODULE``. By convention a
package may hold ``models``, ``views`` (``router``/``api``), ``cli`` (``register``), ``jobs``, ``demo`` (``seed``),
``hooks`` (pluggy implementations, see ``loa.hooks``) and a ``migrations`` folder (an Alembic version location).
Core packages never import a domain; this layer looks domains up by name, in their ``order``.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

CORE = ("auth", "audit", "text", "search", "jobs")
PLATFORM = ("db", "web")  # the storage and web shells: neither core services nor domains
ROOT = Path(__file__).parent


@dataclass(frozen=True)
class Nav:
    """An entry of the navigation bar: a path, its Vietnamese label (translated by the catalogues), a position."""

    path: str
    label: str
    position: int


@dataclass(frozen=True)
class Module:
    """A domain's descriptor: its name (the package), where it comes in load/demo order, what it shows in the
    staff navigation bar (``nav``) and in the citizens' one (``public``: pages anyone may read), and which domains
    it imports (``requires``; anything else it reaches through hooks)."""

    name: str
    order: int
    nav: tuple[Nav, ...] = ()
    requires: tuple[str, ...] = ()
    public: tuple[Nav, ...] = ()


@cache
def descriptors() -> tuple[Module, ...]:
    """Every installed domain's descriptor, in order."""
    found = []
    for info in pkgutil.iter_modules([str(ROOT)]):
        if info.ispkg and info.name not in CORE + PLATFORM:
            module = getattr(importlib.import_module(f"loa.{info.name}"), "MODULE", None)
            if module is not None:
                if module.name != info.name:
                    raise RuntimeError(f"loa.{info.name} describes itself as {module.name!r}")
                found.append(module)
    return ordered(found)


def ordered(found: list[Module]) -> tuple[Module, ...]:
    """The descriptors in load order; a missing dependency, or one that loads later, is refused at start-up."""
    by_name = {m.name: m for m in found}
    for m in found:
        missing = [r for r in m.requires if r not in by_name]
        if missing:
            raise RuntimeError(f"module {m.name!r} requires {', '.join(missing)}, which is not installed")
        late = [r for r in m.requires if by_name[r].order >= m.order]
        if late:
            raise RuntimeError(f"module {m.name!r} must come after {', '.join(late)} (order)")
    return tuple(sorted(found, key=lambda m: (m.order, m.name)))


def domains() -> tuple[str, ...]:
    return tuple(m.name for m in descriptors())


def nav() -> list[Nav]:
    return sorted((entry for m in descriptors() for entry in m.nav), key=lambda e: e.position)


def public_nav() -> list[Nav]:
    """The citizens' navigation: every module's public pages, in position order."""
    return sorted((entry for m in descriptors() for entry in m.public), key=lambda e: e.position)


def find(kind: str, names: tuple[str, ...] | None = None) -> list[ModuleType]:
    """Import ``loa.<name>.<kind>`` for every package (core, then domains) that has it (e.g. kind="views")."""
    found = []
    for name in names if names is not None else CORE + domains():
        if importlib.util.find_spec(f"loa.{name}.{kind}") is not None:
            found.append(importlib.import_module(f"loa.{name}.{kind}"))
    return found


def migration_folders() -> list[Path]:
    """Alembic version locations: core's, then each package's ``migrations`` folder."""
    folders = [ROOT / "db" / "migrations" / "versions"]
    return folders + [p for name in CORE + domains() if (p := ROOT / name / "migrations").is_dir()]


def template_folders() -> list[str]:
    """Jinja2 template folders: the web shell's first, then every package's ``templates``."""
    return [str(ROOT / "web" / "templates")] + [
        str(p) for name in CORE + domains() if (p := ROOT / name / "templates").is_dir()
    ]


def load_models() -> None:
    """Import every models module so that ``Base.metadata`` knows all tables."""
    find("models")


def load_jobs() -> None:
    """Import every ``jobs`` module so that the job kinds and periodic jobs are registered."""
    find("jobs")
