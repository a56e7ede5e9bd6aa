"""The label loader joins labels to a (tiny, temporary) vicov19qa corpus and refuses label files that name
unknown ids or subcategories; the written posts keep their fixed split."""

from pathlib import Path

import pytest

from loa.listening import labels

HEADER = "id,split,subcategories,is_question,is_concern,sentiment\n"


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "vicov19qa"
    d.mkdir()
    (d / "train.csv").write_text(
        'id|Question|Answer_1\n1|Tiêm vắc xin ở đâu?|" Ở trạm y tế xã,\ncó lịch hẹn."\n'
        "2|Xét nghiệm PCR bao lâu?|Một ngày.\n",
        encoding="utf-8",
    )
    (d / "val.csv").write_text("id|Question|Answer_1\n267-|Virus từ đâu ra?|Chưa rõ.\n", encoding="utf-8")
    monkeypatch.setenv("LOA_VICOV19QA_DIR", str(d))
    return d


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "labels.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_labels_join_texts_by_split(corpus, tmp_path):
    path = write(tmp_path, "1,train,23 14,1,0,neutral\n2,test,20,1,1,negative\n267-,val,1,1,0,neutral\n")
    train = labels.labelled("train", path=path)
    assert [(e.text, e.subcategories, e.split) for e in train] == [("Tiêm vắc xin ở đâu?", [23, 14], "train")]
    test = labels.labelled("test", corpus, path=path)[0]
    assert (test.is_question, test.is_concern, test.sentiment) == (True, True, "negative")
    assert [e.text for e in labels.labelled(path=path)][-1] == "Virus từ đâu ra?"


def test_unknown_ids_are_refused_when_the_corpus_is_present(corpus, tmp_path):
    path = write(tmp_path, "1,train,14,1,0,neutral\n999,train,14,1,0,neutral\n")
    with pytest.raises(labels.LabelError, match=r"1 ids are not vicov19qa questions.*999"):
        labels.read_labels(path)
    with pytest.raises(labels.LabelError, match="999"):
        labels.labelled("train", path=path)
    # without the corpus the ids cannot be checked, the rest still is
    assert [r.id for r in labels.read_labels(path, tmp_path / "absent")] == ["1", "999"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1,train,42,1,0,neutral", "unknown, missing or repeated subcategories '42'"),
        ("1,train,14 x,1,0,neutral", "must be EARS numbers"),
        ("1,train,,1,0,neutral", "unknown, missing or repeated"),
        ("1,train,14 14,1,0,neutral", "unknown, missing or repeated"),
        ("1,dev,14,1,0,neutral", "split must be one of"),
        ("1,train,14,yes,0,neutral", "is_question must be 0 or 1"),
        ("1,train,14,1,0,angry", "sentiment must be one of"),
        ("1,train,14,1,0,neutral\n1,test,20,1,0,neutral", "id labelled twice"),
    ],
)
def test_malformed_labels_are_refused(corpus, tmp_path, row, message):
    with pytest.raises(labels.LabelError, match=message):
        labels.read_labels(write(tmp_path, row + "\n"))


def test_shipped_labels_are_valid(corpus):
    """The committed labels name only known subcategories (ids are checked against the real corpus by the
    bench; here the temporary corpus is absent from the check)."""
    rows = labels.read_labels(labels.LABELS, corpus.parent / "absent")
    assert len(rows) >= 458 and {r.split for r in rows} <= set(labels.SPLITS)


def test_written_posts_keep_their_split(tmp_path):
    path = tmp_path / "posts.tsv"
    path.write_text(
        "# comment\n14\t1\t1\tnegative\ttest\tchich vx xong sot cao qua co sao ko mn\n"
        "34 28\t0\t1\tnegative\tMất việc vì giãn cách, không ai hỗ trợ.\ttrain\n"
        "val\t33\t1\t0\tneutral\tChùa có làm lễ không?\n",
        encoding="utf-8",
    )
    assert [(e.subcategories, e.split) for e in labels.written(path=path)] == [
        ([14], "test"),
        ([34, 28], "train"),
        ([33], "val"),
    ]
    assert [e.text for e in labels.written("train", path)] == ["Mất việc vì giãn cách, không ai hỗ trợ."]
    assert labels.written(path=tmp_path / "absent.tsv") == []
    path.write_text("14\t1\t1\tnegative\tlater\tkhông rõ\n", encoding="utf-8")
    with pytest.raises(labels.LabelError, match="line 1"):
        labels.written(path=path)
