import datetime
import json
import re
from pathlib import Path

from loa.text import fold, normalize, scrub

FILE = Path(__file__).resolve().parents[2] / "src" / "loa" / "answers" / "data" / "starter_faq.json"
FIELDS = {
    "question": str,
    "alternatives": list,
    "answer": str,
    "source": str,
    "source_url": str,
    "source_date": str,
    "tags": list,
}


def entries():
    return json.loads(FILE.read_text(encoding="utf-8"))


def test_schema_and_count():
    data = entries()
    assert isinstance(data, list) and len(data) >= 65
    for entry in data:
        assert set(entry) == set(FIELDS), entry.get("question")
        for key, kind in FIELDS.items():
            assert isinstance(entry[key], kind) and entry[key], (key, entry["question"])
        assert 2 <= len(entry["alternatives"]) <= 4 and all(isinstance(a, str) and a for a in entry["alternatives"])
        assert all(isinstance(t, str) and t for t in entry["tags"])
        assert entry["source_url"].startswith("https://") and len(entry["source"]) <= 255  # the FAQ column width
        issued = datetime.date.fromisoformat(entry["source_date"])
        assert datetime.date(2020, 1, 1) <= issued <= datetime.date(2022, 12, 31)
        assert 3 <= len(re.findall(r"[.!?](?:\s|$)", entry["answer"])) <= 8, entry["question"]


def test_questions_distinct_normalised_and_typed_as_citizens_do():
    data = entries()
    questions = [fold(e["question"]) for e in data]
    assert len(set(questions)) == len(questions)
    for entry in data:
        assert normalize(entry["question"]) == entry["question"] and normalize(entry["answer"]) == entry["answer"]
        assert fold(entry["question"]) not in {fold(a) for a in entry["alternatives"]}
    unaccented = sum(any(fold(a) == a for a in e["alternatives"]) for e in data)
    assert unaccented >= len(data) // 2


def test_answers_hold_no_personal_data():
    for entry in entries():
        assert scrub(entry["answer"]) == entry["answer"], entry["question"]
