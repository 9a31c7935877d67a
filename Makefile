# ClientDesk. `make run` and `make test` work on a fresh clone with nothing else installed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LOCALES := locales
DOMAIN := bot

.PHONY: run test lint format i18n compile-i18n migrate bench venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ClientDesk needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

compile-i18n: $(STAMP)
	@$(BIN)/pybabel -q compile -d $(LOCALES) -D $(DOMAIN)

i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k __ --no-location --sort-output --width=100 \
		--project=ClientDesk -o $(LOCALES)/$(DOMAIN).pot .
	$(BIN)/pybabel update -i $(LOCALES)/$(DOMAIN).pot -d $(LOCALES) -D $(DOMAIN) --width=100 \
		--ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel compile -d $(LOCALES) -D $(DOMAIN)

migrate: compile-i18n
	$(BIN)/python -m bot migrate

run: compile-i18n
	@$(BIN)/python -m bot

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint compile-i18n
	$(BIN)/python -m pytest

bench: compile-i18n
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/relay.py
	$(BIN)/python bench/crm.py

clean:
	rm -rf $(VENV) data
	find $(LOCALES) -name '*.mo' -delete
