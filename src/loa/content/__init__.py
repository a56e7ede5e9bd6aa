"""Content hub: items with language variants, versions, reviews and attachments; channels, schedules, balance."""

from loa.modules import Module, Nav

MODULE = Module("content", order=5, nav=(Nav("/content", "Nội dung", 20), Nav("/calendar", "Lịch đăng", 30)))
