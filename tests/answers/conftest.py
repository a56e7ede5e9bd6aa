import pytest


@pytest.fixture(autouse=True)
def _lexical_only(monkeypatch):
    """The answers tests use the lexical stages; tests/search covers the e5 stage on the shipped model."""
    monkeypatch.setenv("LOA_SEMANTIC", "0")
