# buurtzicht: two commands do all the set-up.
#   make run    install into .venv (and node_modules), prepare the data, start the dashboard
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
PYTEST_ARGS ?=

.PHONY: run test install data serve lint typecheck chromium node clean-build help

help:
	@echo "make run    - install, build the warehouse from the mirror, serve the dashboard"
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

data: $(STAMP)
	$(BIN)/buurtzicht build --if-missing

serve: install data
	$(BIN)/buurtzicht serve --host $(HOST) --port $(PORT)

run: serve

test: $(STAMP) node chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

clean-build:
	rm -rf var/warehouse
