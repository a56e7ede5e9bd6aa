from hypothesis import given, settings
from hypothesis import strategies as st

from loa.text import fold, normalize, scrub, syllables

vietnamese = st.text(
    alphabet="aăâeêioôơuưyđqgnhtcpAĐ0123456789 .,/+-@()\n\t\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b",
    max_size=60,
)
anything = st.text(max_size=60)


@settings(max_examples=300)
@given(st.one_of(vietnamese, anything))
def test_normalize_is_idempotent(s):
    once = normalize(s)
    assert normalize(once) == once


@settings(max_examples=300)
@given(st.one_of(vietnamese, anything))
def test_fold_ignores_normalisation(s):
    assert fold(normalize(s)) == fold(s)
    assert syllables(normalize(s)) == syllables(s)


@settings(max_examples=300)
@given(st.one_of(vietnamese, anything, st.from_regex(r"(\+84|0)[ .]?9\d{2}[ .]?\d{3}[ .]?\d{3}( |\n)[a-z ]{0,10}")))
def test_scrub_never_raises_and_keeps_lines(s):
    out = scrub(s)
    assert out.count("\n") == s.count("\n")
    assert scrub(out) == out
