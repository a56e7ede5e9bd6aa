"""Demo data: four weeks of synthetic public posts (written for Loa) about health topics in Trà Vinh, naming its
districts and communes, with vaccine-access complaints rising over the last three days (raising an alert, and one
for Huyện Trà Cú where most of them come from), a few posts in Khmer each day (counted, left to a Khmer-reading
officer), two feed sources (one failing, backing off), and a misinformation rumour."""

from __future__ import annotations

import random
from datetime import UTC, timedelta

from loa.clock import local_day, local_day_start, today_local, utcnow
from loa.listening import labels, service
from loa.listening.models import Source
from loa.listening.pipeline import Post

CONTEXTS = [
    "nhà tôi ở ấp Sóc Ruộng, xã Ngọc Biên",
    "cả xóm chài ở Long Toàn đang bàn tán chuyện này",
    "mẹ tôi bán rau ở chợ Cầu Kè nghe người ta nói vậy",
    "công nhân khu công nghiệp Long Đức hỏi nhau suốt",
    "hỏi trạm y tế xã Hiếu Tử thì bảo chờ thông báo",
    "nhóm zalo phụ huynh lớp 6A đang hỏi",
    "ông ngoại tôi tám mươi tuổi ở Tiểu Cần",
    "tôi làm phụ hồ ở thành phố mới về quê Trà Cú",
    "chị hàng xóm đang mang bầu tháng thứ sáu",
    "người dân ấp Ô Chát xã Hòa Thuận phản ánh",
    "ba tôi chạy xe ôm ở bến phà Cổ Chiên",
    "hội phụ nữ ấp đang đi vận động từng nhà",
    "đọc trên trang fanpage của huyện thấy ghi vậy",
    "em là sinh viên về quê học trực tuyến",
    "bà con dân tộc Khmer ở Châu Thành cũng thắc mắc",
    "mấy chú ở quán cà phê đầu ấp nói với nhau",
    "bà con ở huyện Cầu Ngang hỏi nhiều lắm",
    "dân TX Duyên Hải đang chờ thông báo",
    "phường 4 TP Trà Vinh cũng vậy",
    "ở H. Càng Long mọi người lo lắm",
]
# where the vaccine-access complaints of the last three days mostly come from (a district alert)
RISING_CONTEXTS = [
    "người dân xã Ngãi Xuyên, huyện Trà Cú phản ánh với cán bộ ấp",
    "ở thị trấn Trà Cú nhiều người chờ từ tuần trước tới giờ",
    "bà con Khmer ở huyện Trà Cú hỏi mãi mà chưa ai trả lời",
    "nhóm zalo của xã Tập Sơn, huyện Trà Cú bàn tán suốt buổi sáng",
    "các cụ ở chùa Khmer gần xã Phước Hưng, huyện Trà Cú cũng than",
]
# Posts in Khmer written for Loa (a child's vaccine, fever in the village, where to get vaccinated, a test,
# vaccination at home), some naming a district in Vietnamese: kept and counted, not classified by topic.
KHMER = [
    "តើកូនខ្ញុំអាចចាក់វ៉ាក់សាំងបានទេ?",
    "នៅភូមិខ្ញុំមានមនុស្សគ្រុនក្តៅច្រើន។",
    "សូមប្រាប់ពីកន្លែងចាក់វ៉ាក់សាំង។",
    "ខ្ញុំឈឺក្បាល និងក្អក តើត្រូវធ្វើតេស្តទេ?",
    "ម្តាយខ្ញុំចាស់ហើយ ចង់ចាក់វ៉ាក់សាំងនៅផ្ទះ។",
]
KHMER_PLACES = ["ở huyện Trà Cú", "ở xã Long Hiệp, huyện Trà Cú", "ở Châu Thành", "ở huyện Cầu Ngang", ""]
ACCESS = [
    "Đăng ký tiêm từ tháng trước mà đến giờ vẫn chưa tới lượt",
    "Xã bên đã tiêm hết mà ấp tôi chưa có lịch tiêm vắc xin",
    "Gọi trạm y tế hỏi lịch tiêm mũi hai thì không ai bắt máy",
    "Danh sách ưu tiên tiêm chủng không thấy tên mẹ tôi",
    "Điểm tiêm lưu động hẹn về ấp mà hoãn ba lần",
    "Người trên 65 tuổi chờ mãi chưa được gọi đi tiêm",
    "Xếp hàng ở điểm tiêm từ sáng mà hết vắc xin phải về",
    "Không biết đăng ký tiêm vắc xin ở đâu cho ba mẹ già",
]
WEIGHTS = {
    14: 6,
    23: 3,
    20: 3,
    22: 3,
    4: 2,
    24: 2,
    28: 2,
    34: 3,
    11: 2,
    38: 2,
    39: 2,
    40: 1,
    12: 1,
    7: 2,
    26: 2,
    25: 1,
    6: 1,
    18: 1,
    31: 1,
    32: 1,
    33: 1,
    36: 1,
    37: 1,
}


def posts(days: int = 28, seed: int = 2021) -> list[Post]:
    rng = random.Random(seed)
    by_topic: dict[int, list[str]] = {}
    for ex in labels.seeds():
        by_topic.setdefault(ex.subcategories[0], []).append(ex.text.rstrip(".?!"))
    today = local_day_start(today_local())
    rising = [f"{a}, {c}." for a in ACCESS for c in CONTEXTS]
    rising_here = [f"{a}, {c}." for a in ACCESS for c in RISING_CONTEXTS]
    rng.shuffle(rising)
    rng.shuffle(rising_here)
    out = []
    for back in range(days, -1, -1):
        day = today - timedelta(days=back)
        for topic, weight in WEIGHTS.items():
            n = rng.randint(max(0, weight - 1), weight + 1)
            if topic == 23 and back <= 2:
                n = (3 - back) * 9  # vaccine access complaints rise over the last three days
            for _ in range(n):
                if topic == 23 and back <= 2:
                    text = (rising_here if rng.random() < 0.6 and rising_here else rising).pop()
                else:
                    text = f"{rng.choice(by_topic[topic])}, {rng.choice(CONTEXTS)}."
                when = day + timedelta(hours=rng.randint(6, 22), minutes=rng.randint(0, 59))
                out.append(
                    Post(
                        text,
                        when.astimezone(UTC),
                        platform=rng.choice(["facebook", "zalo", "tiktok"]),
                        engagement=rng.randint(0, 40),
                    )
                )
        for _ in range(rng.randint(1, 3)):
            when = day + timedelta(hours=rng.randint(6, 22), minutes=rng.randint(0, 59))
            first, second = rng.sample(KHMER, 2)
            text = f"{first} {second} {rng.choice(KHMER_PLACES)}".strip()
            out.append(Post(text, when.astimezone(UTC), platform="facebook"))
    return out


def seed(db, ctx) -> None:
    now = utcnow()
    db.add(
        Source(
            name="Báo Trà Vinh - Sức khỏe",
            kind="feed",
            url="https://www.baotravinh.vn/rss/suc-khoe.rss",
            platform="báo điện tử",
            status="ok",
            last_polled_at=now - timedelta(minutes=20),
            last_ok_at=now - timedelta(minutes=20),
            next_poll_at=now + timedelta(minutes=40),
            items_added=0,
        )
    )
    db.add(
        Source(
            name="Cổng thông tin Sở Y tế",
            kind="feed",
            url="https://syt.travinh.gov.vn/rss/tin-dich.rss",
            platform="cổng thông tin",
            status="failing",
            failures=3,
            last_error="Nguồn không phản hồi trong 20 giây (quá thời gian chờ).",
            last_polled_at=now - timedelta(hours=1),
            next_poll_at=now + timedelta(hours=3),
        )
    )
    source = service.upload_source(db, "facebook")
    items = posts()
    service.ingest(db, items, source_id=source.id, check_claims=False)
    days = sorted({local_day(p.published_at) for p in items})
    for day in days[7:]:
        service.detect(db, day)
