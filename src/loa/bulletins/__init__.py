"""Bulletins: epidemic statistics, daily situation bulletins and their charts."""

from loa.modules import Module, Nav

MODULE = Module("bulletins", order=70, nav=(Nav("/bulletins", "Bản tin", 80),), requires=("content",))
