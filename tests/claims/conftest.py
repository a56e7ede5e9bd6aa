from loa.claims import service
from tests.conftest import state


@state()
def starter(db, people):
    """The starter registry, imported (concluded claims, no author)."""
    service.import_starter(db, people["coordinator"])
    db.commit()
    return {c.key: c for c in service.list_claims(db)}
