"""Listening: aggregate health-topic monitoring of public posts and news (WHO EARS taxonomy), privacy first."""

from loa.modules import Module, Nav

MODULE = Module("listening", order=60, nav=(Nav("/listening", "Lắng nghe", 40),))
