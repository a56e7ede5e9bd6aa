"""The posts written for Loa (data/posts_written.tsv): well-formed, labelled with known subcategories, fixed split."""

import json
import re
from collections import Counter

from loa.listening import labels

TAXONOMY = {row[0] for row in json.loads((labels.DATA / "ears_taxonomy.json").read_text(encoding="utf-8"))}


def rows():
    """Own parse of the file: (split, subcategories, is_question, is_concern, sentiment, text) per post."""
    out = []
    for line in labels.WRITTEN.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cols = line.split("\t")
        assert len(cols) == 6, line
        out.append(cols)
    return out


FIRST_BATCH = 606  # rows after it were added to train on: train/val only, so the test split never changes


def expected_split(index: int) -> str:
    if index > FIRST_BATCH:
        return "val" if (index - FIRST_BATCH) % 5 == 0 else "train"
    return "test" if index % 4 == 0 else "val" if index % 10 == 0 else "train"


def test_format_labels_and_split_rule():
    posts = rows()
    assert len(posts) >= 500
    for index, (split, subs, question, concern, sentiment, text) in enumerate(posts, start=1):
        ids = [int(x) for x in subs.split()]
        assert ids and set(ids) <= TAXONOMY and len(set(ids)) == len(ids), (index, subs)
        assert question in ("0", "1") and concern in ("0", "1"), index
        assert sentiment in ("negative", "neutral", "positive"), index
        assert split == expected_split(index), index
        assert text.strip() == text and text, index
        assert not re.search(r"\d{9,}", text.replace(" ", "").replace(".", "")), (index, "looks like a phone number")
    assert {p[0] for p in posts} == {"train", "val", "test"}
    assert sum(p[0] == "test" for p in posts) == 151


def test_no_duplicates_and_every_subcategory_covered():
    posts = rows()
    texts = [p[5] for p in posts]
    assert [t for t, n in Counter(texts).items() if n > 1] == []
    seed_texts = {line.split("\t")[-1] for line in labels.SEEDS.read_text(encoding="utf-8").splitlines()}
    assert not seed_texts & set(texts)
    main = Counter(int(p[1].split()[0]) for p in posts)
    assert {n for n in TAXONOMY if main[n] < 8} == set()


def test_loader_reads_the_file_with_its_split():
    posts = rows()
    examples = labels.written()
    assert len(examples) == len(posts)
    assert [e.split for e in examples] == [p[0] for p in posts]
    assert [e.subcategories for e in examples] == [[int(x) for x in p[1].split()] for p in posts]
    assert len(labels.written("test")) == sum(p[0] == "test" for p in posts)
