"""E-mail through the configured SMTP server (``LOA_SMTP_*``): one connection, STARTTLS and login when a user is
set. Senders catch :data:`ERRORS` per message, so one refused address does not stop the others."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from loa.config import Settings

ERRORS = (smtplib.SMTPException, OSError)  # a refused message, an unreachable or broken server


@contextmanager
def connect(settings: Settings) -> Iterator[smtplib.SMTP]:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as server:
        if settings.smtp_user:
            server.starttls()
            server.login(settings.smtp_user, settings.smtp_password)
        yield server


def message(settings: Settings, to: str, subject: str, text: str) -> EmailMessage:
    """A plain-text message from ``LOA_SMTP_FROM``."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"], msg["To"] = settings.smtp_from, to
    msg.set_content(text)
    return msg
