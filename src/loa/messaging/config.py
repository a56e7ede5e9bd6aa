"""Tipline settings from environment variables (``LOA_ZALO_*``, ``LOA_TELEGRAM_*``, ``LOA_MESSENGER_*``,
``LOA_SMS_*``, ``LOA_MESSAGING_*``) or ``.env``. A platform whose settings are empty is off."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from loa.config import Settings


class MessagingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOA_", env_file=".env", extra="ignore")

    zalo_app_id: str = Field(default="", description="Zalo app id (the webhook's app_id)")
    zalo_oa_secret_key: str = Field(
        default="",
        description="Secret key of the linked Official Account (not the app secret): checks X-ZEvent-Signature",
    )
    zalo_access_token: str = Field(default="", description="OA access token for sending")
    zalo_api_url: str = "https://openapi.zalo.me"
    zalo_rate_per_s: float = Field(default=10, description="Messages per second sent to Zalo, all workers together")

    telegram_bot_token: str = Field(default="", description="Bot token from @BotFather")
    telegram_secret_token: str = Field(
        default="", description="secret_token given to setWebhook; checks X-Telegram-Bot-Api-Secret-Token"
    )
    telegram_api_url: str = "https://api.telegram.org"
    telegram_rate_per_s: float = Field(default=25, description="Telegram allows about 30 messages a second")

    messenger_app_secret: str = Field(default="", description="App secret: checks X-Hub-Signature-256")
    messenger_page_token: str = Field(default="", description="Page access token for the Send API")
    messenger_verify_token: str = Field(default="", description="Answer to the webhook's GET verification")
    messenger_api_url: str = "https://graph.facebook.com/v19.0"
    messenger_rate_per_s: float = 40

    sms_secret: str = Field(default="", description="Shared secret of the SMS gateway: HMAC-SHA256 of each body")
    sms_send_url: str = Field(default="", description="The gateway's URL for sending one SMS (JSON POST)")
    sms_api_key: str = Field(default="", description="Sent as 'Authorization: Bearer …' to the gateway, if set")
    sms_rate_per_s: float = 5
    sms_max_chars: int = Field(default=480, description="Longest SMS sent (without diacritics; 3 parts of 160)")

    messaging_retention_days: int = Field(
        default=30,
        description="A sender's keyed hash, pending notifications "
        "and failed sends are deleted after this many days (subscriptions stay "
        "until cancelled)",
    )
    messaging_send_attempts: int = Field(default=5, ge=1, description="Tries per outgoing message")
    messaging_backoff_s: float = Field(default=2.0, description="First wait between tries; doubles each time")
    messaging_timeout_s: float = Field(default=10.0, description="A platform slower than this to answer fails")
    messaging_public_url: str = Field(
        default="", description="Public address of this instance, for links in replies (fact-check pages)"
    )
    messaging_khmer_info_url: str = Field(
        default="", description="Where Khmer-language information is published (told to people who write in Khmer)"
    )
    messaging_key: str = Field(
        default="",
        description="Secret for sender hashes and stored addresses; empty: "
        "data_dir/messaging.key, created on first use",
    )


@dataclass(frozen=True)
class Setup:
    """What one request or job of the tiplines works with: the instance's settings (database, queue, data
    directory) and the tiplines' own, read once."""

    settings: Settings
    conf: MessagingSettings

    @classmethod
    def of(cls, settings: Settings) -> Setup:
        return cls(settings, MessagingSettings())
