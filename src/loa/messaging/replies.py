"""What Loa writes to people on the tiplines, in Vietnamese (the SMS adapter drops the diacritics), and in Khmer
for those who write in Khmer. Menus are numbers; buttons, where a platform has them, carry unambiguous payloads."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from loa.answers.models import FaqEntry
from loa.claims import publishing
from loa.claims.models import Claim
from loa.messaging.adapters import Reply
from loa.text import sentences

DISTRICTS = Path(__file__).parent / "data" / "districts.json"

MENU_CHOICES = (
    ("menu:ask", "1. Hỏi đáp"),
    ("menu:tip", "2. Báo tin đồn"),
    ("menu:subscribe", "3. Đăng ký bản tin"),
    ("menu:unsubscribe", "4. Hủy đăng ký"),
)
ASK_PROMPT = "Mời bạn gõ câu hỏi về sức khỏe. Không cần ghi họ tên hay số điện thoại."
TIP_PROMPT = (
    "Hãy chuyển tiếp tin bạn nghi là sai, gõ lại nội dung hoặc gửi đường dẫn. Loa sẽ chuyển cho cán bộ kiểm chứng."
)
NO_ANSWER = "Chưa có câu trả lời; cán bộ y tế sẽ trả lời bạn."
TIP_QUEUED = "Cảm ơn bạn. Cán bộ sẽ kiểm chứng tin này và gửi kết luận cho bạn khi có."
TIP_PENDING = "Cảm ơn bạn. Tin này đang được kiểm chứng; Loa sẽ gửi kết luận cho bạn khi có."
TIP_TOO_SHORT = "Tin quá ngắn để kiểm chứng. Hãy gửi nguyên văn tin đồn hoặc đường dẫn."
IMAGE_ONLY = "Loa chưa đọc được chữ trong ảnh. Hãy gõ lại nội dung tin đồn hoặc gửi kèm đường dẫn."
STICKER = "Loa chưa hiểu nhãn dán."
LOCATION = "Loa không dùng và không lưu vị trí của bạn. Để nhận bản tin theo huyện, gõ 3."
UNSUPPORTED = "Loa chỉ đọc được tin nhắn chữ, ảnh có chú thích và đường dẫn."
UNSUBSCRIBED = "Đã hủy đăng ký. Loa đã xóa thông tin nhận tin của bạn."
NOT_SUBSCRIBED = "Bạn chưa đăng ký nhận bản tin."
NO_DISTRICTS = "Chưa có danh sách huyện để đăng ký."
# For review by a Khmer speaker: "Sorry, this system does not understand Khmer yet. Health information in Khmer:
# listen to the commune loudspeakers or ask at the commune health station." (+ "Website:" and the address)
KHMER = "សូមអភ័យទោស ប្រព័ន្ធនេះមិនទាន់យល់ភាសាខ្មែរទេ។ ព័ត៌មានសុខភាពជាភាសាខ្មែរ៖ សូមស្តាប់វិទ្យុឃុំ ឬសួរនៅមណ្ឌលសុខភាពឃុំ។"
KHMER_WEB = "គេហទំព័រ៖ {url}"
KHMER_VI = "(Loa chưa hiểu tiếng Khmer. Thông tin tiếng Khmer: loa truyền thanh xã, trạm y tế xã.)"


def menu(province: str, hint: str = "") -> Reply:
    text = (f"{hint}\n\n" if hint else "") + (
        f"Loa – thông tin sức khỏe của Sở Y tế {province}. Gõ số để chọn:\n"
        "1. Hỏi đáp về sức khỏe, tiêm chủng\n"
        "2. Báo tin đồn, tin nghi sai\n"
        "3. Đăng ký nhận bản tin hằng ngày và tin khẩn cấp của huyện\n"
        "4. Hủy đăng ký\n"
        "Hoặc gõ ngay câu hỏi của bạn."
    )
    return Reply(text, MENU_CHOICES)


@cache
def _districts() -> dict:
    return json.loads(DISTRICTS.read_text(encoding="utf-8"))["provinces"]


def districts(province: str) -> list[dict]:
    """The province's districts (``code``, ``name``) in menu order."""
    return list(_districts().get(province, []))


def is_district(code: str) -> bool:
    return any(d["code"] == code for ds in _districts().values() for d in ds)


def district_name(code: str) -> str:
    return next((d["name"] for ds in _districts().values() for d in ds if d["code"] == code), code)


def district_prompt(province: str) -> Reply:
    found = districts(province)
    lines = [f"{n}. {d['name']}" for n, d in enumerate(found, 1)]
    return Reply(
        "Chọn huyện, thị xã, thành phố (gõ số):\n" + "\n".join(lines),
        tuple((f"district:{d['code']}", d["name"]) for d in found),
    )


def subscribed(code: str, window_hours: int | None, platform_label: str) -> Reply:
    text = f"Đã đăng ký nhận bản tin hằng ngày và tin khẩn cấp của {district_name(code)}. Gõ 4 để hủy."
    if window_hours:
        text += (
            f" Lưu ý: {platform_label} chỉ cho phép Loa gửi tin trong {window_hours} giờ sau tin nhắn gần nhất "
            "của bạn; hãy nhắn Loa thường xuyên để tiếp tục nhận."
        )
    return Reply(text)


def answer(result: dict) -> Reply:
    """An approved answer with its source."""
    source = result.get("source") or ""
    if result.get("source_url"):
        source += f" – {result['source_url']}"
    return Reply(f"{result['answer']}\n\nNguồn: {source}")


def answered_later(entry: FaqEntry) -> Reply:
    source = entry.source + (f" – {entry.source_url}" if entry.source_url else "")
    return Reply(f"Câu hỏi bạn gửi Loa đã có câu trả lời.\nHỏi: {entry.question}\n\n{entry.answer}\n\nNguồn: {source}")


def correction(claim: Claim, public_url: str = "") -> Reply:
    """A published fact-check: the rumour, the verdict, the facts in two sentences, the sources, the page."""
    verdict = publishing.verdict_vi(claim)
    lines = [
        f"Kiểm chứng của Sở Y tế: tin “{claim.text}” – {verdict.upper()}."
        if verdict
        else f"Kiểm chứng của Sở Y tế: {claim.text}"
    ]
    lead = " ".join(sentences(claim.explanation)[:2]) if claim.explanation else ""
    if lead:
        lines.append(lead)
    publishers = ", ".join(dict.fromkeys(s.publisher for s in claim.sources))
    if publishers:
        lines.append(f"Nguồn: {publishers}")
    if public_url:
        lines.append(f"Chi tiết: {publishing.url(public_url, claim)}")
    return Reply("\n".join(lines))


def bulletin(found: dict, limit: int = 700) -> Reply:
    """The bulletin's title and its first paragraphs (headings left out), within ``limit`` characters."""
    lines = [line.strip() for line in found.get("text", "").splitlines()]
    body = [line for line in lines if line and re.search(r"[.!?:;)]$", line)]
    text = found.get("title", "")
    for line in body:
        if len(text) + len(line) + 1 > limit:
            break
        text += "\n" + line
    return Reply(text)


def emergency(province: str, text: str) -> Reply:
    return Reply(f"TIN KHẨN CẤP – Sở Y tế {province}:\n{text.strip()}")


def khmer(info_url: str = "") -> Reply:
    return Reply("\n".join([KHMER] + ([KHMER_WEB.format(url=info_url)] if info_url else []) + [KHMER_VI]))
