# Two commands for a newcomer on a fresh machine (see README):
#   make report   - set everything up and produce the scrutiny report for the bundled scenarios
#   make test     - set everything up and run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# the simulation core compiled with mypyc (listed in workbench/_compiled.py): a change to one of
# them rebuilds it
CORE   := $(shell sed -n 's/^    "\(workbench\/.*\.py\)",$$/\1/p' workbench/_compiled.py)

.PHONY: report test setup run benchmark clean app

$(STAMP): pyproject.toml setup.py workbench/_compiled.py $(CORE)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@$(BIN)/python -c "import workbench.model as m; print(m.core_summary())"
	touch $(STAMP)

setup: $(STAMP)

report: $(STAMP)
	$(BIN)/workbench report --out outputs/report.html

# on every core, each test file on one worker (its module fixtures, a served app say, shared);
# the 25 slowest tests are listed at the end, to keep the suite well under 15 minutes
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist loadfile --no-loadscope-reorder --durations=25

# the managers' app: the explorer as a web page with no code, at the address it prints
app: $(STAMP)
	$(BIN)/workbench app

benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py

clean:
	rm -rf $(VENV) .pytest_cache build
	find outputs -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -f *__mypyc*.so *__mypyc*.pyd workbench/*.so workbench/model/*.so workbench/_compiled_digest.json
