"""Assembly of the domain modules: the web app, the CLI, migrations and the demo find them here.

Core packages never import a domain; only this assembly layer (and the top-level web app,
CLI and demo that use it) looks domains up, by name, in the order below.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

DOMAINS = ("plans", "content", "channels", "answers", "claims", "listening", "bulletins")
CORE = ("auth", "audit", "text", "search", "jobs")


def find(kind: str, names: tuple[str, ...] = CORE + DOMAINS) -> list[ModuleType]:
    """Import ``loa.<name>.<kind>`` for every package that has it (e.g. kind="views")."""
    found = []
    for name in names:
        if importlib.util.find_spec(f"loa.{name}") is None:
            continue
        if importlib.util.find_spec(f"loa.{name}.{kind}") is not None:
            found.append(importlib.import_module(f"loa.{name}.{kind}"))
    return found


def load_models() -> None:
    """Import every models module so that ``Base.metadata`` knows all tables."""
    find("models")


def load_jobs() -> None:
    """Import every ``jobs`` module so that the job kinds and periodic jobs are registered."""
    find("jobs")
