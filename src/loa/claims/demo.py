"""Demo data: the starter registry, several published fact-checks, matches and a few items in triage."""

from __future__ import annotations

from sqlalchemy.orm import Session

from loa.claims import service
from loa.claims.schemas import ClaimChanges

PUBLISH = [
    "vac-xin-vo-sinh",
    "xong-hoi-la",
    "chanh-gung-mat-ong",
    "khang-sinh",
    "5g-lay-virus",
    "khau-trang-thieu-oxy",
    "suc-mieng-nuoc-muoi",
    "vac-xin-giam-benh-nang",
]
SEEN = [
    ("Nghe nói tiêm vắc xin covid xong là bị vô sinh, chị em cẩn thận nha", 320),
    ("Xông lá sả, lá bưởi chữa khỏi covid, nhà mình xông mỗi tối", 150),
    ("Uống nước chanh gừng mật ong ấm diệt được virus corona", 90),
    ("Vắc xin COVID-19 không gây vô sinh, Bộ Y tế đã khẳng định", 60),
]
# citizens' questions on the public Q&A page: one states a claim (kept apart, not counted), one only asks
QUESTIONS = [
    "Cho em hỏi có phải tiêm vắc xin covid xong là bị vô sinh không ạ?",
    "Trẻ em mấy tuổi thì được tiêm vắc xin covid?",
]
TRIAGE = [
    ("Ăn nhiều rau diếp cá giúp chữa khỏi covid trong 3 ngày", 240),
    ("Uống nước dừa tươi mỗi sáng giúp phòng được virus corona", 120),
    ("Tiêm mũi 3 vắc xin gây đông máu ở 90% người tiêm", 400),
    ("Đắp khăn tẩm dầu gió lên mũi ngăn virus corona xâm nhập phổi", 45),
]


def seed(db: Session, ctx) -> None:
    editor, reviewer, coordinator = ctx.users["editor"], ctx.users["reviewer"], ctx.users["coordinator"]
    db.info["actor_name"] = "demo"
    service.import_starter(db, coordinator)  # drafts: the reviewer concludes, another person publishes
    claims = {c.key: c for c in service.list_claims(db)}
    for claim in claims.values():
        service.transition(db, claim, "concluded", reviewer)
    for key in PUBLISH:
        service.transition(db, claims[key], "published", editor)
    for text, reach in SEEN + TRIAGE:
        service.check_text(db, text, reach=reach, origin="listening")
    for text in QUESTIONS:
        service.check_text(db, text, origin="answers", question=True)
    new = service.create_claim(
        db, editor, text="Uống nước ngâm lá ổi non chữa khỏi COVID-19 ở người cao tuổi", tags=["điều trị", "dân gian"]
    )
    service.transition(db, new, "investigating", editor)
    service.update_claim(
        db,
        new,
        reviewer,
        ClaimChanges(
            verdict="false",
            explanation=(
                "Chưa có nghiên cứu nào cho thấy nước lá ổi chữa được COVID-19. Người cao tuổi mắc COVID-19 cần được "
                "theo dõi sát và liên hệ trạm y tế khi có dấu hiệu khó thở."
            ),
        ),
    )
    service.add_source(
        db,
        new,
        reviewer,
        publisher="Bộ Y tế",
        url="https://covid19.gov.vn",
        title="Cổng thông tin của Bộ Y tế về đại dịch COVID-19",
        date_="2021-08-01",
    )
