"""Place mentions on 100 written sentences: Trà Vinh's register, with and without diacritics, abbreviations,
ambiguous names, and look-alike words that are not places."""

import json
from pathlib import Path

import pytest

import loa.channels
from loa.text.places import Place, Register

DATA = json.loads((Path(loa.channels.__file__).parent / "data" / "communes.json").read_text(encoding="utf-8"))
TRA_VINH = DATA["provinces"]["84"]
REGISTER = Register([(d["name"], d["communes"]) for d in TRA_VINH["districts"]], TRA_VINH["name"])

CK, CN, CT, TC = "Huyện Cầu Kè", "Huyện Cầu Ngang", "Huyện Châu Thành", "Huyện Trà Cú"
CL, TCa, DH, TXDH, TP = "Huyện Càng Long", "Huyện Tiểu Cần", "Huyện Duyên Hải", "Thị xã Duyên Hải", "Thành phố Trà Vinh"

CASES = [
    # districts, with their type written out or abbreviated
    ("Huyện Cầu Kè có thêm 5 ca dương tính", [(CK, None)]),
    ("H. Cầu Kè thiếu vắc xin mũi 2", [(CK, None)]),
    ("H.Cầu Kè tổ chức tiêm lưu động", [(CK, None)]),
    ("huyen cau ke co tiem chua vay", [(CK, None)]),
    ("TX Duyên Hải phong tỏa một khu phố", [(TXDH, None)]),
    ("TX. Duyên Hải mở điểm xét nghiệm", [(TXDH, None)]),
    ("thị xã Duyên Hải", [(TXDH, None)]),
    ("thi xa duyen hai co bao nhieu ca", [(TXDH, None)]),
    ("tx duyen hai", [(TXDH, None)]),
    ("huyện Duyên Hải", [(DH, None)]),
    ("H. Duyên Hải", [(DH, None)]),
    ("TP Trà Vinh", [(TP, None)]),
    ("TP. Trà Vinh giãn cách theo Chỉ thị 16", [(TP, None)]),
    ("thành phố Trà Vinh", [(TP, None)]),
    ("thanh pho tra vinh co mo cua cho khong", [(TP, None)]),
    ("tp tra vinh", [(TP, None)]),
    ("Huyện Trà Cú", [(TC, None)]),
    ("huyện Tiểu Cần", [(TCa, None)]),
    ("huyện Càng Long", [(CL, None)]),
    ("huyện Châu Thành", [(CT, None)]),
    ("huyện Cầu Ngang", [(CN, None)]),
    # districts by their bare name
    ("Cầu Ngang có điểm tiêm mới", [(CN, None)]),
    ("Người dân Trà Cú đi tiêm rất đông", [(TC, None)]),
    ("Tiểu Cần cần thêm máy thở", [(TCa, None)]),
    ("Càng Long ghi nhận ca mới", [(CL, None)]),
    ("Châu Thành", [(CT, None)]),
    ("o cau ke co tiem chua", [(CK, None)]),
    ("cang long hom nay bao nhieu ca", [(CL, None)]),
    ("tieu can co phong toa khong", [(TCa, None)]),
    ("Bà con Cầu Kè, Cầu Ngang chú ý", [(CK, None), (CN, None)]),
    ("Trà Cú và Tiểu Cần", [(TC, None), (TCa, None)]),
    # communes with their type
    ("Xã Long Hòa, huyện Châu Thành có 3 ca", [(CT, "Xã Long Hòa")]),
    ("xã Long Hòa", [(CT, "Xã Long Hòa")]),
    ("X. Long Hòa tổ chức tiêm", [(CT, "Xã Long Hòa")]),
    ("xa long hoa co ca benh", [(CT, "Xã Long Hòa")]),
    ("xã Trường Long Hòa", [(TXDH, "Xã Trường Long Hòa")]),
    ("xa truong long hoa", [(TXDH, "Xã Trường Long Hòa")]),
    ("xã Kim Hòa, Cầu Ngang", [(CN, "Xã Kim Hòa")]),
    ("xã Đại An", [(TC, "Xã Đại An")]),
    ("xa dai an huyen tra cu", [(TC, "Xã Đại An")]),
    ("xã Định An", [(TC, "Xã Định An")]),
    ("thị trấn Định An", [(TC, "Thị trấn Định An")]),
    ("tt Cầu Kè", [(CK, "Thị trấn Cầu Kè")]),
    ("TT. Cầu Kè", [(CK, "Thị trấn Cầu Kè")]),
    ("thị trấn Cầu Quan", [(TCa, "Thị trấn Cầu Quan")]),
    ("thi tran cang long", [(CL, "Thị trấn Càng Long")]),
    ("thị trấn Long Thành", [(DH, "Thị trấn Long Thành")]),
    ("xã Long Khánh", [(DH, "Xã Long Khánh")]),
    ("xã Ngũ Lạc huyện Duyên Hải", [(DH, "Xã Ngũ Lạc")]),
    ("xã Hiệp Mỹ Đông", [(CN, "Xã Hiệp Mỹ Đông")]),
    ("xã Hiệp Mỹ Tây", [(CN, "Xã Hiệp Mỹ Tây")]),
    ("xã Mỹ Long Bắc", [(CN, "Xã Mỹ Long Bắc")]),
    ("xã Lương Hòa A", [(CT, "Xã Lương Hòa A")]),
    ("xã Lương Hòa", [(CT, "Xã Lương Hòa")]),
    ("xã An Trường A", [(CL, "Xã An Trường A")]),
    ("xã An Trường", [(CL, "Xã An Trường")]),
    ("xã Nhị Long Phú", [(CL, "Xã Nhị Long Phú")]),
    ("xã Nhị Long", [(CL, "Xã Nhị Long")]),
    ("xã Tân Hòa", [(TCa, "Xã Tân Hòa")]),
    ("xã Hòa Tân", [(CK, "Xã Hòa Tân")]),
    ("xa hoa an cau ke", [(CK, "Xã Hòa Ân")]),
    ("xã Long Đức", [(TP, "Xã Long Đức")]),
    ("phường 4", [(TP, "Phường 4")]),
    ("P.4 TP Trà Vinh", [(TP, "Phường 4")]),
    ("P4", [(TP, "Phường 4")]),
    ("phuong 9", [(TP, "Phường 9")]),
    ("Phường 7, TP. Trà Vinh", [(TP, "Phường 7")]),
    ("P.1 thị xã Duyên Hải", [(TXDH, "Phường 1")]),
    ("phường 2, TX Duyên Hải", [(TXDH, "Phường 2")]),
    ("Phường 1, thành phố Trà Vinh", [(TP, "Phường 1")]),
    ("xã Long Hòa và xã Hòa Minh", [(CT, "Xã Long Hòa"), (CT, "Xã Hòa Minh")]),
    ("xã Kim Hòa (Cầu Ngang) và xã Đại An (Trà Cú)", [(CN, "Xã Kim Hòa"), (TC, "Xã Đại An")]),
    ("Xã Long Hòa, huyện Châu Thành và huyện Trà Cú", [(CT, "Xã Long Hòa"), (TC, None)]),
    # ambiguous: stays unplaced
    ("Phường 1", []),
    ("phường 2 có ca nhiễm", []),
    ("Duyên Hải", []),
    ("duyen hai co tiem chua", []),
    ("Trà Vinh", []),
    ("tỉnh Trà Vinh", []),
    ("người Trà Vinh ở Sài Gòn", []),
    # look-alikes that are not places
    ("Long Hòa", []),
    ("anh Long và chị Hòa đi tiêm", []),
    ("cây cầu ngang qua sông bị hư", []),
    ("tôi cần tiểu cần thiết gì đâu", []),
    ("nhà ở cách xa Long Hòa lắm", []),
    ("phương án Long Hòa", []),
    ("kim hòa tan trong nước", []),
    ("đại an toàn khi tiêm", []),
    ("Tân An, Long An", []),
    ("hàm giang hồ", []),
    ("hiếu tử là con có hiếu", []),
    ("lưu nghiệp anh ấy", []),
    ("Chợ Lách, Bến Tre", []),
    ("Bà Rịa - Vũng Tàu", []),
    ("Châu Thành, Bến Tre có 3 ca", [(CT, None)]),  # a bare name is read within the province's own register
    ("mua 1 hộp khẩu trang", []),
    ("tiêm mũi 2 ở bệnh viện", []),
    ("Bộ Y tế hướng dẫn cách ly", []),
    ("HUYỆN CẦU KÈ", [(CK, None)]),
    ("", []),
]


@pytest.mark.parametrize("text,places", CASES, ids=[c[0] or "empty" for c in CASES])
def test_find(text, places):
    assert REGISTER.find(text) == [Place(d, c) for d, c in places]


def test_the_set_is_large_enough():
    assert len(CASES) >= 100 and len({t for t, _ in CASES}) == len(CASES)
