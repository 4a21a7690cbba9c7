# netviz: the two commands a newcomer needs.
#   make docs   build the documentation with Sphinx (Furo) and MkDocs (Material), warnings as errors
#   make test   lint, type-check and run the test suite
# Each target bootstraps .venv on a fresh machine with only Python 3.11.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.netviz-installed
PYTEST_ARGS ?=

.PHONY: all venv test lint typecheck unit docs docs-sphinx docs-mkdocs bench clean

all: test

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
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

bench: $(STAMP)
	$(BIN)/python -m tests.benchmarks

clean:
	rm -rf docs/_build site .pytest_cache .mypy_cache .ruff_cache
