# Two entry points: `make build` (set up, then kg build over seeds/) and
# `make test` (set up with test extras and Chromium, then the whole suite).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test setup

$(STAMP): pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

build: $(STAMP)
	$(BIN)/kg build seeds --out exports

test: $(STAMP)
	sh scripts/ensure-chromium
	$(BIN)/python -m pytest -q -rs
