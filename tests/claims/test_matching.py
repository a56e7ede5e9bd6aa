import json
from pathlib import Path

import pytest
from sqlalchemy import select

from loa.claims import agents, checkworthy, service
from loa.claims.matching import denies
from loa.claims.models import ClaimAppearance, TriageItem
from loa.search.negation import contradicts
from tests.conftest import run_cli

KEYS = {"decision", "claim_id", "claim", "score", "negated", "verdict"}


@pytest.mark.parametrize(
    "text,key",
    [
        ("vắc xin gây vô sinh", "vac-xin-vo-sinh"),
        ("vac xin covid gay vo sinh", "vac-xin-vo-sinh"),
        ("vx covid gây vô sinh đó mn", "vac-xin-vo-sinh"),
        ("Xông lá sả chữa khỏi covid", "xong-hoi-la"),
        (
            "Mọi người ơi, nghe nói uống nước chanh gừng mật ong ấm là diệt được virus corona. Chia sẻ cho cả nhà nhé!",
            "chanh-gung-mat-ong",
        ),
        ("Trẻ em không bị nhiễm covid", "tre-em-khong-mac"),
    ],
)
def test_paraphrases_match_and_update_counters(db, starter, text, key):
    claim = starter[key]
    result = service.check_text(db, text, reach=50, origin="listening", ref="item-1")
    assert set(result) >= KEYS
    assert (result["decision"], result["claim_id"], result["negated"]) == ("match", claim.id, False), result
    assert result["verdict"] == claim.verdict and 0 < result["score"] <= 1
    assert claim.times_seen == 1 and claim.reach == 50 and claim.first_seen_at and claim.last_seen_at
    app = db.scalar(select(ClaimAppearance).where(ClaimAppearance.claim_id == claim.id))
    assert app.origin == "listening" and app.ref == "item-1" and app.decision == "match"


@pytest.mark.parametrize(
    "text,key",
    [
        ("Vắc xin COVID-19 không gây vô sinh", "vac-xin-vo-sinh"),
        ("vac xin khong gay vo sinh", "vac-xin-vo-sinh"),
        ("Tin đồn xông hơi lá sả chữa khỏi covid là sai", "xong-hoi-la"),
        ("Xông hơi không chữa khỏi COVID-19", "xong-hoi-la"),
        ("xong hoi khong chua khoi covid", "xong-hoi-la"),
        ("Trẻ em cũng có thể bị nhiễm COVID-19", "tre-em-khong-mac"),
        ("Tiêm đủ 2 mũi vắc xin vẫn có thể nhiễm COVID-19, vẫn cần đeo khẩu trang", "tiem-du-mui-bo-khau-trang"),
        ("Sóng 5G không lây lan virus corona", "5g-lay-virus"),
    ],
)
def test_a_denial_is_never_counted_as_spreading_the_claim(db, starter, text, key):
    claim = starter[key]
    result = service.check_text(db, text, reach=100)
    assert result["negated"] is True and result["decision"] == "none", result
    assert result["claim_id"] == claim.id
    assert claim.times_seen == 0 and claim.reach == 0
    assert db.scalar(select(ClaimAppearance)) is None
    assert db.scalar(select(TriageItem)) is None  # a correction is not queued as misinformation


def test_a_text_that_does_not_name_the_epidemic_is_never_linked_automatically(db, starter):
    """It shares the claim's words ("uống rượu bia nồng độ cao") but says nothing about covid: a person decides."""
    result = service.check_text(db, "Uống rượu bia nhiều hại gan, nồng độ cao càng hại", record=False)
    assert result["claim_id"] == starter["ruou-bia"].id and result["score"] >= service.ClaimsSettings().match_threshold
    assert result["decision"] == "suggest"
    assert service.check_text(db, "Uống rượu bia nồng độ cao là diệt được covid", record=False)["decision"] == "match"


def test_cure_wording_is_not_read_as_a_negation():
    """ "chữa" (to cure) folds like the negator "chưa" (not yet): a claim with "chữa khỏi" is not its own denial."""
    assert not contradicts("Uống nước sả nấu sôi chữa khỏi COVID-19", "Nấu nước sả uống là khỏi covid")
    assert contradicts("Tỏi chữa khỏi COVID-19", "Tỏi không chữa khỏi COVID-19")
    assert not denies("thuoc ivermectin chua dc covid nha mn", ["Thuốc Ivermectin phòng và chữa được COVID-19"])
    assert denies("thuoc ivermectin khong chua dc covid", ["Thuốc Ivermectin phòng và chữa được COVID-19"])


def test_a_suggestion_goes_to_triage_and_waits_for_a_person(db, starter, people):
    settings = service.ClaimsSettings(match_threshold=1.0, suggest_threshold=0.05)
    claim = starter["an-toi"]
    result = service.check_text(db, "ăn tỏi phòng covid", reach=7, settings=settings)
    assert result["decision"] == "suggest" and result["claim_id"] == claim.id
    assert claim.times_seen == 0 and db.scalar(select(ClaimAppearance)) is None
    item = db.get(TriageItem, result["triage_id"])
    assert item.suggested_claim_id == claim.id and item.suggested_score == result["score"]
    with pytest.raises(service.UserError):
        service.triage_link(db, item.id, claim.id, people["viewer"])
    service.triage_link(db, item.id, claim.id, people["editor"])
    assert claim.times_seen == 1 and claim.reach == 7


def test_thresholds_are_configurable(monkeypatch, db, starter):
    monkeypatch.setenv("LOA_CLAIMS_MATCH_THRESHOLD", "1.0")
    monkeypatch.setenv("LOA_CLAIMS_SUGGEST_THRESHOLD", "0.01")
    assert service.check_text(db, "vắc xin gây vô sinh", record=False)["decision"] == "suggest"


@pytest.mark.parametrize(
    "text,worthy",
    [
        ("Ăn nhiều rau diếp cá giúp chữa khỏi covid trong 3 ngày", True),
        ("Tiêm mũi 3 gây đông máu ở 90% người tiêm", True),
        ("Ăn dưa hấu mỗi ngày phòng được virus corona", True),
        ("Vắc xin Pfizer làm tăng nguy cơ viêm cơ tim ở người già", True),
        ("Chào buổi sáng cả nhà, chúc mọi người một ngày vui vẻ", False),
        ("Tiêm vắc xin xong có được uống bia không ạ?", False),
        ("Tôi thấy dịch này kéo dài mệt mỏi quá", False),
        ("Cảm ơn các y bác sĩ đã vất vả chống dịch", False),
        ("Khi nào xã mình được tiêm mũi 2?", False),
    ],
)
def test_checkworthiness(text, worthy):
    assert (checkworthy.score(text) >= 0.5) is worthy, checkworthy.features(text)


def test_triage_queue_ranked_by_checkworthiness_times_reach(db, starter):
    service.check_text(db, "Ăn nhiều rau diếp cá giúp chữa khỏi covid trong 3 ngày", reach=10)
    service.check_text(db, "Tiêm mũi 3 gây đông máu ở 90% người tiêm", reach=500)
    service.check_text(db, "Ăn dưa hấu mỗi ngày phòng được virus corona", reach=5)
    service.check_text(db, "Ăn dưa hấu mỗi ngày phòng được virus corona", reach=300)  # seen again: reach adds up
    for noise in ("Chào cả nhà", "Tiêm xong có được tắm không?", "Mệt mỏi quá, bao giờ hết dịch"):
        assert "triage_id" not in service.check_text(db, noise, reach=10000)
    queue = service.triage_queue(db)
    assert [i.text for i in queue] == [
        "Tiêm mũi 3 gây đông máu ở 90% người tiêm",
        "Ăn dưa hấu mỗi ngày phòng được virus corona",
        "Ăn nhiều rau diếp cá giúp chữa khỏi covid trong 3 ngày",
    ]
    assert queue[1].reach == 305 and queue[1].times_seen == 2
    assert queue[0].priority == pytest.approx(queue[0].checkworthiness * 500)


def test_stored_texts_are_scrubbed(db, starter):
    result = service.check_text(db, "Gọi 0912 345 678 để mua thuốc Ivermectin chữa khỏi covid 100%", reach=3)
    stored = [a.text for a in db.scalars(select(ClaimAppearance))] + [t.text for t in db.scalars(select(TriageItem))]
    assert stored and not any("0912" in s for s in stored), (result, stored)


def test_triage_actions(db, people, starter, settings):
    editor = people["editor"]
    queue_all = service.ClaimsSettings(match_threshold=1.0)  # every text waits for a person here
    ids = [
        service.check_text(db, t, reach=r, settings=queue_all)["triage_id"]
        for t, r in [
            ("Ăn dưa hấu mỗi ngày phòng được virus corona", 40),
            ("Ăn nhiều rau diếp cá giúp chữa khỏi covid", 20),
            ("Ngậm tỏi sống giúp ngăn được virus corona", 30),
        ]
    ]
    with pytest.raises(service.UserError) as err:
        service.triage_dismiss(db, ids[0], people["viewer"], "không liên quan")
    assert err.value.status == 403
    with pytest.raises(service.UserError):
        service.triage_dismiss(db, ids[0], editor, "  ")
    item = service.triage_dismiss(db, ids[0], editor, "quảng cáo, không phải khẳng định sức khỏe")
    assert item.status == "dismissed" and item.decided_by_id == editor.id and item.reason
    claim = service.triage_open(db, ids[1], editor, "Ăn rau diếp cá chữa khỏi COVID-19")
    assert claim.status == "new" and claim.author_id == editor.id and claim.times_seen == 1 and claim.reach == 20
    garlic = starter["an-toi"]
    service.triage_link(db, ids[2], garlic.id, editor)
    assert garlic.times_seen == 1 and garlic.reach == 30
    assert [i.status for i in db.scalars(select(TriageItem).order_by(TriageItem.id))] == [
        "dismissed",
        "claimed",
        "linked",
    ]
    with pytest.raises(service.UserError) as err:
        service.triage_link(db, ids[2], garlic.id, editor)
    assert err.value.status == 409
    assert service.triage_queue(db) == []
    # the new claim is matchable at once
    assert service.check_text(db, "rau diếp cá chữa khỏi covid", record=False)["claim_id"] == claim.id


def cli(args, env):
    return run_cli(["claims", *args], env)


def test_cli_import_and_match(cli_env, tmp_path):
    r = cli(["import", "--starter"], cli_env)
    assert r.returncode == 0 and "39" in r.stdout, r.stderr
    assert "0 mới" in cli(["import", "--starter"], cli_env).stdout
    bad = tmp_path / "bad.json"
    bad.write_text('{"claims": [{"text": "thiếu mọi thứ khác"}]}', encoding="utf-8")
    r = cli(["import", str(bad)], cli_env)
    assert r.returncode == 1 and "#1" in r.stderr
    good = tmp_path / "more.json"
    good.write_text(
        json.dumps(
            {
                "claims": [
                    {
                        "key": "nuoc-dua",
                        "text": "Uống nước dừa phòng được COVID-19",
                        "verdict": "false",
                        "explanation": "Không có bằng chứng.",
                        "sources": [{"publisher": "WHO", "url": "https://www.who.int", "date": "2021-05-13"}],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    assert "1 mới" in cli(["import", str(good)], cli_env).stdout
    out = json.loads(cli(["match", "vắc xin gây vô sinh", "--json"], cli_env).stdout)
    assert set(out) == KEYS | {"kind", "checkworthiness"} and out["decision"] == "match"
    assert out["negated"] is False and out["verdict"] == "false"
    # the registry index is stored in the data directory for the next command
    assert list((Path(cli_env["LOA_DATA_DIR"]) / "indexes" / "claims").glob("*/build.json"))
    out = json.loads(cli(["match", "vắc xin không gây vô sinh", "--json"], cli_env).stdout)
    assert out["negated"] is True and out["decision"] != "match" and out["claim"].startswith("Vắc xin")
    out = json.loads(cli(["match", "hôm nay trời đẹp", "--json"], cli_env).stdout)
    assert out == {
        "decision": "none",
        "claim_id": None,
        "claim": None,
        "score": 0.0,
        "negated": False,
        "verdict": None,
        "kind": "assertion",
        "checkworthiness": 0.05,
    }
    out = json.loads(cli(["match", "uong nuoc dua phong covid", "--json"], cli_env).stdout)
    assert out["decision"] == "match" and out["claim"] == "Uống nước dừa phòng được COVID-19"


def test_agents_are_named_as_written_and_folded():
    assert agents.named("Uống nước tiểu bò mỗi sáng") >= {"nuoc tieu bo", "nuoc tieu"}
    assert agents.named("uong nuoc dua tuoi chua khoi covid") >= {"nuoc dua"}
    assert agents.named("Tỉnh táo nha, hồi năm ngoái tiêu diệt được dịch") == set()  # words, not fruit or spice
    assert agents.foreign("Xông lá bưởi", ["Xông hơi bằng lá sả, bưởi"]) == set()  # "bưởi" is part of "lá bưởi"
    assert agents.foreign("Uống nước dừa chữa covid", ["Uống nước sả chữa khỏi COVID-19"]) == {"nuoc dua", "dua"}
    # two names of one agent; a harm is what a vaccine claim says
    assert agents.foreign("deo vong dong o tay la mien nhiem covid", ["Đeo vòng tay bằng đồng chống COVID-19"]) == set()
    assert agents.foreign("Mua trụ sinh về uống phòng covid", ["Thuốc kháng sinh phòng được COVID-19"]) == set()
    assert agents.foreign("Tiêm mũi 3 gây đông máu", ["Tiêm vắc xin làm người tiêm nhiễm COVID-19"]) == {"dong mau"}
    assert agents.foreign("HCQ chữa khỏi covid", ["Ivermectin chữa khỏi COVID-19"]) == {"hcq", "hydroxychloroquine"}
    assert agents.foreign("HCQ chữa khỏi covid", ["Thuốc sốt rét Hydroxychloroquine chữa khỏi COVID-19"]) == set()
    # who the claim is about, and two names of one group
    assert agents.foreign("con nit ko bi covid dau", ["Chỉ người già mới mắc COVID-19"]) == {"con nit", "tre em"}
    assert agents.foreign("con nít không bị covid", ["Trẻ em không bị nhiễm COVID-19"]) == set()
    assert agents.foreign("thanh niên khỏe re không sợ covid", ["người trẻ khỏe mạnh không bị covid"]) == set()
    assert agents.foreign("đeo tỏi giúp trẻ em không nhiễm covid", ["Trẻ em không bị nhiễm COVID-19"]) == {"toi"}
    assert agents.foreign("muỗi đốt lây covid, nhớ giăng mùng cho con nít", ["Muỗi truyền virus corona"]) == set()


def test_a_remedy_the_claim_never_names_is_a_new_claim_for_a_person(db, starter):
    """Same template as the lemongrass claim ("uống nước ... chữa khỏi covid"), another remedy: never linked
    automatically, while the lemongrass wording is."""
    settings = service.ClaimsSettings(match_threshold=0.05, suggest_threshold=0.01)
    novel = service.check_text(db, "Uống nước ép cần tây mỗi ngày chữa khỏi covid", settings=settings, record=False)
    assert novel["decision"] != "match", novel
    known = service.check_text(db, "Uống nước sả nấu mỗi ngày chữa khỏi covid", settings=settings, record=False)
    assert (known["decision"], known["claim_id"]) == ("match", starter["nuoc-sa"].id)


def test_a_wrong_link_is_undone_and_the_text_goes_back_to_triage(db, people, starter):
    garlic, ginger = starter["an-toi"], starter["an-ot"]
    result = service.check_text(db, "ăn tỏi giúp phòng ngừa nhiễm virus corona", reach=12)
    assert result["decision"] == "match" and result["claim_id"] == garlic.id
    assert (garlic.times_seen, garlic.reach) == (1, 12)
    appearance = db.scalar(select(ClaimAppearance).where(ClaimAppearance.claim_id == garlic.id))
    with pytest.raises(service.UserError) as err:
        service.unlink_appearance(db, garlic, appearance.id, people["viewer"])
    assert err.value.status == 403 and garlic.times_seen == 1
    with pytest.raises(service.UserError) as err:  # an appearance of another claim
        service.unlink_appearance(db, ginger, appearance.id, people["editor"])
    assert err.value.status == 404 and garlic.times_seen == 1
    item = service.unlink_appearance(db, garlic, appearance.id, people["editor"])
    assert (garlic.times_seen, garlic.reach) == (0, 0)
    assert db.get(ClaimAppearance, appearance.id) is None
    assert item.status == "open" and item.reach == 12 and "tỏi" in item.text
    assert "gắn nhầm" in garlic.events[-1].note
    linked = service.triage_link(db, item.id, ginger.id, people["editor"])  # a person puts it right
    assert linked.times_seen == 1 and linked.reach == 12
