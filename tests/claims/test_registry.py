import json

import pytest
from sqlalchemy import func, select

from loa.claims import service
from loa.claims.models import Claim, ClaimEvent
from loa.claims.schemas import ClaimChanges
from loa.errors import UserError
from loa.jobs.models import Job
from tests.conftest import audit_count, count, job_of


def test_starter_registry_imports_once(db, people):
    data = json.loads(service.STARTER.read_text(encoding="utf-8"))["claims"]
    assert len(data) >= 30
    keys = " ".join(c["key"] for c in data)
    for topic in (
        "5g",
        "tam-nuoc-nong",
        "toi",
        "xit-con",
        "may-say-tay",
        "uv",
        "khang-sinh",
        "lanh",
        "xong",
        "chanh-gung",
        "nuoc-sa",
        "vo-sinh",
        "nuoc-muoi",
    ):
        assert topic in keys, topic
    for c in data:
        assert (
            c["explanation"]
            and c["sources"]
            and all(s["url"].startswith("https://") and s["date"] for s in c["sources"])
        )
    first = service.import_starter(db, people["coordinator"])
    assert first["created"] == len(data)
    again = service.import_starter(db, people["coordinator"])
    assert again == {"created": 0, "updated": 0, "unchanged": len(data), "conflicts": []}
    claim = db.scalar(select(Claim).where(Claim.key == "vac-xin-vo-sinh"))
    assert claim.status == "investigating" and claim.verdict == "false" and claim.sources[0].date is not None
    assert claim.author_id == people["coordinator"].id  # a draft: a reviewer other than the importer concludes


@pytest.mark.parametrize(
    "raw,needle",
    [
        (b"{not json", "JSON"),
        (b"\xff\xfe\x00", "UTF-8"),
        (json.dumps({"claims": []}).encode(), "claims"),
        (
            json.dumps(
                {
                    "claims": [
                        {
                            "text": "Một tin hợp lệ về vắc xin",
                            "verdict": "false",
                            "explanation": "x",
                            "sources": [{"publisher": "WHO", "url": "https://who.int"}],
                        },
                        {
                            "text": "Tin thứ hai không có kết luận",
                            "explanation": "y",
                            "sources": [{"publisher": "WHO", "url": "https://who.int"}],
                        },
                    ]
                }
            ).encode(),
            "#2",
        ),
        (
            json.dumps(
                {
                    "claims": [
                        {
                            "text": "Tin có nguồn hỏng ở đây",
                            "verdict": "false",
                            "explanation": "x",
                            "sources": [{"publisher": "WHO", "url": "ftp://x"}],
                        }
                    ]
                }
            ).encode(),
            "#1",
        ),
    ],
)
def test_bad_import_is_refused_and_writes_nothing(db, people, settings, raw, needle):
    db.commit()
    before = audit_count(settings)
    with pytest.raises(UserError) as err:
        service.import_claims(db, raw, people["coordinator"])
    db.rollback()
    assert needle in err.value.message
    assert audit_count(settings) == before
    assert db.scalar(select(func.count()).select_from(Claim)) == 0


def test_workflow_records_who_and_when_and_publisher_is_not_author(db, people):
    editor, reviewer, coordinator = people["editor"], people["reviewer"], people["coordinator"]
    claim = service.create_claim(db, editor, text="Uống nước dừa mỗi sáng phòng được COVID-19")
    assert claim.status == "new" and claim.author_id == editor.id
    with pytest.raises(UserError) as err:
        service.transition(db, claim, "investigating", people["viewer"])
    assert err.value.status == 403
    service.transition(db, claim, "investigating", editor)
    with pytest.raises(UserError) as err:  # no verdict, explanation, source yet
        service.transition(db, claim, "concluded", reviewer)
    assert err.value.status == 422
    service.update_claim(
        db, claim, editor, ClaimChanges(verdict="false", explanation="Không có bằng chứng nước dừa phòng bệnh.")
    )
    service.add_source(db, claim, editor, publisher="WHO", url="https://www.who.int", date_="2021-05-13")
    with pytest.raises(UserError) as err:  # editors do not conclude
        service.transition(db, claim, "concluded", editor)
    assert err.value.status == 403
    service.transition(db, claim, "concluded", reviewer)
    assert claim.concluded_by_id == reviewer.id and claim.concluded_at is not None
    with pytest.raises(UserError):  # text frozen once concluded
        service.update_claim(db, claim, editor, ClaimChanges(verdict="true"))
    with pytest.raises(UserError) as err:  # the author may not publish
        service.transition(db, claim, "published", editor)
    assert err.value.status == 403 and "khác người viết" in err.value.message
    with pytest.raises(UserError) as err:  # admins pass role checks, not the author rule
        admin_claim = service.create_claim(db, people["admin"], text="Tin do quản trị viên tạo để thử")
        admin_claim.status = "concluded"
        service.transition(db, admin_claim, "published", people["admin"])
    assert err.value.status == 403
    service.transition(db, claim, "published", coordinator)
    assert claim.published_by_id == coordinator.id and claim.published_at is not None
    assert claim.spoken_text and claim.social_text
    steps = [(e.from_status, e.to_status, e.actor_id) for e in claim.events]
    assert steps == [
        ("", "new", editor.id),
        ("new", "investigating", editor.id),
        ("investigating", "concluded", reviewer.id),
        ("concluded", "published", coordinator.id),
    ]
    assert all(e.at is not None for e in claim.events)


def test_pause_resumes_where_it_stopped(db, people):
    claim = service.create_claim(db, people["editor"], text="Ăn cháo hành giải cảm là khỏi COVID-19")
    service.transition(db, claim, "investigating", people["editor"])
    with pytest.raises(UserError):
        service.transition(db, claim, "paused", people["editor"])  # editors do not pause
    service.transition(db, claim, "paused", people["coordinator"], "chờ ý kiến chuyên gia")
    assert service.allowed_transitions(claim, people["coordinator"]) == ["investigating"]
    with pytest.raises(UserError):
        service.transition(db, claim, "new", people["coordinator"])
    service.transition(db, claim, "investigating", people["coordinator"])
    assert claim.status == "investigating" and claim.paused_from == ""
    assert (
        db.scalar(select(func.count()).select_from(ClaimEvent).where(ClaimEvent.note == "chờ ý kiến chuyên gia")) == 1
    )


def test_allowed_transitions_per_role(db, people, starter):
    claim = starter["an-toi"]
    assert service.allowed_transitions(claim, people["viewer"]) == []
    assert service.allowed_transitions(claim, people["agency_member"]) == []
    assert set(service.allowed_transitions(claim, people["reviewer"])) == {"investigating", "published", "paused"}
    assert set(service.allowed_transitions(claim, people["editor"])) == {"published"}


def test_publishing_creates_a_fact_check_content_item(db, people, starter):
    from loa.content.models import ContentItem

    claim = service.transition(db, starter["xong-hoi-la"], "published", people["editor"])
    item = db.get(ContentItem, claim.content_item_id)
    assert item.kind == "fact_check" and "Xông hơi" in item.title and "covid19.gov.vn" in item.body


def test_web_and_api_import(login, settings, db):
    c = login("coordinator")
    before = audit_count(settings)
    bad = c.post(
        "/claims/import",
        files={"file": ("x.json", b'{"claims": [{"text": "thi\xe1\xba\xbfu h\xe1\xba\xbft"}]}', "application/json")},
        data={"csrf_token": c.csrf},
        follow_redirects=False,
    )
    job = job_of(c, bad)
    assert job["status"] == "failed" and "#1" in job["message"] and job["errors"][0]["line"] == 1
    assert audit_count(settings) == before
    good = service.STARTER.read_bytes()
    r = c.post(
        "/claims/import",
        files={"file": ("starter.json", good, "application/json")},
        data={"csrf_token": c.csrf},
        follow_redirects=False,
    )
    job = job_of(c, r)
    assert job["status"] == "done" and job["kind"] == "claims.import" and job["result"]["url"] == "/claims"
    assert job["counts"] == {"total": 39, "created": 39, "updated": 0, "unchanged": 0, "conflicts": 0}
    assert count(db, Claim) == 39 and "Tin mới" in c.get(r.headers["location"]).text
    again = job_of(c, c.post("/api/v1/claims/import", content=good))
    assert again["result"] == {**again["result"], "created": 0, "updated": 0, "unchanged": 39, "conflicts": []}
    starter = job_of(c, c.post("/claims/import", data={"csrf_token": c.csrf, "starter": "1"}, follow_redirects=False))
    assert starter["result"]["unchanged"] == 39 and count(db, Claim) == 39
    editor, queued = login("editor"), count(db, Job)
    assert editor.post("/api/v1/claims/import", content=good).status_code == 403
    assert editor.post("/claims/import", data={"csrf_token": editor.csrf, "starter": "1"}).status_code == 403
    assert count(db, Job) == queued  # refused in the request: no job


BAD_FILE = """{
  "version": 1, "notes": ["danh mục thử", {"claims": []}],
  "claims": [
    {"text": "Một tin hợp lệ về vắc xin", "verdict": "false", "explanation": "x",
     "sources": [{"publisher": "WHO", "url": "https://who.int"}]},
    {"text": "Tin thứ hai không có kết luận", "explanation": "y",
     "sources": [{"publisher": "WHO", "url": "https://who.int"}]},
    {"text": "Tin thứ ba có nguồn hỏng", "verdict": "false", "explanation": "z",
     "sources": [{"publisher": "WHO", "url": "ftp://x"}]}
  ]
}"""


def test_bad_file_fails_the_job_with_each_entry_line_and_stores_nothing(login, settings, db):
    c = login("coordinator")
    before = audit_count(settings)
    job = job_of(c, c.post("/api/v1/claims/import", content=BAD_FILE.encode()))
    assert job["status"] == "failed" and job["message"].startswith("Tệp tin sai lệch không hợp lệ, chưa nhập gì")
    assert [e["line"] for e in job["errors"]] == [6, 8]
    assert job["errors"][0]["problem"] == "#2: kết luận không hợp lệ / invalid verdict None"
    page = c.get(f"/jobs/{job['id']}").text
    assert "<td>6</td>" in page and "<td>8</td>" in page and "#3: nguồn không hợp lệ" in page
    broken = c.post(
        "/claims/import",
        files={"file": ("x.json", BAD_FILE[:200].encode(), "application/json")},
        data={"csrf_token": c.csrf},
        follow_redirects=False,
    )
    job = job_of(c, broken)
    assert job["status"] == "failed" and job["message"].startswith("Tệp JSON hỏng ở dòng 5:")
    assert "Tệp JSON hỏng ở dòng 5:" in c.get(broken.headers["location"]).text
    assert audit_count(settings) == before and count(db, Claim) == 0


def test_phrasings_edited_on_the_claim_page_are_matched_at_once(login, db, starter):
    claim = starter["an-ot"]
    post = "Nghe mấy chị bán rau nói ớt xiêm rừng xoa ngực là virus corona hết dám lại gần"
    assert service.check_text(db, post, record=False)["decision"] != "match"
    db.commit()
    c = login("editor")
    assert "Cách nói khác" in c.get(f"/claims/{claim.id}").text
    phrasings = "ớt xiêm rừng xoa ngực là virus corona hết dám lại gần\nớt hiểm phòng được covid, bà con nhớ ăn"
    r = c.post(f"/claims/{claim.id}", data={"csrf_token": c.csrf, "phrasings": phrasings}, follow_redirects=False)
    assert r.status_code == 303
    db.expire_all()
    assert db.get(Claim, claim.id).phrasings == phrasings.split("\n")  # one per line, commas kept
    assert service.check_text(db, post, record=False)["claim_id"] == claim.id
    assert service.check_text(db, post, record=False)["decision"] == "match"
    assert login("viewer").post(f"/claims/{claim.id}", data={"phrasings": "x"}).status_code == 403


def test_phrasings_are_scrubbed_and_kept_whole(db, people, starter):
    claim = service.update_claim(
        db,
        starter["an-ot"],
        people["editor"],
        ClaimChanges(phrasings="ăn ớt, gừng là hết covid, gọi 0912 345 678 mua ớt\n\n  ớt phòng covid  "),
    )
    assert claim.phrasings[1] == "ớt phòng covid" and len(claim.phrasings) == 2
    assert claim.phrasings[0].startswith("ăn ớt, gừng là hết covid") and "0912" not in claim.phrasings[0]


ONE = {
    "key": "toi-phong-covid",
    "text": "Ăn tỏi giúp phòng ngừa nhiễm virus corona",
    "verdict": "false",
    "explanation": "Không có bằng chứng tỏi phòng được COVID-19.",
    "sources": [{"publisher": "WHO", "url": "https://www.who.int"}],
}


def _file(**changes) -> str:
    return json.dumps({"claims": [{**ONE, **changes}]})


def test_an_import_needs_a_second_person_for_its_verdict(db, people):
    """Imported claims are drafts; neither the importer (even an administrator) nor the author concludes or
    publishes them; a reviewer does, and then someone other than the importer publishes."""
    admin, coordinator, reviewer = people["admin"], people["coordinator"], people["reviewer"]
    service.import_claims(db, _file(), admin)
    claim = db.scalar(select(Claim).where(Claim.key == "toi-phong-covid"))
    assert claim.status == "investigating" and claim.concluded_at is None
    for who in (admin, coordinator):  # the importer, and a coordinator who may not conclude
        with pytest.raises(UserError) as err:
            service.transition(db, claim, "concluded", who)
        assert err.value.status == 403
    assert "concluded" not in service.allowed_transitions(claim, admin)
    service.import_claims(db, _file(explanation="Tỏi không phòng được COVID-19 (WHO)."), coordinator)
    assert claim.explanation.startswith("Tỏi") and claim.status == "investigating"  # a draft is updated
    service.transition(db, claim, "concluded", reviewer)
    for who in (admin, coordinator):  # both imported it
        with pytest.raises(UserError) as err:
            service.transition(db, claim, "published", who)
        assert err.value.status == 403 and "người nhập" in err.value.message
    service.transition(db, claim, "published", people["editor"])
    assert claim.status == "published"


@pytest.mark.parametrize("status", ["concluded", "published", "paused"])
def test_reimport_never_changes_a_verdict_in_force(db, people, status):
    service.import_claims(db, _file(), people["coordinator"])
    claim = db.scalar(select(Claim).where(Claim.key == "toi-phong-covid"))
    service.transition(db, claim, "concluded", people["reviewer"])
    if status != "concluded":
        service.transition(db, claim, status, people["reviewer"])
    events = len(claim.events)
    result = service.import_claims(db, _file(verdict="true", explanation="Tỏi phòng được."), people["coordinator"])
    assert result == {"created": 0, "updated": 0, "unchanged": 0, "conflicts": ["toi-phong-covid"]}
    assert claim.verdict == "false" and claim.status == status and len(claim.events) == events
    with pytest.raises(UserError) as err:  # as a change by hand is refused
        service.update_claim(db, claim, people["editor"], ClaimChanges(verdict="true"))
    assert err.value.status == 409


def test_import_job_reports_conflicts(login, settings, db, people):
    service.import_claims(db, _file(), people["coordinator"])
    service.transition(db, db.scalar(select(Claim)), "concluded", people["reviewer"])
    db.commit()
    c = login("coordinator")
    job = job_of(c, c.post("/api/v1/claims/import", content=_file(verdict="true")))
    assert job["status"] == "done" and job["counts"]["conflicts"] == 1 and job["result"]["conflicts"] == [ONE["key"]]
    assert "toi-phong-covid" in job["message"] and "mở lại" in job["message"]
    db.expire_all()
    assert db.scalar(select(Claim)).verdict == "false"
