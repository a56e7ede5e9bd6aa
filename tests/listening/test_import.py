"""Uploads: privacy at the door, column mapping, idempotent re-import, reposts, kill and resume."""

import csv
import io

import pytest
from sqlalchemy import inspect, select

from loa.errors import UserError
from loa.listening import service
from loa.listening.models import DailyCount, ImportJob, Item, SeenPost
from loa.listening.pipeline import Post
from tests.listening.conftest import days_ago

AUTHOR_WORDS = ("author", "handle", "user", "profile", "account", "name", "uid", "owner", "fb_id")


def export(rows: list[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode()


ASKS = [
    "Tiêm vắc xin mũi nhắc lại xong bị sốt cao cả đêm thì có sao không",
    "Khi nào mới có lịch xét nghiệm PCR miễn phí cho tiểu thương đi chợ",
    "Mất việc mấy tháng rồi mà tiền hỗ trợ theo nghị quyết 68 vẫn chưa nhận được",
    "Đeo khẩu trang vải hai lớp khi đi lễ chùa có đủ an toàn không",
    "Con học lớp 7 chừng nào mới được đi học trực tiếp trở lại",
]
DETAILS = [
    "nhà tôi ở ấp Giồng Lớn gần bến đò",
    "mẹ tôi đã ngoài bảy mươi tuổi và bị tiểu đường",
    "cả xóm chài đang hỏi nhau mà không ai biết",
    "trạm y tế xã nói chờ thông báo mới",
    "tôi gọi đường dây nóng ba lần đều không ai nghe",
    "vợ tôi đang mang thai tháng thứ năm",
    "hàng xóm bảo đọc trên nhóm zalo của ấp",
    "tuần trước ủy ban xã có loa thông báo",
    "ba tôi bán vé số dạo ngoài chợ huyện",
]


def sample(n: int = 30) -> list[dict]:
    return [
        {
            "text": f"{ASKS[i % 5]}, {DETAILS[(i // 5) % 9]}? Liên hệ 09{i:08d}.",
            "time": f"2021-10-0{1 + i % 5}T08:{i % 60:02d}:00+07:00",
            "author_name": f"Nguyễn Văn Tác Giả {i}",
            "author_handle": f"@tacgia{i}",
            "profile_url": f"https://facebook.com/tacgia{i}",
            "user_id": f"10000{i}",
            "platform": "facebook",
            "likes": str(i % 7),
            "shares": "1",
        }
        for i in range(n)
    ]


def test_schema_has_no_author_column(db):
    for table in (
        "listening_items",
        "listening_sources",
        "listening_imports",
        "listening_seen",
        "listening_daily",
        "listening_alerts",
        "listening_topics",
    ):
        names = [c["name"] for c in inspect(db.get_bind()).get_columns(table)]
        assert names, table
        for name in names:
            assert not any(
                w in name
                for w in AUTHOR_WORDS
                if not (table == "listening_topics" and name.startswith("name_"))
                and not (table == "listening_sources" and name == "name")
                and not (table == "listening_imports" and name == "filename")
            ), (table, name)


def test_upload_drops_authors_and_scrubs(db):
    rows = sample(12)
    job = service.start_import(db, export(rows), "export.csv")
    assert job.mapping["text"] == "text" and "author_name" not in job.mapping.values()
    service.run_import(db, job, export(rows))
    items = list(db.scalars(select(Item).order_by(Item.id)))  # in file order (PostgreSQL keeps no order unasked)
    assert len(items) == 12
    dump = " ".join(str(v) for i in items for v in (i.text, i.url, i.platform, i.subcategories))
    for r in rows:
        assert r["author_name"] not in dump and r["author_handle"] not in dump and r["profile_url"] not in dump
        assert r["user_id"] not in dump
    assert "[SĐT]" in items[0].text and "09000000" not in dump
    assert all(i.url == "" for i in items)  # social posts keep no link (it can name the account)
    assert items[0].engagement == 1  # likes 0 + shares 1


def test_reimport_adds_nothing_and_reordered_file_neither(db):
    rows = sample(20)
    data = export(rows)
    job = service.run_import(db, service.start_import(db, data, "a.csv"), data)
    n_items, n_counts = (
        db.scalar(select(Item.id).order_by(Item.id.desc()).limit(1)),
        len(list(db.scalars(select(DailyCount)))),
    )
    again = service.start_import(db, data, "a-again.csv")
    assert again.id == job.id and again.status == "done"
    service.run_import(db, again, data)
    shuffled = export(list(reversed(rows)))
    other = service.run_import(db, service.start_import(db, shuffled, "b.csv"), shuffled)
    assert other.added == 0 and other.duplicates == 20
    assert len(list(db.scalars(select(Item)))) == 20
    assert (
        sum(
            c.items
            for c in db.scalars(
                select(DailyCount).where(DailyCount.topic == 0, DailyCount.district == "", DailyCount.language == "")
            )
        )
        == 20
    )
    assert len(list(db.scalars(select(DailyCount)))) == n_counts
    assert n_items


def test_reposts_add_reach_not_items(db):
    when = days_ago(1)
    text = "Nghe nói tiêm vắc xin xong bị đông máu, mọi người có ai bị chưa, tôi sợ quá không dám đi tiêm."
    posts = [
        Post(text, when, platform="facebook", engagement=3),
        Post(text + " ", when.replace(hour=10), platform="zalo"),  # same words: exact repost
        Post("Chia sẻ lại: " + text.replace("quá", "lắm"), when.replace(hour=11)),  # near copy
        Post("Lịch tiêm mũi nhắc lại tại trạm y tế xã Long Hòa là thứ Bảy tuần này.", when),
    ]
    stats = service.ingest(db, posts)
    assert stats.added == 2 and stats.reposts == 2
    story = db.scalar(select(Item).where(Item.text.like("Nghe nói%")))
    assert story.copies == 3 and story.engagement == 3
    total = db.scalar(
        select(DailyCount).where(DailyCount.topic == 0, DailyCount.district == "", DailyCount.language == "")
    )
    assert total.items == 2 and total.reach == 1 + 3 + 1 + 1 + 1


def test_mapping_step_for_other_exports(db):
    rows = [
        {
            "Nội dung bình luận": "Con tôi 15 tuổi tiêm vắc xin Pfizer có an toàn không?",
            "Ngày": "05/10/2021 20:15",
            "Tên người bình luận": "Lê Thị Phụ Huynh",
        },
        {
            "Nội dung bình luận": "Trường học cho học sinh đi học lại khi nào vậy?",
            "Ngày": "06/10/2021",
            "Tên người bình luận": "Kim Văn Cha",
        },
    ]
    data = export(rows)
    cols = service.columns(data, "csv")
    assert service.guess_mapping(cols) == {}
    with pytest.raises(UserError):
        service.start_import(db, data, "binh-luan.csv")
    job = service.start_import(db, data, "binh-luan.csv", {"text": "Nội dung bình luận", "time": "Ngày"})
    service.run_import(db, job, data)
    texts = [i.text for i in db.scalars(select(Item))]
    assert len(texts) == 2 and not any("Phụ Huynh" in t or "Kim Văn" in t for t in texts)


def test_invalid_rows_refused_whole(db, settings):
    rows = sample(5)
    rows[3]["time"] = "hôm qua"
    with pytest.raises(UserError) as err:
        service.start_import(db, export(rows), "bad.csv")
    assert err.value.details[0]["row"] == 4
    assert db.scalar(select(Item)) is None and db.scalar(select(ImportJob)) is None


def test_killed_import_resumes_without_loss_or_duplicates(db, monkeypatch):
    monkeypatch.setenv("LOA_LISTENING_BATCH_SIZE", "10")
    rows = sample(45)
    data = export(rows)
    job = service.start_import(db, data, "big.csv")
    real_flush = service.Ingestor.flush
    calls = {"n": 0}

    def dying_flush(self):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")  # the process dies in the middle of the third batch
        real_flush(self)

    monkeypatch.setattr(service.Ingestor, "flush", dying_flush)
    with pytest.raises(KeyboardInterrupt):
        service.run_import(db, job, data)
    db.rollback()
    db.expire_all()
    job = db.get(ImportJob, job.id)
    assert job.status == "running" and 0 < job.position < 45
    assert len(list(db.scalars(select(Item)))) == job.position  # committed batches only
    monkeypatch.setattr(service.Ingestor, "flush", real_flush)
    resumed = service.run_import(db, service.start_import(db, data, "big.csv"), data)
    assert resumed.status == "done" and resumed.position == 45
    items = list(db.scalars(select(Item)))
    assert len(items) == 45 and len({i.exact_hash for i in items}) == 45
    assert len(list(db.scalars(select(SeenPost)))) == 45
    assert (
        sum(
            c.items
            for c in db.scalars(
                select(DailyCount).where(DailyCount.topic == 0, DailyCount.district == "", DailyCount.language == "")
            )
        )
        == 45
    )


BROKEN_QUOTE = (
    "text,time\n"
    "Tiêm mũi nhắc lại có cần nhịn ăn không,2021-10-06 07:00\n"
    '"Chợ Long Xuyên mở lại chưa vậy mọi người,2021-10-06 08:00\n'  # the quote is never closed
    "Xét nghiệm PCR ở đâu miễn phí,2021-10-06 09:00\n"
    "Trạm y tế xã mấy giờ mở cửa,2021-10-06 10:00\n"
).encode()


def test_broken_quote_is_refused_with_its_line(db, login, settings):
    with pytest.raises(UserError) as exc:
        service.start_import(db, BROKEN_QUOTE, "export.csv")
    assert "Dòng 3" in exc.value.message and "Line 3" in exc.value.message_en
    assert db.scalars(select(ImportJob)).all() == [] and db.scalars(select(Item)).all() == []
    c = login("agency_member")
    r = c.post(
        "/listening/upload",
        files={"file": ("export.csv", BROKEN_QUOTE, "text/csv")},
        data={"csrf_token": c.csrf},
        follow_redirects=False,
    )
    assert r.status_code == 422 and "Dòng 3" in r.text
    r = c.post(
        "/api/v1/listening/import",
        files={"file": ("export.csv", BROKEN_QUOTE, "text/csv")},
        data={"mapping": '{"text": "text", "time": "time"}'},
    )
    job = c.get(r.json()["job"]["url"]).json()
    assert job["status"] == "failed" and ("Dòng 3" in str(job) or "Line 3" in str(job)), job
    db.expire_all()
    assert db.scalars(select(Item)).all() == []


def test_quoted_text_over_several_lines_is_one_post(db):
    data = 'text,time\n"Vắc xin có an toàn không,\nnhất là cho người già?",2021-10-06 07:00\n'.encode()
    job = service.start_import(db, data, "export.csv")
    service.run_import(db, job, data)
    assert [i.text for i in db.scalars(select(Item))] == ["Vắc xin có an toàn không, nhất là cho người già?"]


def test_upload_scrubs_names_and_hamlet_addresses(db):
    rows = [
        {"text": "Chị Nguyễn Thị Lan ở ấp 3 xã Long Hòa bị dương tính", "time": "2021-10-25T08:00:00+07:00"},
        {"text": "Nhà số 45 ấp Chợ có 4 người sốt, Bà Rịa cũng vậy", "time": "2021-10-25T09:00:00+07:00"},
    ]
    job = service.start_import(db, export(rows), "export.csv")
    service.run_import(db, job, export(rows))
    stored = sorted(db.scalars(select(Item.text)))
    assert stored == [
        "Chị [TÊN] ở ấp 3 xã Long Hòa bị dương tính",
        "[ĐỊA CHỈ] có 4 người sốt, Bà Rịa cũng vậy",
    ]
