"""Misinformation desk: claim registry, matching, triage queue and published fact-checks."""

from loa.modules import Module, Nav

MODULE = Module("claims", order=50, nav=(Nav("/claims", "Tin sai lệch", 50),))
