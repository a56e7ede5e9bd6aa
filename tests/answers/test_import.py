"""Imports: our CSV/XLSX columns, the UIT-ViCoV19QA pipe format, and bad files refused whole with a line number."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from loa.answers import transfer
from loa.answers.models import FaqEntry
from loa.errors import UserError

HEADER = "question,alternatives,answer,source,source_url,source_date,tags,status\n"
GOOD = HEADER + (
    '"Tiêm mũi 3 khi nào?","tiem mui 3 khi nao\nmũi nhắc lại khi nào","Sau mũi 2 từ 3 tháng, '
    'theo hướng dẫn.",Bộ Y tế,https://moh.gov.vn,2021-11-20,"vắc xin, mũi nhắc lại",approved\n'
    'F1 cách ly mấy ngày?,,"7 ngày tại nhà, xét nghiệm ngày 7.",Bộ Y tế,,2022-01-01,cách ly,draft\n'
)


def count(db):
    return db.scalar(select(func.count(FaqEntry.id)))


def test_good_csv_imports_with_alternatives_tags_and_dates(db):
    assert transfer.import_file(db, "faq.csv", GOOD.encode()) == {"created": 2, "skipped": 0}
    entry = db.scalar(select(FaqEntry).where(FaqEntry.question == "Tiêm mũi 3 khi nào?"))
    assert entry.alternatives == ["tiem mui 3 khi nao", "mũi nhắc lại khi nào"]
    assert entry.tags == ["vắc xin", "mũi nhắc lại"]
    assert entry.source_date.isoformat() == "2021-11-20"
    assert transfer.import_file(db, "faq.csv", GOOD.encode()) == {"created": 0, "skipped": 2}


@pytest.mark.parametrize("importer", [None, "reviewer", "admin"])
def test_imports_arrive_unapproved_whatever_their_status_says(db, people, importer):
    author = people[importer] if importer else None
    transfer.import_file(db, "faq.csv", GOOD.encode(), author=author, status="approved")
    assert set(db.scalars(select(FaqEntry.status))) == {"draft"}
    assert set(db.scalars(select(FaqEntry.author_id))) == {author.id if author else None}


@pytest.mark.parametrize(
    "data,line,words",
    [
        (GOOD.replace(",", ";").encode(), 1, "delimiter"),
        (
            (HEADER + 'Câu hỏi?,,"Trả lời chưa đóng ngoặc,Bộ Y tế,,,,\nCâu 2?,,Trả lời 2,Bộ Y tế,,,,\n').encode(),
            2,
            "quoting",
        ),
        ((HEADER + 'Câu hỏi?,,"Trả lời" thừa chữ,Bộ Y tế,,,,\n').encode(), 2, "quoting"),
        (GOOD.encode("cp1258", errors="replace"), 2, "UTF-8"),
        (GOOD.encode("utf-16"), 1, "UTF-8"),
        ((HEADER + "Câu hỏi?,,Trả lời,Bộ Y tế,,,\n").encode(), 2, "fields"),
        ((HEADER + "Câu hỏi?,,,Bộ Y tế,,,,\n").encode(), 2, "answer"),
        ((HEADER + "Câu hỏi?,,Trả lời,Bộ Y tế,,20/11/2021,,\n").encode(), 2, "date"),
        ((HEADER + "Câu hỏi?,,Trả lời,Bộ Y tế,,,,published\n").encode(), 2, "status"),
        ("question,source\nCâu hỏi?,Bộ Y tế\n".encode(), 1, "answer"),
    ],
)
def test_bad_csv_is_refused_with_its_line_and_nothing_imported(db, data, line, words):
    with pytest.raises(UserError) as err:
        transfer.import_file(db, "faq.csv", data)
    assert f"Line {line}:" in err.value.message_en and f"Dòng {line}:" in err.value.message
    assert words.lower() in err.value.message_en.lower()
    assert count(db) == 0


def test_a_fault_late_in_the_file_imports_nothing(db):
    rows = "".join(f"Câu hỏi số {i}?,,Trả lời số {i}.,Bộ Y tế,,,,\n" for i in range(20))
    with pytest.raises(UserError) as err:
        transfer.import_file(db, "faq.csv", (HEADER + rows + 'Cuối?,,"hỏng\n').encode())
    assert "Line 22:" in err.value.message_en
    assert count(db) == 0


def test_xlsx_import(db):
    book = Workbook()
    sheet = book.active
    sheet.append(["question", "answer", "source", "source_date"])
    sheet.append(["Trẻ em có cần đeo khẩu trang không?", "Trẻ từ 2 tuổi nên đeo.", "WHO", "2020-08-21"])
    sheet.append(["Sai ngày?", "x", "WHO", "hôm qua"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(UserError) as err:
        transfer.import_file(db, "faq.xlsx", out.getvalue())
    assert "Line 3:" in err.value.message_en and count(db) == 0
    with pytest.raises(UserError):
        transfer.import_file(db, "faq.xlsx", b"not a workbook")


UIT = (
    "id|Question|Answer_1\n"
    '1|Tiêm vắc xin có đau không?|" Chào bạn,\nTiêm có thể đau nhẹ ở chỗ tiêm.\nCảm ơn bạn."\n'
    "2|Trẻ em có được tiêm không?|Trẻ từ 12 tuổi được tiêm theo hướng dẫn.\n"
)


def test_uit_pipe_format_with_multiline_answers(db):
    assert transfer.import_file(db, "train.csv", UIT.encode()) == {"created": 2, "skipped": 0}
    entry = db.scalar(select(FaqEntry).where(FaqEntry.question == "Tiêm vắc xin có đau không?"))
    assert "đau nhẹ ở chỗ tiêm" in entry.answer and "\n" in entry.answer
    assert entry.source == "UIT-ViCoV19QA" and entry.status == "draft"
    with pytest.raises(UserError) as err:
        transfer.import_file(db, "x.csv", (UIT + '3|Hỏng?|"không đóng\n').encode())
    assert "Line 6:" in err.value.message_en


def test_uit_files_from_the_dataset_import_as_they_are(db):
    from pathlib import Path

    val = Path(__file__).resolve().parents[2].parent / "shared/data/vicov19qa/val.csv"
    if not val.exists():
        pytest.skip("shared/data/vicov19qa is not present")
    result = transfer.import_file(db, "val.csv", val.read_bytes())
    assert result["created"] + result["skipped"] == 500
