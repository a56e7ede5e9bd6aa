"""Who wrote is kept only as a keyed hash; a platform address that must be kept (a subscription, a pending
answer, a message waiting to be sent) is encrypted. Both keys derive from one secret: ``LOA_MESSAGING_KEY`` or
``data_dir/messaging.key``, created on first use atomically (of several processes starting at once, one writes it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from loa.config import create_secret_file
from loa.errors import UserError
from loa.messaging.config import Setup

KEY_FILE = "messaging.key"


def secret(setup: Setup) -> str:
    return setup.conf.messaging_key or _file_secret(str((setup.settings.data_dir / KEY_FILE).resolve()))


@lru_cache(maxsize=8)
def _file_secret(name: str) -> str:
    path = Path(name)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        create_secret_file(path)
    return path.read_text().strip()


@lru_cache(maxsize=8)
def _keys(value: str) -> tuple[bytes, Fernet]:
    """(HMAC key for sender hashes, Fernet for addresses), derived apart from the one secret."""
    base = value.encode()
    hash_key = hmac.new(base, b"loa-messaging-sender", hashlib.sha256).digest()
    seal_key = hmac.new(base, b"loa-messaging-address", hashlib.sha256).digest()
    return hash_key, Fernet(base64.urlsafe_b64encode(seal_key))


def sender_key(setup: Setup, platform: str, user_id: str) -> str:
    """HMAC-SHA256 (hex) of the platform's user id: the same person gives the same key, and nobody without the
    secret can tell who it is (nor test a guessed phone number)."""
    hash_key, _ = _keys(secret(setup))
    return hmac.new(hash_key, f"{platform}:{user_id}".encode(), hashlib.sha256).hexdigest()


def message_key(platform: str, message_id: str) -> str:
    return hashlib.sha256(f"{platform}:{message_id}".encode()).hexdigest()


def seal(setup: Setup, address: str) -> str:
    """The platform address encrypted (Fernet: AES-128-CBC with HMAC-SHA256)."""
    return _keys(secret(setup))[1].encrypt(address.encode()).decode()


def unseal(setup: Setup, token: str) -> str:
    try:
        return _keys(secret(setup))[1].decrypt(token.encode()).decode()
    except InvalidToken:
        raise UserError(
            "Không giải mã được địa chỉ người nhận (khóa tin nhắn đã đổi?).",
            "Cannot decrypt the recipient's address (was the messaging key changed?).",
        ) from None
