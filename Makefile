# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= build/bot
PACKAGES := bot intents fulfillment admin_api

.PHONY: run test lint typecheck unit build clean chat bench-runtime

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## make run: install, build the bot, and serve it locally (Lex V2 runtime API on 127.0.0.1:8080).
run: $(VENV)/.installed
	$(BIN)/meety build --out $(OUT)
	$(BIN)/meety serve --data-dir .meety

build: $(VENV)/.installed
	$(BIN)/meety build --out $(OUT)

## make test: install dev dependencies, then lint, type-check and run the whole suite.
test: lint typecheck unit

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy --strict $(PACKAGES)

unit: $(VENV)/.dev-installed
	$(BIN)/pytest

chat: $(VENV)/.installed
	$(BIN)/meety chat --debug

## make bench-runtime: RecognizeText over HTTP at 1 and 32 sessions, and start-up time.
bench-runtime: $(VENV)/.installed
	$(BIN)/python bench/runtime_http.py --record

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
