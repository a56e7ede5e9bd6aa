# Two entry points: `make demo` (install, create the demo province, serve on 127.0.0.1:8000)
# and `make test` (install, run every test on SQLite, then on PostgreSQL when LOA_TEST_POSTGRES_URL is set;
# two test processes, one per core, each file kept in one process).
VENV ?= .venv
PYTHON ?= python3

.PHONY: install demo test bench

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

demo: install
	$(VENV)/bin/loa demo

PYTEST = $(VENV)/bin/pytest -q -p no:cacheprovider -n 2 --dist loadfile

test: install
	$(PYTEST)
	@if [ -n "$$LOA_TEST_POSTGRES_URL" ]; then \
	  echo "== again on PostgreSQL"; \
	  LOA_TEST_BACKEND=postgresql $(PYTEST); \
	fi
