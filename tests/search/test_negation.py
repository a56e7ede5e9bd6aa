import pytest

from loa.search import contradicts
from loa.search.negation import polarity

DENIED = [
    ("vắc xin gây vô sinh", "vắc xin không gây vô sinh"),
    ("Trời lạnh giết được virus corona", "Làm gì có chuyện trời rét, tuyết rơi diệt được virus corona"),
    ("Nín thở 10 giây không ho là không mắc covid", "nín thở được 10 giây chẳng chứng minh là không mắc covid"),
    ("chích ngừa xong hiếm con", "chích ngừa xong vẫn có con bình thường"),
    ("mắc covid rồi, đi tiêm vắc xin chi nữa", "mắc covid rồi vẫn phải đi tiêm vắc xin"),
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
    # a negated prevention asserts what follows it; "không có nghĩa là" denies an implication
    ("Virus corona không lây ở nơi nắng nóng", "Trời nắng nóng cũng không ngăn được virus corona lây lan"),
    ("Nín thở 10 giây không ho là không bị covid", "Nín thở được 10 giây không có nghĩa là không mắc covid"),
    # "vi" of "vi chip", "vi rút" is not "vì" (because)
    ("Vắc xin COVID-19 có gắn vi chip để theo dõi người tiêm", "Vắc xin COVID-19 không có vi chip theo dõi"),
    ("vac xin co gan vi chip theo doi nguoi tiem", "vac xin khong co vi chip theo doi"),
    # a short clause of prevention reads with the affirmative one before it
    ("Tắm nước nóng giúp phòng ngừa COVID-19", "Tắm nước nóng cỡ nào thân nhiệt vẫn 37 độ, chẳng ngăn được covid đâu"),
    # "không bị" at a clause's end, "mắc", "nhiễm" and "dính" are one word
    ("Chỉ người già mới mắc COVID-19, người trẻ khỏe mạnh không bị", "Thanh niên khỏe mạnh vẫn mắc covid như thường"),
    # a cure denied answers a claim that something kills the virus; "đừng tin" debunks
    ("Uống cồn công nghiệp hoặc thuốc tẩy diệt được virus corona", "uống cồn hay thuốc tẩy không trị được COVID-19"),
    ("Trời lạnh và tuyết giết chết virus corona", "Đừng tin chuyện trời lạnh giết chết virus corona"),
    ("Ai mắc COVID-19 cũng sẽ tử vong", "mắc covid không phải ai cũng chết"),  # chết ~ tử vong
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
    # a short side clause ("có miễn dịch rồi") is no statement to compare; "không ai" negates what follows
    ("mắc covid rồi có miễn dịch nên không cần tiêm", "hết covid rồi thì khỏi cần chích nữa, có miễn dịch rồi"),
    ("Ai mắc COVID-19 cũng sẽ tử vong", "dính covid là chết, không ai sống sót đâu"),
    ("đi chợ về nhớ xịt cồn khắp cơ thể để khỏi nhiễm virus", "Đi chợ về nhớ xịt cồn lên khắp người nha"),
    # not fearing it, being immune to it, not letting it in, throwing the mask away: said without a denial
    ("Tắm nước nóng giúp phòng ngừa COVID-19", "tắm nước nóng mỗi ngày là không sợ bị corona"),
    ("Trẻ em không bị nhiễm COVID-19", "con nít miễn nhiễm với con corona"),
    ("Trẻ em không bị nhiễm COVID-19", "trẻ nhỏ miễn dịch với virus corona"),
    ("Xông hơi giúp ngừa covid", "xông hơi nóng không cho virus vô người"),
    ("Tiêm đủ 2 mũi thì không cần đeo khẩu trang", "tiêm đủ 2 mũi rồi bỏ khẩu trang được"),
    # a negation about something else ("khỏi cần uống thuốc tây"), a supposition ("hồi dính"), a restriction
    ("Uống nước sả nấu sôi trị khỏi COVID-19", "nuoc sa nau soi tri khoi covid nha, khoi can uong thuoc tay"),
    ("uống kháng sinh mỗi ngày thì chưa dính covid", "hồi dính covid tui uống kháng sinh ba bữa là khỏi"),
    (
        "Chỉ người già mới mắc COVID-19, người trẻ khỏe mạnh không bị",
        "thanh niên khỏe thì không mắc covid, chỉ ông bà già mới bị",
    ),
    ("Người trẻ khỏe mạnh không bị covid", "covid chỉ bắt mấy ông bà già, người trẻ không có bị đâu mà lo"),
    # the object put first, "hardly" for "not", why bother for "no need", the standard of a comparison
    ("Tiêm đủ 2 mũi thì không cần đeo khẩu trang", "chích đủ liều rồi, khẩu trang thì bỏ đi được"),
    ("chích vắc xin covid xong là khó có con", "con gái đừng đi tiêm vắc xin, tiêm vô sau này hổng có con"),
    ("Bị covid rồi thì không cần tiêm vắc xin nữa", "mắc covid rồi, đi tiêm vắc xin chi nữa cho mệt"),
    (
        "người từng mắc covid có miễn dịch tự nhiên nên chẳng cần chích vắc xin",
        "tui mắc covid rồi nên không tiêm đâu, miễn dịch tự nhiên bền hơn vắc xin",
    ),
    # "otherwise", "chứa" typed as "chua", "cần gì", "có ... đâu", "đỡ lây", the object and its subject put first
    ("muỗi đốt làm lây covid", "muoi cung truyen covid nha, ngu nho giang mung ko thi bi lay"),
    ("vắc xin gây ra covid", "tiem vx la bi covid vi vx chua virus song"),
    ("Người đã khỏi covid thì không cần tiêm", "khỏi covid rồi thì cần gì tiêm vắc xin nữa"),
    ("Trẻ em không bị nhiễm covid", "con nít có bị covid đâu mà sợ"),
    ("Tiêm đủ mũi thì không cần đeo khẩu trang", "tiêm xong mũi hai rồi, khẩu trang mình cất hết"),
    ("Rửa tay bằng xà phòng giúp phòng covid", "rửa tay xà bông thường xuyên là đỡ lây covid"),
    ("chích vắc xin làm khó có con", "chích ngừa xong hổng có con được đâu"),
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
