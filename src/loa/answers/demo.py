"""Demo data: the starter FAQ, and a few citizens' questions it does not answer yet (grouped in the queue)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from loa.answers import service, transfer

UNANSWERED = [
    "Đi đò qua sông Cổ Chiên có cần giấy xét nghiệm không?",
    "đi đò qua sông cổ chiên có phải xét nghiệm ko",
    "Qua phà Cổ Chiên có cần giấy xét nghiệm âm tính không ạ?",
    "Chợ Trà Cú có mở cửa lại chưa?",
    "cho tra cu mo cua lai chua vay",
    "Gọi 0912 345 678 hỏi mà không ai nghe, chùa Âng có cho khách vào tham quan không?",
]


def seed(db: Session, ctx) -> None:
    transfer.import_starter(db)
    for question in UNANSWERED:
        service.queue(db, question, channel="demo")
