"""Misinformation desk: claim registry, matching, triage queue and published fact-checks."""

from loa.modules import Module, Nav

MODULE = Module(
    "claims",
    order=50,
    nav=(Nav("/claims", "Tin sai lệch", 50),),
    public=(Nav("/kiem-chung", "Kiểm chứng tin đồn", 30),),
)
