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
    ("Ăn ớt cay giúp phòng ngừa COVID-19", "Ăn ớt cay phòng covid là tin nhảm bà con ơi"),  # a debunking word
    ("Vắc xin COVID-19 có gắn vi chip để theo dõi người tiêm", "Vắc xin làm gì có vi chip"),  # rhetorical
    ("Vitamin C chữa khỏi COVID-19", "Vitamin C đâu có chữa khỏi covid"),
    ("Súc miệng nước muối giúp phòng lây nhiễm virus corona", "Súc miệng nước muối không ngăn được lây nhiễm virus"),
    ("Virus corona không lây ở nơi nắng nóng", "Virus corona vẫn lây ở nơi nắng nóng"),
    ("Phụ nữ có thai không được tiêm vắc xin", "Phụ nữ có thai vẫn được tiêm vắc xin sau khi khám sàng lọc"),
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
    # saying the claim with a negation: prevention ~ "không", "V không được", "khỏi" (no need), "cấm"
    ("Ăn tỏi giúp phòng ngừa nhiễm virus corona", "ăn tỏi thì virus corona không nhiễm được"),
    ("Virus corona không lây ở nơi nắng nóng trên 25 độ", "trời trên 25 độ là virus corona lây không được"),
    ("Tiêm đủ 2 mũi thì không cần đeo khẩu trang", "tiêm đủ 2 mũi rồi khỏi đeo khẩu trang"),
    ("Phụ nữ có thai không được tiêm vắc xin COVID-19", "phụ nữ có thai thì cấm tiêm vắc xin covid"),
    ("Tiêm phế cầu là phòng được covid", "Tiêm ngừa phế cầu rồi thì khỏi lo covid"),  # tiêm ngừa: to vaccinate
    ("Máy sấy tay diệt được virus corona", "hơ tay dưới máy sấy là virus corona chết hết"),
    # leaving out the negated half, or negating something else on the side
    ("Chỉ người già mới mắc COVID-19, người trẻ khỏe mạnh không bị", "chỉ người già mắc covid"),
    ("Vắc xin COVID-19 gây vô sinh", "Tiêm vắc xin covid xong là bị vô sinh, không có con được"),
    ("Tiêm đủ 2 mũi vắc xin thì không thể nhiễm COVID-19", "tiêm đủ 2 mũi là không nhiễm covid, ai chưa tiêm thì lo"),
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
