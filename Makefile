# Two commands set everything up: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test-whoosh test-cluster run test hunt ingest serve lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,cluster]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/portal ingest
	$(BIN)/portal serve

ingest: $(STAMP)
	$(BIN)/portal ingest

serve: $(STAMP)
	$(BIN)/portal serve

# The portal's web suite runs a second time against the cluster store (PORTAL_STORE=manticore: three searchd
# processes on free loopback ports, started and stopped by the tests; skipped where searchd is missing).
# CLUSTER_ARGS picks what of it runs: by default all but the two generated-input suites (schemathesis, fuzz),
# which take a minute against the cluster; .ci/run passes CLUSTER_ARGS= to run every web test. Against the cluster
# schemathesis leaves out the coverage phase of /advanced.json and /search.atom, which repeat /search.json's
# parameters without a search of their own (tests/web/test_web_schemathesis.py says why).
CLUSTER_ARGS ?= -k "not schemathesis and not fuzz"

# The tests wait on servers, browsers and child processes as much as they compute, so they run in
# PYTEST_WORKERS processes (pytest-xdist; 2 on this project's 2-core machines). PYTEST_WORKERS=0 runs them in one
# process. Budget: under 8 minutes for both passes on a quiet machine (CLUSTER_ARGS= included).
# Tests go out one by one (xdist's default --dist load): --dist loadfile/loadscope/loadgroup key tests by node id,
# and schemathesis gives the 23 route tests of test_web_schemathesis.py one id, so all but one of them would not run.
PYTEST_WORKERS ?= 2

# The two passes run side by side (each waits on servers, browsers and searchd for a third of its time, so one
# pass alone leaves the machine partly idle); make's --output-sync prints each pass's report whole when it ends,
# and `make test` fails if either does. `make test-whoosh` or `make test-cluster` runs one alone.
test: $(STAMP)
	$(MAKE) --no-print-directory -j2 --output-sync=target test-whoosh test-cluster

test-whoosh: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-cluster: $(STAMP)
	PORTAL_STORE=manticore $(BIN)/python -m pytest -n $(PYTEST_WORKERS) tests/web $(CLUSTER_ARGS)

# Hypothesis's properties alone (pytest's `hypothesis` marker), each drawing HUNT times the examples it draws in
# `make test`, where they are kept to a few seconds each: a longer hunt for faults, not part of the budget.
HUNT ?= 10

hunt: $(STAMP)
	PORTAL_HUNT=$(HUNT) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m hypothesis $(PYTEST_ARGS)

# Style, then types: mypy checks the packages [tool.mypy] in pyproject.toml names.
lint: $(STAMP)
	$(BIN)/ruff check index portal tests bench
	$(BIN)/ruff format --check index portal tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
