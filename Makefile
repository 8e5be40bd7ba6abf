# buurtzicht: two commands do all the set-up.
#   make run    install into .venv (and node_modules), prepare the data (open build, then
#               the synthetic secure side published through disclosure control), serve
#   make test   install the test dependencies (Chromium included) and run the whole suite

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
VENDOR_MANIFEST := src/buurtzicht/web/static/vendor/manifest.json
HOST ?= 127.0.0.1
PORT ?= 8000
# make test is kept under ~15 min on 2 cores (benchmarks/README.md, "make test"): two
# pytest-xdist workers; a test module stays on one worker and the browser tests share one
# (tests/xdist_scopes.py), and the real mirror build is made once for both
# (tests/shared_builds.py). The 25 slowest tests end every run's log.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?= -n $(PYTEST_WORKERS) --dist loadscope --durations=25
# Secure side: size of the synthetic world (1.0 = the whole country, 17.9 M persons), its
# seed, and the region levels published. The default is what Zicht op Ondermijning is
# about: the whole country released down to buurt (a fresh clone's first make run takes
# about 11 minutes on 2 cores and 6.7-6.9 GB of memory; benchmarks/README.md). On a small
# machine SCALE=0.1 SECURE_LEVELS=gemeente,wijk takes a few minutes and 1-2 GB, with
# counts a tenth of the real ones, so far more cells are suppressed.
SCALE ?= 1.0
SEED ?= 42
SECURE_LEVELS ?= gemeente,wijk,buurt

.PHONY: run test install data secure secure-build prepare serve lint typecheck chromium postgres node clean-build help

help:
	@echo "make run    - install, build the warehouse from the mirror, add the synthetic"
	@echo "              secure side (buurtzicht prepare), serve the dashboard"
	@echo "make secure - synthetic world -> linkage -> disclosure control (SCALE=$(SCALE),"
	@echo "              SECURE_LEVELS=$(SECURE_LEVELS)); each step skipped when up to date"
	@echo "make test   - install test dependencies (incl. Chromium) and run the suite"
	@echo "make lint   - ruff + mypy"

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) node

# JavaScript from npm (MapLibre, Vega-Lite, axe-core for the tests), copied with its
# version in the file name into the gitignored static/vendor/: no CDN, works offline.
node: $(VENDOR_MANIFEST)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(VENDOR_MANIFEST): $(NODE_STAMP) scripts/vendor.py
	$(PYTHON) scripts/vendor.py

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's Chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# Debian's PostgreSQL for the workspace tests: the tests start their own throw-away
# server (temporary folder, loopback port, non-root user) and stop it after.
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "Installing Debian's PostgreSQL for the workspace tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; \
	fi

data: $(STAMP)
	$(BIN)/buurtzicht build --if-missing

# Each step checks its own output and does nothing when it is up to date: the world
# (scale, seed), the aggregates (that world), the release (those aggregates, levels,
# catalog and open build, audited before it is written: published.json "audited").
secure: $(STAMP) data
	$(BIN)/buurtzicht synth --scale $(SCALE) --seed $(SEED) --if-missing
	$(BIN)/buurtzicht secure link --if-stale
	$(BIN)/buurtzicht secure models --if-stale
	$(BIN)/buurtzicht secure publish --levels $(SECURE_LEVELS) --audit --if-stale

# A new build with the open data of the current one plus the published release.
secure-build: secure
	$(BIN)/buurtzicht secure load --if-stale

# What make run serves, in one process: data, secure and secure-build above, each step
# skipped when it is up to date (a second make run serves within seconds).
prepare: $(STAMP)
	$(BIN)/buurtzicht prepare --scale $(SCALE) --seed $(SEED) --levels $(SECURE_LEVELS)

serve: install prepare
	$(BIN)/buurtzicht serve --host $(HOST) --port $(PORT)

run: serve

test: $(STAMP) node chromium postgres
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

clean-build:
	rm -rf var/warehouse
