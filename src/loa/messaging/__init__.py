"""Tiplines: citizens ask, forward rumours and subscribe to bulletins on Zalo, Telegram, Messenger and SMS."""

from loa.modules import Module, Nav

MODULE = Module("messaging", order=80, nav=(Nav("/messaging", "Tin nhắn", 65),), requires=("answers", "claims"))
