# Two entry points: `make demo` (install, create the demo province, serve on 127.0.0.1:8000)
# and `make test` (install, run every test on SQLite, then on PostgreSQL when LOA_TEST_POSTGRES_URL is set;
# two test processes, one per core, each file kept in one process).
# For development (each installs first):
#   make test-fast  the tests not marked `browser` or `slow`, on SQLite only, in two processes
#   make lint       ruff check, ruff format --check, and mypy on loa.db, loa.text and loa.search (CI runs it)
#   make bench      the benchmarks that need no outside data and run in minutes, printing their tables: claim
#                   triage's precision/recall, claim matching (lexical), listening throughput on BENCH_POSTS
#                   synthetic posts (default 1000), hostile uploads refused; the others (bench/*.py headers)
#                   need ../shared/data, PostgreSQL and Redis, or long runs
VENV ?= .venv
PYTHON ?= python3
BENCH_POSTS ?= 1000

.PHONY: install demo test test-fast lint bench

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

test-fast: install
	LOA_TEST_BACKEND=sqlite $(PYTEST) -m "not browser and not slow"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: install
	$(VENV)/bin/python bench/claims_checkworthiness.py
	$(VENV)/bin/python bench/claims_matching.py
	$(VENV)/bin/python bench/listening_throughput.py $(BENCH_POSTS)
	$(VENV)/bin/python bench/upload_bombs.py
