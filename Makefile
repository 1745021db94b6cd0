# The two set-up commands: `make run` (a fresh clone to a running app with demo data) and
# `make test` (the whole suite). Both need only Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Exact versions and hashes of everything installed, from pyproject.toml; refresh with `make lock`.
LOCK := requirements.lock
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= default

.PHONY: install lock run test lint bench clean

$(STAMP): $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	touch $(STAMP)

# Re-resolve pyproject.toml's dependencies (with the test extras) to exact versions with hashes.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==0.13.9
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 --quiet -o $(LOCK)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	# The web server and a background-job worker together (embedded queue: var/queue.sqlite3); Ctrl-C stops both.
	$(BIN)/python manage.py rundesk $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m bench --scale $(SCALE)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
