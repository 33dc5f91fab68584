# Two commands do all the set-up on a fresh machine:
#   make build   installs kg into .venv and builds the bundled corpus into reports.ttl
#   make test    installs kg, its test tools and the system packages the tests start, then runs the tests
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: build test system lint bench

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

build: $(VENV)/.installed
	$(VENV)/bin/kg build --out reports.ttl
	@echo "Output: $(CURDIR)/reports.ttl"

system:
	bash .ci/system-packages

test: $(VENV)/.installed system
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q

bench: $(VENV)/.installed
	$(PY) bench/build.py
