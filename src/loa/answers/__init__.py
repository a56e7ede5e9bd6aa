"""Citizens' questions: approved FAQ entries answer; the rest queue (scrubbed, grouped) for staff to answer."""
