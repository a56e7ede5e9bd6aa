from fastapi.routing import APIRoute

from loa import modules
from loa.web import views
from loa.web.deps import get_db


def _dependants(dep):
    yield dep
    for sub in dep.dependencies:
        yield from _dependants(sub)


def test_every_route_commits_before_its_response():
    """get_db must be function-scoped everywhere: one session per request, committed before the response."""
    wrong = []
    for mod in [views] + modules.find("views", modules.domains()):
        for attr in ("router", "api"):
            for route in getattr(getattr(mod, attr, None), "routes", []):
                if isinstance(route, APIRoute):
                    wrong += [
                        route.path for d in _dependants(route.dependant) if d.call is get_db and d.scope != "function"
                    ]
    assert wrong == []


def test_a_write_is_visible_to_the_request_that_follows_the_redirect(login, settings):
    admin = login("admin")
    r = admin.post("/admin/agencies", data={"name": "Sở Tư pháp", "kind": "government", "csrf_token": admin.csrf})
    assert r.status_code == 200 and "Sở Tư pháp" in r.text
