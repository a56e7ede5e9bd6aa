"""Citizens' questions: approved FAQ entries answer; the rest queue (scrubbed, grouped) for staff to answer."""

from loa.modules import Module, Nav

MODULE = Module("answers", order=40, nav=(Nav("/answers", "Hỏi đáp", 60),), public=(Nav("/hoi-dap", "Hỏi đáp", 20),))
