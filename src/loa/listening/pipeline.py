"""The per-post pipeline: privacy at the door, normalisation, exact and near-duplicate keys, classification.

Nothing here touches the database; ``service.Ingestor`` stores what it returns.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from datasketch import MinHash, MinHashLSH

from loa.listening.classify import Prediction, model
from loa.text import normalize, scrub, strip_diacritics, words
from loa.text.language import KHMER, detect

NUM_PERM = 64
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w.])@[\w.]{2,}", re.UNICODE)
# In Khmer text (whose names the scrubber cannot see) every number of three digits or more goes, in either script.
_NUMBER = re.compile(r"\d(?:[\d .,\-]*\d){2,}")
_TAG_LINE = re.compile(r"^\s*(người đăng|tác giả|đăng bởi|posted by|author|by)\s*:.*$", re.IGNORECASE | re.MULTILINE)


@dataclass
class Post:
    """One incoming post as the pipeline accepts it: no author field exists to be filled."""

    text: str
    published_at: datetime
    source_type: str = "post"
    platform: str = ""
    url: str = ""
    engagement: int = 0


@dataclass
class Processed:
    text: str
    exact_hash: str
    post_key: str
    minhash: MinHash
    sylls: tuple[list[str], list[str]]
    prediction: Prediction | None = None
    language: str = "vi"  # vi | km | other: Khmer is kept and counted, never classified by topic
    near: str | None = None  # exact hash of the story this post repeats, when known before segmentation


def private(text: str) -> str:
    """The text with links, @handles and "author:" lines removed and personal data scrubbed (``loa.text``)."""
    if ":" in text:
        text = _TAG_LINE.sub(" ", text)
    if "http" in text or "www." in text:
        text = _URL.sub("[LIÊN KẾT]", text)
    if "@" in text:
        text = _HANDLE.sub("[TÀI KHOẢN]", text)
    text = scrub(text)
    if KHMER.search(text):
        text = _NUMBER.sub("[SỐ]", text)
    return normalize(text).strip()


_SYLLABLE = re.compile(r"[^\W_]+")


def folded_syllables(text: str) -> tuple[list[str], list[str]]:
    """The syllables of an already normalised text (as ``loa.text.syllables``) and their diacritic-free forms,
    computed once and shared by every step."""
    sy = _SYLLABLE.findall(text.lower())
    return sy, strip_diacritics(" ".join(sy)).split()


def exact_key(folded: list[str]) -> str:
    """Hash of the folded, punctuation-free text: the same words are the same story."""
    return hashlib.sha1(" ".join(folded).encode()).hexdigest()


def post_key(post: Post, text: str) -> str:
    """Identity of one post (text, time, platform, url): importing it again adds nothing."""
    raw = f"{text}\x1f{post.published_at.isoformat()}\x1f{post.platform}\x1f{post.url}"
    return hashlib.sha1(raw.encode()).hexdigest()


_SEED = MinHash(num_perm=NUM_PERM, seed=7)
_PERMS, _SCHEME = _SEED.permutations, _SEED.scheme


def _crc(data: bytes) -> int:
    return zlib.crc32(data)


def minhash(folded: list[str]) -> MinHash:
    """MinHash (datasketch, CRC-32 shingle hashes) over 2-syllable shingles of the folded text."""
    shingles = {" ".join(folded[i : i + 2]) for i in range(max(1, len(folded) - 1))}
    m = MinHash(num_perm=NUM_PERM, seed=7, permutations=_PERMS, scheme=_SCHEME, hashfunc=_crc)
    m.update_batch([s.encode() for s in shingles])
    return m


def minhash_bytes(m: MinHash) -> bytes:
    return m.hashvalues.astype(np.uint32).tobytes()


def minhash_from(data: bytes) -> MinHash:
    return MinHash(
        num_perm=NUM_PERM,
        seed=7,
        permutations=_PERMS,
        scheme=_SCHEME,
        hashfunc=_crc,
        hashvalues=np.frombuffer(data, dtype=np.uint32).astype(np.uint64),
    )


def prepare(post: Post) -> Processed | None:
    """Scrub, normalise and hash one post (no segmentation yet); None when no text is left."""
    text = private(post.text or "")
    sy, folded = folded_syllables(text)
    if not sy:
        return None
    return Processed(
        text=text,
        exact_hash=exact_key(folded),
        post_key=post_key(post, text),
        minhash=minhash(folded),
        sylls=(sy, folded),
        language=detect(text).code,
    )


def unclassified() -> Prediction:
    """What a Khmer story gets: no topic, left to a Khmer-reading officer."""
    return Prediction(subcategories=[], scores=[], is_question=False, is_concern=False, sentiment="neutral")


def classify_prepared(p: Processed) -> Processed:
    """Segment (``loa.text.words``) and classify a prepared post (a Khmer one is not classified)."""
    p.prediction = unclassified() if p.language == "km" else model().predict(p.text, words(p.text), p.sylls)
    return p


def process(post: Post) -> Processed | None:
    """The whole per-post pipeline for one post: prepare, segment, classify."""
    p = prepare(post)
    return classify_prepared(p) if p is not None else None


class NearDuplicates:
    """An LSH index over the most recent ``capacity`` stories, keyed by their exact hash (bounded memory; the
    oldest leave first). LSH candidates are confirmed by their estimated Jaccard similarity."""

    def __init__(self, threshold: float = 0.6, capacity: int = 50_000):
        self.lsh = MinHashLSH(num_perm=NUM_PERM, params=(16, 4))  # 16 bands of 4: candidates from J ≈ 0.4
        self.threshold = threshold
        self.keys: OrderedDict[str, np.ndarray] = OrderedDict()
        self.capacity = capacity

    def find(self, m: MinHash) -> str | None:
        """The most similar recent story at or above the threshold; ties go to the smallest key, so that every
        process (whatever its hash seed) and every resumed import merges a near copy into the same story."""
        found = sorted(self.lsh.query(m))
        if not found:
            return None
        sims = (np.stack([self.keys[k] for k in found]) == m.hashvalues.astype(np.uint32)).mean(axis=1)
        best = int(np.argmax(sims))
        return found[best] if sims[best] >= self.threshold else None

    def add(self, key: str, m: MinHash) -> None:
        if key in self.keys:
            return
        self.lsh.insert(key, m)
        self.keys[key] = m.hashvalues.astype(np.uint32)
        while len(self.keys) > self.capacity:
            old, _ = self.keys.popitem(last=False)
            self.lsh.remove(old)
