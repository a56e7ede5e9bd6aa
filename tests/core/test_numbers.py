"""One reading of the numbers people type, the Vietnamese way (issue 16, item 4)."""

import pytest

from loa.errors import UserError
from loa.formats import parse_number, vn_amount


@pytest.mark.parametrize(
    "typed,value",
    [
        ("12.500", 12500),
        ("12 500", 12500),
        ("12\u00a0500", 12500),
        ("12500", 12500),
        ("1.234.567", 1234567),
        ("1.234,5", 1234.5),
        ("3,5", 3.5),
        ("0,125", 0.125),
        ("1,5 triệu", 1500000),
        ("1,5tr", 1500000),
        ("200 nghìn", 200000),
        ("2 tỷ", 2000000000),
        ("12,5%", 12.5),
        ("-3", -3),
        (12, 12),
        (3.5, 3.5),
    ],
)
def test_vietnamese_notation(typed, value):
    got = parse_number(typed)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    "typed,hint",
    [
        ("12.5", "viết 12,5 nếu là số thập phân"),
        ("12,500", "viết 12.500 nếu là 12500, hoặc 12,5 nếu là số thập phân"),
        ("1,234,567", "không phải là một số viết đúng cách"),
        ("12,500.5", "không phải là một số viết đúng cách"),
        ("mười hai", "không phải là một số"),
        ("", "Cần một số"),
        (True, "Cần một số"),
    ],
)
def test_ambiguous_or_bad_input_is_refused_with_a_message(typed, hint):
    with pytest.raises(UserError) as err:
        parse_number(typed, "Lượt xem")
    assert err.value.status == 422 and hint in err.value.message and err.value.message.startswith("“Lượt xem”: ")
    assert err.value.message_en != err.value.message


def test_printed_back_the_vietnamese_way():
    assert [vn_amount(v) for v in (12500, 1.5, 0.125, 3, 1234567.25)] == ["12.500", "1,5", "0,125", "3", "1.234.567,25"]


def test_every_module_reads_typed_counts_the_same_way():
    from loa.bulletins.importer import parse_count
    from loa.listening.uploads import row_post

    assert parse_count("12.500") == parse_count("12 500") == parse_count(12500.0) == 12500
    for bad in ("12,500", "12.5", "1,5"):
        with pytest.raises(ValueError):
            parse_count(bad)
    mapping = {"text": "Nội dung", "time": "Ngày", "likes": "Thích"}
    post = row_post({"Nội dung": "Lịch tiêm ở xã", "Ngày": "05/10/2021 08:00", "Thích": "1.234"}, mapping)
    assert post.engagement == 1234
    with pytest.raises(ValueError, match="12,5"):
        row_post({"Nội dung": "Lịch tiêm ở xã", "Ngày": "05/10/2021 08:00", "Thích": "12.5"}, mapping)
