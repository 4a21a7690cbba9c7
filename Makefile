# netviz: the two commands a newcomer needs.
#   make docs   build the documentation with Sphinx (Furo) and MkDocs (Material), warnings as errors
#   make test   lint, type-check and run the test suite
#   make bench  the benchmarks (tests/benchmarks/results/latest.md, included by the docs)
# Each target bootstraps .venv on a fresh machine with only Python 3.11.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.netviz-installed
PYTEST_ARGS ?=
# Nothing is downloaded at run time (Hugging Face models come from their config classes).
export HF_HUB_OFFLINE := 1

.PHONY: all venv test lint typecheck unit docs docs-sphinx docs-mkdocs bench bench-tools clean

all: test

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# Frameworks first, each pinned the way this machine needs: the exact torch CPU wheel (a
	# looser pin downloads a CUDA build), tensorflow-cpu, JAX, and keras-hub without its
	# tensorflow-text dependency (which would pull the full tensorflow beside tensorflow-cpu).
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet "tensorflow-cpu>=2.16" "keras>=3.3" jax jaxlib
	$(BIN)/python -m pip install --quiet --no-deps "keras-hub>=0.20"
	$(BIN)/python -m pip install --quiet absl-py kagglehub regex rich sentencepiece tokenizers
	# ONNX: onnx reads the files; onnxscript only serves the tests (torch.onnx.export).
	$(BIN)/python -m pip install --quiet "onnx>=1.16" "onnxscript>=0.2"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check sphinx_netviz mkdocs_netviz tests docs/examples docs/tools
	$(BIN)/ruff format --check sphinx_netviz mkdocs_netviz

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

test: lint typecheck unit

docs: docs-sphinx docs-mkdocs

docs-sphinx: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -b html docs/sphinx docs/_build/sphinx

docs-mkdocs: $(STAMP)
	$(BIN)/mkdocs build --strict -f mkdocs.yml

# The render benchmark's peer is plot_model, i.e. Graphviz dot. Debian's dot (2.43) aborts on
# NASNetMobile (maze.c), so the benchmark lays that graph out with newer Graphviz builds kept in
# .bench-tools/ (tests/benchmarks/graphviz_peer.py): dot 3.0.0 from a PyPI wheel (x86-64
# Linux), and Graphviz compiled to WebAssembly from npm (run by node). Either may be missing;
# the row then has no ratio and says why.
DOT_PYPI      := pygraphviz-bin==0.0.1.2251946352
DOT_WASM_CLI  := @hpcc-js/wasm-graphviz-cli@1.11.2
BENCH_TOOLS   := .bench-tools
DOT_PYPI_STAMP := $(BENCH_TOOLS)/.installed-$(DOT_PYPI)
DOT_WASM_STAMP := $(BENCH_TOOLS)/.installed-$(subst /,_,$(DOT_WASM_CLI))

$(DOT_PYPI_STAMP): $(STAMP)
	@mkdir -p $(BENCH_TOOLS)
	@$(BIN)/python -m pip install --quiet --no-deps --upgrade --target $(BENCH_TOOLS)/python "$(DOT_PYPI)" \
		&& touch $@ \
		|| echo "bench: could not install $(DOT_PYPI)"

$(DOT_WASM_STAMP):
	@mkdir -p $(BENCH_TOOLS)
	@if command -v npm >/dev/null && command -v node >/dev/null; then \
		npm install --silent --no-audit --no-fund --save-exact --prefix $(BENCH_TOOLS) "$(DOT_WASM_CLI)" \
			&& touch $@ \
			|| echo "bench: could not install $(DOT_WASM_CLI)"; \
	else \
		echo "bench: node/npm not found, so no $(DOT_WASM_CLI)"; \
	fi

bench-tools: $(DOT_PYPI_STAMP) $(DOT_WASM_STAMP)

bench: $(STAMP) bench-tools
	$(BIN)/python -m tests.benchmarks

clean:
	rm -rf docs/_build site .pytest_cache .mypy_cache .ruff_cache $(BENCH_TOOLS)
