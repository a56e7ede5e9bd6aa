"""Plans: import a plan document (Kế hoạch), tasks per agency, progress, roll-up and the report upward."""

from loa.modules import Module, Nav

MODULE = Module("plans", order=10, nav=(Nav("/plans", "Kế hoạch", 10),), requires=("content",))
