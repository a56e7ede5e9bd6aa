"""Channels: web portal pages and feeds, social-media text, print documents, loudspeaker audio and playlists."""

from loa.modules import Module, Nav

MODULE = Module(
    "channels",
    order=30,
    nav=(Nav("/loudspeakers", "Loa truyền thanh", 70),),
    requires=("content",),
    public=(Nav("/tin-tuc", "Tin tức", 10),),
)
