"""Demo data: a few conversations per platform (questions answered and queued, rumours checked, a Khmer message)
and subscriptions spread over the districts, read by the same conversation core as real webhooks, without
sending anything (the platforms have no settings in the demo, so they are off)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from loa.messaging.adapters import ADAPTERS, Message
from loa.messaging.config import Setup
from loa.messaging.conversation import handle

CONVERSATIONS = {
    "zalo": [
        ["Tiêm vắc xin xong có được uống thuốc hạ sốt không?"],
        ["2", "Nghe nói tiêm vắc xin covid xong là bị vô sinh, chị em cẩn thận nha"],
        ["Xe khách Trà Vinh đi Sài Gòn đã chạy lại chưa vậy?"],
        ["សួស្តី តើខ្ញុំអាចចាក់វ៉ាក់សាំងនៅឯណា?"],
    ],
    "telegram": [
        ["/start", "1", "F0 cách ly tại nhà cần chuẩn bị những gì?"],
        ["2", "Uống nước dừa tươi mỗi sáng giúp phòng được virus corona https://bit.ly/nuoc-dua-covid"],
    ],
    "messenger": [
        ["Trẻ em dưới 12 tuổi có được tiêm vắc xin không?"],
        ["Chợ Trà Cú có mở cửa lại chưa?"],
        ["2", "Xông lá sả, lá bưởi chữa khỏi covid, nhà mình xông mỗi tối"],
    ],
    "sms": [
        ["1", "Bi sot sau tiem vac xin thi lam sao?"],
        ["2", "Tiem mui 3 vac xin gay dong mau o 90% nguoi tiem"],
    ],
}
SUBSCRIBERS = {"zalo": [1, 1, 2, 5, 7, 7, 7, 9], "telegram": [1, 3, 6], "messenger": [1, 4, 7], "sms": [2, 7, 7, 8]}


def seed(db: Session, ctx) -> None:
    setup = Setup.of(ctx.settings)
    n = 0

    def say(platform: str, who: str, text: str, kind: str = "text") -> None:
        nonlocal n
        n += 1
        message = Message(platform, f"demo-{n}", f"demo-{platform}-{who}", "link" if "http" in text else kind, text)
        handle(db, setup, ADAPTERS[platform](setup.conf), message, deliver=False)

    for platform, conversations in CONVERSATIONS.items():
        for c, texts in enumerate(conversations):
            for text in texts:
                say(platform, f"c{c}", text)
        for s, district in enumerate(SUBSCRIBERS[platform]):
            say(platform, f"s{s}", f"DK {district}")
    say("messenger", "c0", "", "sticker")
