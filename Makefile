# Two commands matter: `make demo` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: demo test bootstrap venv jars assets chromium lint bench clean

demo: bootstrap
	$(BIN)/wiremap demo

test: bootstrap chromium
	$(BIN)/ruff check wiremap tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/pytest -ra --durations=25

bootstrap: venv jars assets

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

# Apache Kafka's jars from Maven Central (see broker/pom.xml).
jars:
	bash scripts/fetch-kafka.sh

# Leaflet and plugins from npm, served by the desk map so it works offline.
assets:
	bash scripts/build-assets.sh

# Debian's Chromium for the browser tests.
chromium:
	bash scripts/install-chromium.sh

lint: venv
	$(BIN)/ruff check wiremap tests benchmarks scripts
	$(BIN)/mypy

bench: bootstrap
	$(BIN)/python -m benchmarks

clean:
	rm -rf .wiremap test-output
