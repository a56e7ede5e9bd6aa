import pytest

from loa.search import contradicts
from loa.search.negation import polarity

DENIED = [
    ("vắc xin gây vô sinh", "vắc xin không gây vô sinh"),
    ("Vắc xin COVID-19 gây vô sinh ở phụ nữ", "Không có bằng chứng vắc xin COVID-19 gây vô sinh ở phụ nữ"),
    ("uống nước chanh nóng chữa được covid", "uống nước chanh nóng không chữa được covid"),
    ("vac xin gay vo sinh", "vx ko gây vô sinh"),
    ("Người đã tiêm đủ 2 mũi vẫn phải đeo khẩu trang", "Người đã tiêm đủ 2 mũi không phải đeo khẩu trang"),
    ("F0 được ra khỏi nhà", "F0 chưa được ra khỏi nhà"),
    ("Xông hơi bằng lá sả diệt được virus", "Tin xông hơi bằng lá sả diệt được virus là sai"),
    ("Tỏi chữa khỏi COVID-19", "Tỏi không chữa khỏi COVID-19"),
    ("toi chua khoi covid", "toi khong chua khoi covid"),
]
SAME = [
    ("vắc xin gây vô sinh", "tiêm vắc xin gây vô sinh"),
    ("vắc xin không gây vô sinh", "vắc-xin không hề gây vô sinh"),
    ("Vắc xin có gây vô sinh không?", "vắc xin gây vô sinh"),
    ("Tiêm vắc xin xong có được uống rượu bia không?", "Sau tiêm vắc xin có uống rượu bia được không"),
    ("vắc xin không gây vô sinh", "Tiêm vắc xin xong có được uống rượu bia không?"),  # unrelated, not a denial
    ("Uống nước sả chữa khỏi COVID-19", "uống nước sả là chữa khỏi covid"),  # chữa (cure) is no negator
    ("toi chua khoi covid", "an toi chua khoi covid nhanh"),
    ("cha mẹ nên đưa con đi tiêm", "cha mẹ nên cho con đi tiêm vắc xin"),  # cha (father) is no negator
]


@pytest.mark.parametrize("a,b", DENIED)
def test_denials_contradict_both_ways(a, b):
    assert contradicts(a, b)
    assert contradicts(b, a)


@pytest.mark.parametrize("a,b", SAME)
def test_same_polarity_or_unrelated_does_not(a, b):
    assert not contradicts(a, b)


def test_question_ending_is_not_a_denial():
    assert polarity("Tiêm vắc xin có đau không?") == 0
    assert polarity("Tôi đã tiêm chưa?") == 0
    assert polarity("Tôi chưa tiêm mũi 2") == 1
