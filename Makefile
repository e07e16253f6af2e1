# Two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-dev bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"

demo: install
	$(BIN)/escalation run nov-2024 --seed 1 --out out/demo

test: install-dev
	$(BIN)/python -m pytest -q

bench: install-dev
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf $(VENV) out build *.egg-info
