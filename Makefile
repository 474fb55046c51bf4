# `make build` and `make test` work on a fresh clone: they set up .venv and the system packages first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ARGS   ?=
# Test processes side by side (pytest-xdist); TESTS=0 runs them in this one. The tests build PDFs and run
# commands as subprocesses, each safe beside the others (own temp folders, own output folders). Three, on two
# cores: a test waits on its subprocesses, a server, a sleep or a lock for a quarter of its time or more.
TESTS  ?= 3

.PHONY: build test check setup python system compiled clean bench
build: setup
	$(BIN)/python build.py $(ARGS)

test: setup
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest -n $(TESTS) $(ARGS)

check: setup
	$(BIN)/python build.py check $(ARGS)

bench: setup
	$(BIN)/python benchmarks/bench.py $(ARGS)

setup: python system $(VENV)/.installed compiled

# Before anything is installed: a Python too old says so in one line, not in pip's dozens.
python:
	@$(PYTHON) -B -c 'import sys; sys.path.insert(0, "."); import build; sys.exit(build.refuse_old_python())'

system:
	@bash scripts/system-deps.sh

$(VENV)/.installed: pyproject.toml | python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# Our modules compiled, as pip compiles what it installs: where PYTHONDONTWRITEBYTECODE is set (as on this
# project's machine), every process would compile them again, each build's fork server and workers too.
compiled: $(VENV)/.installed
	@env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m compileall -q render build.py

clean:
	rm -rf dist
