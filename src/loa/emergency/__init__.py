"""Emergency notices: one approved message, two approvals, then every channel and every targeted commune at once."""

from loa.modules import Module, Nav

MODULE = Module("emergency", order=35, nav=(Nav("/emergency", "Khẩn cấp", 68),), requires=("channels", "content"))
