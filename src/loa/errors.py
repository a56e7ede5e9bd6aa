"""The one error type services raise for a person to read: Vietnamese and English message, HTTP status."""

from __future__ import annotations


class UserError(Exception):
    """A refusal a person can act on. The web layer shows it in the interface language; nothing is written."""

    def __init__(self, message: str, message_en: str = "", status: int = 400, details: list | None = None):
        super().__init__(message)
        self.message = message
        self.message_en = message_en or message
        self.status = status
        self.details = details or []

    def text(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message
