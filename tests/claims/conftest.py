from loa.claims import service
from tests.conftest import state


@state()
def starter(db, people):
    """The starter registry, imported by the coordinator and concluded by the reviewer."""
    service.import_starter(db, people["coordinator"])
    for claim in service.list_claims(db):
        service.transition(db, claim, "concluded", people["reviewer"])
    db.commit()
    return {c.key: c for c in service.list_claims(db)}
