"""Language of short public texts: Khmer by script, Vietnamese with or without diacritics, other."""

import pytest

from loa.text.language import detect

CASES = [
    ("Tiêm vắc xin mũi 3 ở đâu vậy?", "vi", True),
    ("Trà Vinh", "vi", True),
    ("Đi đâu", "vi", True),
    ("tiem vac xin mui 3 o dau vay", "vi", False),
    ("ko dc tiem a, minh bi sot", "vi", False),
    ("ae oi cho hoi xet nghiem o dau", "vi", False),
    ("toi bi ho va sot 3 ngay roi", "vi", False),
    ("tre em co duoc tiem khong", "vi", False),
    ("ban oi", "vi", False),
    ("ការចាក់វ៉ាក់សាំងនៅឯណា?", "km", False),
    ("Chào bạn ការចាក់វ៉ាក់សាំង", "km", False),
    ("វ៉ាក់សាំង Pfizer", "km", False),
    ("Where can I get the vaccine?", "other", False),
    ("Vaccine is safe for children", "other", False),
    ("Thank you so much", "other", False),
    ("Bonjour tout le monde", "other", False),
    ("vaccine Pfizer", "other", False),
    ("hello", "other", False),
    ("OK", "other", False),
    ("123 456 !!!", "other", False),
    ("", "other", False),
]


@pytest.mark.parametrize("text,code,marked", CASES, ids=[c[0] or "empty" for c in CASES])
def test_detect(text, code, marked):
    language = detect(text)
    assert (language.code, language.diacritics) == (code, marked)


def test_a_few_vietnamese_words_in_an_english_sentence_do_not_make_it_vietnamese():
    assert detect("The Sở Y tế said the vaccine is free").code == "other"
