# villageplan developer tasks. `make help` lists them.
# Everything Python runs in a project virtualenv (.venv), created on first use.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
# One interpreter for pyo3's build script, so cargo does not rebuild pyo3 when PATH changes.
export PYO3_PYTHON := $(abspath $(PY))

.DEFAULT_GOAL := help
.PHONY: help venv dev test test-rust test-python lint format bench bench-python docs demo clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-13s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

venv: $(PY)  ## Create .venv with maturin and the test and extra dependencies
	$(PIP) install --quiet "maturin>=1.9.4,<2" pytest hypothesis ruff mypy nbclient ipykernel networkx

dev: venv  ## Build the extension in release mode into .venv (maturin develop) with all extras
	$(VENV)/bin/maturin develop --release --quiet --extras all,test

test: dev  ## Run everything CI runs: formatting, lints, docs, stubs, Rust tests, the build, pytest
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --features python -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
	$(VENV)/bin/ruff check python tests/python benches
	$(VENV)/bin/ruff format --check python tests/python benches
	$(VENV)/bin/python -m mypy.stubtest villageplan._core --allowlist tests/python/stubtest-allowlist.txt
	cargo test
	$(VENV)/bin/python -m pytest tests/python -q

test-rust:  ## Rust tests only (no Python needed)
	cargo test

test-python: dev  ## Python tests only
	$(VENV)/bin/python -m pytest tests/python -q

lint: venv  ## rustfmt check, clippy -D warnings (with and without the python feature), ruff
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --features python -- -D warnings
	$(VENV)/bin/ruff check python tests/python benches
	$(VENV)/bin/ruff format --check python tests/python benches

format: venv  ## Format Rust and Python sources
	cargo fmt --all
	$(VENV)/bin/ruff format python tests/python benches
	$(VENV)/bin/ruff check --fix python tests/python benches

bench:  ## Rust benchmarks: coverage/plan (criterion), SJC MCLP, scale, road network, roll-out
	cargo bench --bench coverage
	cargo bench --bench mclp_sjc
	cargo bench --bench scale -- 10000 100000 1000000
	cargo bench --bench network
	cargo bench --bench rollout

bench-python: dev  ## Side-by-side benchmarks: spopt (PuLP/CBC) and HiGHS; networkx bounded searches
	$(PIP) install --quiet spopt pulp highspy networkx
	$(VENV)/bin/python benches/compare.py
	$(VENV)/bin/python benches/network_compare.py

.PHONY: bench-dask
bench-dask: dev  ## Dask scale-out: 100 counties × 1,000 runs, local vs rayon vs LocalCluster
	$(VENV)/bin/python benches/distributed.py

.PHONY: fuzz
fuzz:  ## Run every fuzz target for 10 minutes, one at a time (cargo install cargo-fuzz --locked)
	fuzz/run.sh 600

docs: dev  ## API docs: rustdoc (warnings are errors) and docs/api.md from the Python docstrings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps
	$(PY) docs/gen_api.py

demo: dev  ## Plan the sample county
	$(VENV)/bin/villageplan demo

clean:  ## Remove build products and the virtualenv
	cargo clean
	rm -rf $(VENV) python/villageplan/_core*.so
