# Two commands for a fresh machine (Python 3.11+, pip, make): `make demo` and `make test`.
# Both bootstrap .venv themselves; a stamp file re-installs only when pyproject.toml changes. The demo
# installs the runtime dependencies only (a newcomer's first `make demo` is quick); `make test` adds the
# test extra. Without byte-compiling everything installed: Python compiles what the demo imports as it
# imports it, which is a fraction of it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-test
RUNTIME := $(VENV)/.installed-runtime

.PHONY: demo test lint typecheck pytest screens bench clean

# The venv gets no pip of its own: the system's pip installs into it (pip >= 22.3's --python), which
# makes the venv in 0.2 s instead of 6 s. With an older pip, the venv gets its own after all.
$(BIN)/python:
	$(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(BIN)/python --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip --default-pip

PIP = $(if $(wildcard $(BIN)/pip),$(BIN)/python -m pip,$(PYTHON) -m pip --python $(BIN)/python) \
	--quiet --disable-pip-version-check

$(STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	touch $(STAMP) $(RUNTIME)

# The demo's dependencies are read from pyproject.toml (one list), and the demo runs from the source tree
# (`python -m duty_tui`): building the package itself would add an isolated build environment (~5 s).
$(RUNTIME): pyproject.toml | $(BIN)/python
	$(PIP) install --no-compile \
		$$($(BIN)/python -c "import tomllib; print(' '.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))")
	touch $(RUNTIME)

demo: $(RUNTIME)
	$(BIN)/python -m duty_tui --demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy duty_tui duty_sim benchmarks  # the benchmarks too: they break silently otherwise
	$(BIN)/lint-imports  # the layers, and no import cycles (contracts in pyproject.toml)
	$(BIN)/pytest -n 2

screens: $(STAMP)
	$(BIN)/python screens/capture.py

# Every benchmark, one table with the machine it ran on (benchmarks/README.md). `make bench BENCH=--quick`
# for a short check that everything runs; BENCH=--verbose shows each script's own output.
bench: $(STAMP)
	$(BIN)/python benchmarks/all.py $(BENCH)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
