"""One retrieval module for the platform: BM25 over syllables, folded syllables and segmented words,
an optional e5 semantic stage, learned fusion into one calibrated score, filters, negation awareness."""

from loa.search.index import Hit, Index
from loa.search.negation import contradicts

__all__ = ["Hit", "Index", "contradicts"]
