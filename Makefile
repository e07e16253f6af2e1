# Two commands do all the set-up: `make demo` and `make test`.
# Both install the exact versions recorded in uv.lock (the tested set), never whatever is newest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# uv itself lives in its own environment, pinned, so that syncing the project never removes it
UV_VERSION := 0.13.9
TOOLS := .venv-tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# compiled at install, as pip does: otherwise every start compiles the libraries again where bytecode is not written
export UV_COMPILE_BYTECODE := 1

.PHONY: demo test lint install install-dev browser bench lock lock-upgrade test-latest test-lowest clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV)
	$(UV) sync --frozen --quiet --python $(PYTHON)

install-dev: $(UV)
	$(UV) sync --frozen --quiet --python $(PYTHON) --extra dev --extra cluster

# The web app's end-to-end tests drive Debian's chromium (Playwright cannot download a browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not found: install it (e.g. apt-get install chromium) for the browser tests"; fi; }

demo: install
	$(BIN)/escalation run nov-2024 --seed 1 --out out/demo

test: install-dev browser
	$(BIN)/python -m pytest -q

# ruff, then mypy on the package under its import name: mypy cannot see the editable install's
# mapping of `escalation` to sim/, so it reads the package through a link of that name.
lint: install-dev
	$(BIN)/ruff check sim analysis tests benchmarks
	mkdir -p .lint && ln -sfn ../sim .lint/escalation
	cd .lint && ../$(BIN)/mypy --config-file ../pyproject.toml -p escalation

bench: install-dev
	$(BIN)/python benchmarks/speed.py

# After a change to the dependencies in pyproject.toml: record versions for what changed, keep the rest.
lock: $(UV)
	$(UV) lock --python $(PYTHON)

# Deliberately take the newest allowed release of everything (then run `make test` before committing).
lock-upgrade: $(UV)
	$(UV) lock --upgrade --python $(PYTHON)

# Drift checks, each in an environment of its own and not part of `make test`: the suite at
# the newest releases pyproject.toml allows, and at the lowest it allows for each direct dependency.
test-latest: $(UV) browser
	$(UV) venv --quiet --allow-existing --python $(PYTHON) .venv-latest
	$(UV) pip install --quiet --python .venv-latest/bin/python --upgrade -e ".[dev,cluster]"
	$(UV) pip list --python .venv-latest/bin/python > .venv-latest/versions.txt
	.venv-latest/bin/python -m pytest -q -p no:cacheprovider

test-lowest: $(UV) browser
	$(UV) venv --quiet --allow-existing --python $(PYTHON) .venv-lowest
	$(UV) pip install --quiet --python .venv-lowest/bin/python --reinstall --resolution lowest-direct -e ".[dev,cluster]"
	$(UV) pip list --python .venv-lowest/bin/python > .venv-lowest/versions.txt
	.venv-lowest/bin/python -m pytest -q -p no:cacheprovider

clean:
	rm -rf $(VENV) $(TOOLS) .venv-latest .venv-lowest .lint out build *.egg-info
