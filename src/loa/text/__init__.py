"""Vietnamese text core: normalisation, folding, teencode, segmentation, PII scrubbing, alphabetical order."""

from loa.text.abbreviations import expand_abbreviations
from loa.text.collate import sort_by, sort_key
from loa.text.normalize import fold, normalize, strip_diacritics, syllables
from loa.text.pii import PLACEHOLDERS, Pii, find_pii, scrub
from loa.text.segment import sentences, words

__all__ = [
    "PLACEHOLDERS",
    "Pii",
    "expand_abbreviations",
    "find_pii",
    "fold",
    "normalize",
    "scrub",
    "sentences",
    "sort_by",
    "sort_key",
    "strip_diacritics",
    "syllables",
    "words",
]
