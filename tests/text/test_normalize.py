import unicodedata

import pytest

from loa.text import expand_abbreviations, fold, normalize, sentences, syllables, words


@pytest.mark.parametrize(
    "variant, canonical",
    [
        ("hoà", "hòa"),
        ("thuý", "thúy"),
        ("khoẻ", "khỏe"),
        ("sức khoẻ", "sức khỏe"),
        ("hoà bình", "hòa bình"),
        ("Thuỵ Điển", "Thụy Điển"),
        ("loà", "lòa"),
        ("xoè", "xòe"),
        ("luỹ", "lũy"),
        ("KHOẺ", "KHỎE"),
        ("Hoà", "Hòa"),
        ("gìa", "già"),
        ("qủa", "quả"),
        ("thủơ", "thuở"),
        ("ngừơi", "người"),
        ("mùa", "mùa"),
        ("hoàng", "hoàng"),
        ("quý", "quý"),
        ("huỳnh", "huỳnh"),
        ("khuỷu", "khuỷu"),
        ("ngoài", "ngoài"),
        ("giường", "giường"),
        ("thuở", "thuở"),
        ("tiếng", "tiếng"),
        ("café", "café"),
        ("COVID-19", "COVID-19"),
        ("Nguyễn Văn A", "Nguyễn Văn A"),
    ],
)
def test_one_tone_mark_placement(variant, canonical):
    assert normalize(variant) == canonical
    assert normalize(canonical) == canonical


def test_decomposed_input_and_whitespace():
    nfd = unicodedata.normalize("NFD", "Tiêm vắc xin  xong\tcó\n khoẻ không?")
    assert nfd != unicodedata.normalize("NFC", nfd)
    assert normalize(nfd) == "Tiêm vắc xin xong có khỏe không?"
    assert normalize("vắc\u200bxin\ufeff") == "vắcxin"
    assert normalize("  ") == ""
    assert normalize("ÐÃ TIÊM") == "ĐÃ TIÊM"


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Tiêm vắc xin có an toàn không?", "tiem vac xin co an toan khong?"),
        ("Đắk Lắk ĐÃ có 1.234 ca", "dak lak da co 1.234 ca"),
        ("sức khoẻ", "suc khoe"),
        ("SỨC KHỎE", "suc khoe"),
        ("người ở Trà Vinh", "nguoi o tra vinh"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "text, expanded",
    [
        ("tiêm vx xong có đc uống rượu ko", "tiêm vắc xin xong có được uống rượu không"),
        ("bs ơi k sốt thì sao", "bác sĩ ơi không sốt thì sao"),
        ("F0 hok biết làm j", "F0 không biết làm gì"),
        ("tiem vaccine az xong dc ko", "tiem vắc xin AstraZeneca xong được không"),
        ("BYT và syt nói thực hiện 5k", "Bộ Y tế và Sở Y tế nói thực hiện 5K"),
        ("ng nhà f1 hem cần xn à", "người nhà F1 không cần xét nghiệm à"),
        ("vác xin, vắc-xin, Vacxin", "vắc xin, vắc xin, vắc xin"),
        ("con cô vy, covy hay co vy", "con COVID-19, COVID-19 hay COVID-19"),
        ("giá 50k, 1k liều, COVID-19", "giá 50k, 1k liều, COVID-19"),
        ("kho khong kín", "kho khong kín"),
    ],
)
def test_expand_abbreviations(text, expanded):
    assert expand_abbreviations(text) == expanded


def test_dictionary_has_several_dozen_entries_with_folded_forms():
    from loa.text.abbreviations import dictionary

    table = dictionary()
    assert len(table) >= 80
    assert table["đc"] == table["dc"] == "được" and table["sdt"] == "số điện thoại"


def test_syllables_words_sentences():
    text = "Tiêm vắc xin xong có được uống rượu bia không? Bác sĩ trả lời: KHÔNG nên!"
    assert syllables(text)[:4] == ["tiêm", "vắc", "xin", "xong"]
    assert "?" not in syllables(text) and "không" in syllables(text)
    w = words(text)
    assert "vắc_xin" in w and "bác_sĩ" in w and "rượu_bia" in w and "?" not in w
    assert words("khoẻ") == ["khỏe"] and words("...") == [] and words("") == []
    assert words("Cảm ơn bác sĩ! Cảm ơn bác sĩ.\nhoà") == ["cảm_ơn", "bác_sĩ", "cảm_ơn", "bác_sĩ", "hòa"]
    assert sentences("Tôi đi tiêm. Bạn có đi không?\nNgày 15/7/2021 có 1.234 ca") == [
        "Tôi đi tiêm.",
        "Bạn có đi không?",
        "Ngày 15/7/2021 có 1.234 ca",
    ]
    assert sentences("   \n") == []
