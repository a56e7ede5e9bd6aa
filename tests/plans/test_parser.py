"""The plan parser on the seed plan, in every supported format and encoding, and under fuzzing."""

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loa.plans.parser import ParsedPlan, ParseError, fold, parse_bytes, parse_text, split_bodies
from loa.plans.reading import decode_text, tcvn3_to_unicode, vni_to_unicode
from tests.conftest import run_cli
from tests.plans.encoders import seed_bytes, seed_text, to_cp1258, to_docx, to_pdf, to_tcvn3, to_vni

FIRST_HEALTH_DUTY = (
    "Chủ động, cung cấp kịp thời các thông tin, khuyến cáo của ngành chuyên môn về công tác phòng, chống dịch "
    "Covid-19; phối hợp chặt chẽ với các cơ quan chỉ đạo và định hướng, quản lý thông tin báo chí để thường xuyên "
    "có đánh giá chính xác, điều chỉnh kịp thời việc định hướng thông tin, cung cấp nội dung và liều lượng thông tin "
    "phù hợp với yêu cầu, nhiệm vụ phòng, chống dịch Covid-19 theo từng giai đoạn, tình hình cụ thể."
)


@pytest.fixture(scope="module")
def seed() -> ParsedPlan:
    return parse_bytes(seed_bytes())


def test_seed_structure(seed):
    assert seed.title == (
        "KẾ HOẠCH công tác thông tin, tuyên truyền phòng, chống dịch Covid-19 trong tình hình hiện nay"
    )
    assert (len(seed.purposes), len(seed.themes), len(seed.agency_groups)) == (7, 6, 9)
    assert [len(g.duties) for g in seed.agency_groups] == [5, 4, 2, 1, 2, 4, 1, 5, 2]
    assert seed.duty_count == 26
    assert [(c.text, c.date) for c in seed.cited_documents] == [
        ("Kế hoạch số 48-KH/BTGTW, ngày 21/7/2021", "2021-07-21"),
        ("Nghị định số 72/2013/NĐ-CP", ""),
        ("Nghị định số 119/2020/NĐ-CP", ""),
    ]
    assert seed.recipients == [
        "Các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy",
        "Các ban cán sự đảng, đảng đoàn",
        "Các sở, ban, ngành, đoàn thể tỉnh",
        "Các đồng chí UVBCH Đảng bộ tỉnh",
        "Lưu Văn phòng Tỉnh ủy",
    ]
    assert (seed.signer.on_behalf, seed.signer.title) == ("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ")


def test_seed_texts_are_repaired(seed):
    health = seed.agency_groups[4]
    assert health.name == "Sở Y tế" and health.bodies == ["Sở Y tế"]
    assert health.duties[0] == FIRST_HEALTH_DUTY
    media = seed.agency_groups[7]
    assert media.bodies == ["Báo Trà Vinh", "Đài Phát thanh - Truyền hình Trà Vinh"]
    assert seed.agency_groups[3].duties[0].startswith("Tổ chức các hoạt động thông tin tuyên truyền, cổ động")
    assert seed.agency_groups[8].name == "Các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy"
    # a page break left " của dân tộc" without its blank line; the double space in "chống  dịch" is gone
    assert "đoàn kết của dân tộc; tránh gây tâm lý hoang mang" in seed.purposes[3]
    assert "phòng, chống dịch Covid-19 các cấp" in seed.themes[0]
    assert seed.themes[3].startswith("Tuyên truyền về các giá trị nhân văn")
    assert seed.purposes[1].endswith("chuẩn bị cho giai đoạn phát triển “hậu đại dịch”.")


def test_no_word_lost_or_merged(seed):
    """The words of the body, in order, are exactly the seed's (bullets and headings aside)."""
    source = seed_text()
    body = source[source.index("I- MỤC ĐÍCH") : source.index("Nơi nhận")]
    expected = " ".join(re.sub(r"^(-|[IV]+-|\d\.)\s", "", line.strip()) for line in body.splitlines()).split()
    headings = ["MỤC ĐÍCH, YÊU CẦU", "NỘI DUNG TUYÊN TRUYỀN", "TỔ CHỨC THỰC HIỆN"]
    got = headings[0].split() + " ".join(seed.purposes).split() + headings[1].split() + " ".join(seed.themes).split()
    got += headings[2].split()
    for g in seed.agency_groups:
        got += g.name.split() + " ".join(g.duties).split()
    assert got == expected


def same_structure(a: ParsedPlan, b: ParsedPlan, casefold: bool = False):
    da, db = json.dumps(a.to_dict(), ensure_ascii=False), json.dumps(b.to_dict(), ensure_ascii=False)
    assert (da.lower() if casefold else da) == (db.lower() if casefold else db)


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-16"),
        lambda t: t.encode("utf-16-le"),
        lambda t: t.encode("utf-8-sig"),
        to_cp1258,
        to_vni,
        to_docx,
        to_pdf,
    ],
    ids=["utf-16", "utf-16-le-no-bom", "utf-8-bom", "windows-1258", "vni", "docx", "pdf"],
)
def test_formats_and_encodings_give_the_same_plan(seed, encode):
    same_structure(parse_bytes(encode(seed_text())), seed)


def test_tcvn3_gives_the_same_plan(seed):
    """TCVN3 has no capitals with tones: the upper-case headings come back, a lone capital like “Ủy” is lower."""
    plan = parse_bytes(to_tcvn3(seed_text()))
    same_structure(plan, seed, casefold=True)
    assert plan.signer.on_behalf == "T/M BAN THƯỜNG VỤ"


def test_known_legacy_strings():
    assert tcvn3_to_unicode("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert tcvn3_to_unicode("§éc lËp - Tù do - H¹nh phóc") == "Độc lập - Tự do - Hạnh phúc"
    assert vni_to_unicode("Tieáng Vieät") == "Tiếng Việt"
    assert vni_to_unicode("Ñaûng Coäng saûn Vieät Nam") == "Đảng Cộng sản Việt Nam"
    assert vni_to_unicode("ÑAÛNG COÄNG SAÛN VIEÄT NAM") == "ĐẢNG CỘNG SẢN VIỆT NAM"
    # TCVN3 text saved as UTF-8 by a tool that read it as Windows-1252 is repaired too
    assert decode_text("Kế hoạch phòng, chống dịch của các cơ quan".encode()).startswith("Kế hoạch")
    assert (
        decode_text(to_tcvn3("các cơ quan phòng, chống dịch").decode("cp1252").encode("utf-8"))
        == "các cơ quan phòng, chống dịch"
    )


def test_split_bodies():
    assert split_bodies("Sở Văn hóa, Thể thao và Du lịch") == ["Sở Văn hóa, Thể thao và Du lịch"]
    assert split_bodies("Sở Y tế và Sở Giáo dục và Đào tạo") == ["Sở Y tế", "Sở Giáo dục và Đào tạo"]
    assert split_bodies("Huyện đoàn, Hội Phụ nữ huyện") == ["Huyện đoàn", "Hội Phụ nữ huyện"]
    assert fold("Đài Phát thanh - Truyền hình Trà Vinh") == "dai phat thanh - truyen hinh tra vinh"


def test_header_number_date_and_other_bullets():
    text = """TỈNH ỦY TRÀ VINH            ĐẢNG CỘNG SẢN VIỆT NAM
BAN TUYÊN GIÁO
*
Số 25-KH/BTGTU               Trà Vinh, ngày 05 tháng 8 năm 2021
KẾ HOẠCH
tuyên truyền tiêm chủng vắc xin
Căn cứ Chỉ thị số 05-CT/TU, ngày 02/8/2021 của Tỉnh ủy.
I. MỤC ĐÍCH
1. Mọi người dân hiểu lợi ích của vắc xin.
2. Không để tin sai lệch lan rộng.
II. NHIỆM VỤ
1. Sở Y tế
a) Cập nhật số liệu tiêm chủng hằng ngày;
+ gửi Báo, Đài trước 16 giờ.
b) Trả lời câu hỏi của người dân.
2. Huyện đoàn; Hội Phụ nữ huyện
Vận động thanh niên đi tiêm.
Nơi nhận:
- Ban Tuyên giáo Trung ương (b/c),
- Lưu VT.
K/T TRƯỞNG BAN
PHÓ TRƯỞNG BAN
Nguyễn Văn An
"""
    plan = parse_text(text)
    assert plan.issuer == ["TỈNH ỦY TRÀ VINH", "BAN TUYÊN GIÁO"]
    assert (plan.number, plan.date) == ("25-KH/BTGTU", "2021-08-05")
    assert plan.title == "KẾ HOẠCH tuyên truyền tiêm chủng vắc xin"
    assert plan.purposes == ["Mọi người dân hiểu lợi ích của vắc xin.", "Không để tin sai lệch lan rộng."]
    assert [g.bodies for g in plan.agency_groups] == [["Sở Y tế"], ["Huyện đoàn", "Hội Phụ nữ huyện"]]
    assert plan.agency_groups[0].duties == [
        "Cập nhật số liệu tiêm chủng hằng ngày;\n+ gửi Báo, Đài trước 16 giờ.",
        "Trả lời câu hỏi của người dân.",
    ]
    assert plan.agency_groups[1].duties == ["Vận động thanh niên đi tiêm."]
    assert [c.number for c in plan.cited_documents] == ["05-CT/TU"]
    assert plan.recipients == ["Ban Tuyên giáo Trung ương (b/c)", "Lưu VT"]
    assert (plan.signer.on_behalf, plan.signer.title, plan.signer.name) == (
        "K/T TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Nguyễn Văn An",
    )


@pytest.mark.parametrize(
    "text,where",
    [
        ("", "không có nội dung"),
        ("Thông báo họp giao ban\nNội dung: ...", "dừng ở dòng 1"),
        ("KẾ HOẠCH tuyên truyền\nThực hiện chỉ đạo của Tỉnh ủy.\n- một ý", "dừng ở dòng 2"),
        ("KẾ HOẠCH x\nI- MỤC ĐÍCH\n- a\nII- TỔ CHỨC THỰC HIỆN\nCác cơ quan tự làm.\n", "dừng ở dòng 5"),
    ],
)
def test_unparseable_documents_say_where_parsing_stopped(text, where):
    with pytest.raises(ParseError) as err:
        parse_text(text)
    assert where in err.value.message and err.value.message_en


@pytest.mark.parametrize("data,message", [(b"%PDF-1.4 broken", "PDF"), (b"PK\x03\x04broken", ".docx")])
def test_broken_files(data, message):
    with pytest.raises(ParseError) as err:
        parse_bytes(data)
    assert message in err.value.message


SEED_LINES = seed_text().splitlines()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_fuzz_any_text(text):
    try:
        assert isinstance(parse_text(text), ParsedPlan)
    except ParseError as err:
        assert err.message and err.message_en


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SEED_LINES), max_size=120), st.lists(st.text(max_size=30), max_size=5))
def test_fuzz_seed_lines_recombined(lines, noise):
    try:
        plan = parse_text("\n".join(lines + noise))
        assert plan.agency_groups and plan.title
    except ParseError as err:
        assert err.message


@settings(max_examples=150, deadline=None)
@given(
    st.tuples(
        st.sampled_from([b"", b"PK\x03\x04", b"%PDF-1.4\n", b"\xff\xfe", b"\xef\xbb\xbf"]), st.binary(max_size=600)
    ).map(lambda parts: parts[0] + parts[1])
)
def test_fuzz_bytes(data):
    try:
        assert isinstance(parse_bytes(data), ParsedPlan)
    except ParseError as err:
        assert err.message and err.status == 422


def test_cli_dry_run_json(tmp_path):
    path = tmp_path / "kehoach.docx"
    path.write_bytes(to_docx(seed_text()))
    out = run_cli(
        ["plan", "import", str(path), "--dry-run", "--json"],
        {"LOA_DATA_DIR": str(tmp_path / "data"), "PATH": ""},
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"title", "cited_documents", "purposes", "themes", "agency_groups", "recipients", "signer"} <= set(data)
    assert len(data["agency_groups"]) == 9 and sum(len(g["duties"]) for g in data["agency_groups"]) == 26
    assert data["agency_groups"][7]["bodies"][1] == "Đài Phát thanh - Truyền hình Trà Vinh"
    bad = tmp_path / "bad.txt"
    bad.write_text("Biên bản họp", encoding="utf-8")
    out = run_cli(
        ["plan", "import", str(bad), "--dry-run", "--json"],
        {"LOA_DATA_DIR": str(tmp_path / "data"), "PATH": ""},
        cwd=tmp_path,
    )
    assert out.returncode == 1 and "dừng ở dòng 1" in out.stderr
