"""Vietnamese alphabetical order: letters in the Vietnamese alphabet ("Đ" after "D"), then tones in dictionary
order, then case; and the lists of names people read use it."""

import unicodedata

from loa.auth import service as auth
from loa.bulletins.gazetteer import gazetteer
from loa.text import sort_by, sort_key


def test_dictionary_order():
    names = ["Đồng Tháp", "Yên Bái", "Điện Biên", "Cần Thơ", "Cà Mau", "Bắc Giang", "Bạc Liêu", "An Giang", "Dak Lak"]
    assert sorted(names, key=sort_key) == [
        "An Giang",
        "Bạc Liêu",
        "Bắc Giang",
        "Cà Mau",
        "Cần Thơ",
        "Dak Lak",
        "Điện Biên",
        "Đồng Tháp",
        "Yên Bái",
    ]
    assert sorted(["mạ", "má", "mã", "mả", "mà", "ma"], key=sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(["ư", "u", "ơ", "ô", "o", "ê", "e", "â", "ă", "a"], key=sort_key) == list("aăâeêoôơuư")
    assert sorted(["Hà Nội", "Hà Giang", "Hải Phòng", "Hà Nam"], key=sort_key) == [
        "Hà Giang",
        "Hà Nam",
        "Hà Nội",
        "Hải Phòng",
    ]
    assert sort_key(unicodedata.normalize("NFD", "Hà Nam"))[:2] == sort_key("Hà Nam")[:2]
    assert sorted(["b", "", "A"], key=sort_key) == ["", "A", "b"]


def test_lists_of_names_sort_in_vietnamese(db, people):
    province = people["agencies"]["health"].province
    for name in ("Đài Phát thanh tỉnh", "Ban Dân vận", "Ủy ban MTTQ tỉnh", "Ủy ban nhân dân tỉnh"):
        auth.create_agency(db, province, name, kind="government")
    names = [a.name for a in auth.list_agencies(db)]
    assert names == sorted(names, key=sort_key) and names != sorted(names)
    assert names.index("Ban Dân vận") < names.index("Báo Trà Vinh") < names.index("Đài Phát thanh tỉnh")
    provinces = [u.name for u in sort_by(gazetteer().provinces(), lambda u: u.name)]
    assert provinces.index("Đồng Tháp") < provinces.index("Gia Lai") and provinces[0] == "An Giang"
