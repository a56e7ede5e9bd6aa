"""Plans fixtures: the demo agencies registry and the seed plan imported."""

from loa.auth import service as auth
from loa.demo import AGENCIES
from loa.plans import service
from loa.plans.parser import parse_bytes
from tests.conftest import state
from tests.plans.encoders import seed_bytes


@state()
def registry(db, settings, people):
    """The demo province's agencies besides the fixture's two (Sở Y tế and Báo Trà Vinh)."""
    province = auth.get_or_create_province(db, settings.province)
    have = {a.name for a in auth.list_agencies(db)}
    for _key, name, short, kind in AGENCIES:
        if name not in have:
            auth.create_agency(db, province, name, short_name=short, kind=kind)
    db.commit()
    return {a.name: a for a in auth.list_agencies(db)}


@state(base="registry")
def seed_plan(db, settings, people, registry):
    plan = service.import_plan(db, settings, parse_bytes(seed_bytes()), people["coordinator"], source_name="seed.txt")
    db.commit()
    return plan
