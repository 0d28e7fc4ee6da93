# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= build/bot
PACKAGES := bot intents fulfillment admin_api
CHROMIUM ?= /usr/bin/chromium
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint typecheck unit browser build clean chat sandbox bench-runtime bench-lambda bench-admin bench-packages bench-nlu

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

unit: $(VENV)/.dev-installed browser
	$(BIN)/pytest

## The browser tests drive Debian's chromium through Playwright (its own browser download is not used).
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium \
	    || { echo "Cannot install chromium; the browser tests need it (apt-get install chromium)."; exit 1; }; \
	fi

## make sandbox: the whole local stack with the ops intents answered by an in-process demo AWS account (moto).
$(VENV)/.sandbox-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[sandbox]'
	touch $@

sandbox: $(VENV)/.sandbox-installed
	$(BIN)/meety build --out $(OUT)
	$(BIN)/meety serve --sandbox --data-dir .meety-sandbox

chat: $(VENV)/.installed
	$(BIN)/meety chat --debug

## make bench-runtime: RecognizeText over HTTP at 1 and 32 sessions, and start-up time.
bench-runtime: $(VENV)/.installed
	$(BIN)/python bench/runtime_http.py --record

## make bench-lambda / bench-admin: the Lambdas' cold-start share and warm time; the 100k-request queue.
bench-lambda: $(VENV)/.dev-installed
	$(BIN)/python bench/fulfillment_lambda.py --record

bench-admin: $(VENV)/.installed
	$(BIN)/python bench/admin_api.py --record

## make bench-packages: the Lambda zips' sizes against the 10 MB budget.
bench-packages: $(VENV)/.installed
	$(BIN)/python bench/lambda_packages.py

## make bench-nlu: CLINC150 and SNIPS 2017 through the local runtime, beside the published numbers
## (needs ../shared, or MEETY_SHARED_DIR; writes bench/results/nlu.json and the table in docs/benchmarks.md).
bench-nlu: $(VENV)/.installed
	$(BIN)/python bench/nlu.py --docs docs/benchmarks.md

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
