# `make build` and `make test` work on a fresh clone: they set up .venv and the system packages first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ARGS   ?=

.PHONY: build test check setup system clean bench
build: setup
	$(BIN)/python build.py $(ARGS)

test: setup
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest $(ARGS)

check: setup
	$(BIN)/python build.py check $(ARGS)

bench: setup
	$(BIN)/python benchmarks/bench.py $(ARGS)

setup: system $(VENV)/.installed

system:
	@bash scripts/system-deps.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

clean:
	rm -rf dist
