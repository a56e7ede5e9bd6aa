"""Word segmentation and sentence splitting with underthesea (its offline tokenizers only)."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from loa.text.normalize import normalize

_WORDY = re.compile(r"[^\W_]")
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+")


_LOAD = threading.Lock()
_loaded = False


def _word_tokenize():
    """underthesea's tokenizer, its tagger loaded once under a lock (its lazy loading is not thread-safe: two
    jobs of one worker segmenting at once failed)."""
    global _loaded
    from underthesea import word_tokenize

    if not _loaded:
        with _LOAD:
            if not _loaded:
                word_tokenize("khởi động")
                _loaded = True
    return word_tokenize


@lru_cache(maxsize=100_000)
def _segment(text: str) -> tuple[str, ...]:
    return tuple(w.lower().replace(" ", "_") for w in _word_tokenize()(text) if _WORDY.search(w))


def words(s: str) -> list[str]:
    """Lower-cased words of ``s``, compounds joined with "_" ("vắc_xin"), punctuation dropped.

    The tagger runs once per distinct sentence (cached: greetings and shared posts repeat); a lone syllable skips it.
    """
    out: list[str] = []
    for chunk in _SENTENCE_END.split(normalize(s)):
        if " " not in chunk and chunk.isalnum():
            out.append(chunk.lower())
        elif _WORDY.search(chunk):
            out.extend(_segment(chunk))
    return out


def sentences(s: str) -> list[str]:
    """Normalised sentences of ``s``; a line break always ends a sentence."""
    from underthesea import sent_tokenize

    out: list[str] = []
    for line in s.splitlines():
        line = normalize(line)
        if line:
            out.extend(part for part in (normalize(p) for p in sent_tokenize(line)) if part)
    return out
