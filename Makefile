# Only Python 3.11+ and make are assumed. Everything else goes into a local .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench fuzz clean setup

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "accord needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m accord.web.vendor
	touch $(STAMP)

DEMO_OUT := demo-output

demo: $(STAMP)
	@mkdir -p $(DEMO_OUT)
	$(BIN)/accord mediate hostage-release-2023 --mediator caucus --party pressured --budget 200 --phased \
		--plot $(DEMO_OUT)/hostage-release-2023.png --html $(DEMO_OUT)/hostage-release-2023.html

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

# accord vs NegMAS side by side -> benchmarks/RESULTS.md; e.g. make bench BENCH_ARGS=--quick
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# mutation fuzz of the packaged scenarios and the corpus beside the checkout (10^5 mutants take
# about 1.5 h on 2 cores; e.g. FUZZ_N=10000 for a shorter run); progress on stderr
FUZZ_N ?= 100000
fuzz: $(STAMP)
	$(BIN)/python -m accord.testing.fuzz --n $(FUZZ_N) --corpus ../shared/scenarios --workers 2

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
