"""Situation room: every module's figures for a period against the previous one, and the periodic report."""

from loa.modules import Module, Nav

MODULE = Module("situation", order=95, nav=(Nav("/dieu-hanh", "Điều hành", 5),))
