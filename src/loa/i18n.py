"""Interface translations: Vietnamese is the source language, English comes from gettext catalogues.

Every package may ship ``locale/en.po`` (``src/loa/<package>/locale/en.po``); all are merged at start.
Templates and code mark text with ``_("Vietnamese text")``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).parent


@lru_cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid → translation for ``lang`` from every package's ``locale/<lang>.po``."""
    messages: dict[str, str] = {}
    if lang == "vi":
        return messages
    for po in sorted(ROOT.glob(f"*/locale/{lang}.po")):
        with po.open("rb") as fh:
            for msg in read_po(fh, locale=lang):
                if msg.id and msg.string and not msg.fuzzy:
                    messages[msg.id] = msg.string
    return messages


def translator(lang: str):
    """A ``_()`` function for ``lang``; unknown texts stay Vietnamese."""
    table = catalogue(lang)

    def gettext(text: str, **values) -> str:
        out = table.get(text, text)
        return out.format(**values) if values else out

    return gettext


def N_(text: str) -> str:
    """Mark a text for translation where it is defined; it is translated where it is shown (``_(value)``)."""
    return text


_MARKED = re.compile(r"""(?<![\w.])N?_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def marked_texts(package: Path) -> set[str]:
    """Every literal text marked with ``_()`` in a package's templates and Python files."""
    found: set[str] = set()
    for path in list(package.rglob("*.html")) + list(package.rglob("*.py")):
        for m in _MARKED.finditer(path.read_text(encoding="utf-8")):
            found.add((m.group(1) if m.group(1) is not None else m.group(2)).replace('\\"', '"').replace("\\'", "'"))
    return found


def missing(lang: str = "en") -> dict[str, set[str]]:
    """Per package, the marked texts that no ``locale/<lang>.po`` translates."""
    table = catalogue(lang)
    out = {}
    for package in sorted(p for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith("_")):
        gaps = marked_texts(package) - set(table)
        if gaps:
            out[package.name] = gaps
    return out


if __name__ == "__main__":  # python -m loa.i18n: print untranslated texts as .po entries per package
    for name, texts in missing().items():
        print(f"# ---- src/loa/{name}/locale/en.po")
        for t in sorted(texts):
            print(f'msgid "{t}"\nmsgstr ""\n')
