"""Images and audio files attached to content items, checked by their first bytes and stored under files_dir."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.config import Settings
from loa.content.common import WRITERS, need
from loa.content.models import ContentItem, ItemAttachment
from loa.db import get_or_404
from loa.errors import UserError

# Accepted attachments: media type → (extension, magic-byte test, largest size in MB)
ATTACHMENT_TYPES = {
    "image/png": ("png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n"), 5),
    "image/jpeg": ("jpg", lambda b: b.startswith(b"\xff\xd8\xff"), 5),
    "image/webp": ("webp", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP", 5),
    "audio/mpeg": ("mp3", lambda b: b.startswith(b"ID3") or b[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"), 20),
    "audio/ogg": ("ogg", lambda b: b.startswith(b"OggS"), 20),
    "audio/wav": ("wav", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WAVE", 20),
}


def add_attachment(
    db: Session, settings: Settings, item: ContentItem, user: User, filename: str, data: bytes
) -> ItemAttachment:
    """Store an image (PNG, JPEG, WebP, up to 5 MB) or audio file (MP3, OGG, WAV, up to 20 MB) of an item."""
    need(user, WRITERS)
    media_type = next((t for t, (_e, test, _m) in ATTACHMENT_TYPES.items() if test(data[:16])), None)
    if not data or media_type is None:
        raise UserError(
            "Chỉ nhận ảnh PNG, JPEG, WebP hoặc âm thanh MP3, OGG, WAV.",
            "Only PNG, JPEG, WebP images or MP3, OGG, WAV audio are accepted.",
            415,
        )
    ext, _test, max_mb = ATTACHMENT_TYPES[media_type]
    max_mb = min(max_mb, settings.max_upload_mb)
    if len(data) > max_mb * 1024 * 1024:
        raise UserError(f"Tệp quá lớn (tối đa {max_mb} MB).", f"The file is too large (at most {max_mb} MB).", 413)
    name = Path(filename or "tep").name[:200] or "tep"
    att = ItemAttachment(
        item=item,
        filename=name,
        stored_name=f"{uuid.uuid4().hex}.{ext}",
        media_type=media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=user.id,
    )
    db.add(att)
    db.flush()
    path = attachment_path(settings, att)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return att


def remove_attachment(db: Session, settings: Settings, att: ItemAttachment, user: User) -> None:
    """Delete an attachment of an item still in draft or review, with its file."""
    need(user, WRITERS)
    if att.item.state not in ("draft", "review"):
        raise UserError(
            "Chỉ gỡ được tệp của bài đang soạn hoặc chờ duyệt.", "Only a draft's or a reviewed item's files go.", 409
        )
    path = attachment_path(settings, att)
    att.item.attachments.remove(att)
    db.delete(att)
    db.flush()
    path.unlink(missing_ok=True)


def attachment_path(settings: Settings, att: ItemAttachment) -> Path:
    return settings.files_dir / "content" / att.stored_name


def get_attachment(db: Session, attachment_id: int) -> ItemAttachment:
    return get_or_404(db, ItemAttachment, attachment_id, "Không tìm thấy tệp đính kèm.", "Attachment not found.")
