# volreport: `make help` lists the targets. Everything runs inside .venv, created on first use.
.DEFAULT_GOAL := help
SHELL := /bin/bash
YEAR ?= 2022
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The offline Quarto CLI kit, when ../shared/quarto/ is beside the project (CI has it).
QUARTO_KIT := ../shared/quarto/install.sh

.PHONY: help env report validate test lint format notebooks bench clean quarto

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

env: $(STAMP) ## create .venv and install the project (again only when pyproject.toml changes)

report: $(STAMP) ## build the report for YEAR (default 2022) into _book/YEAR/
	$(VENV)/bin/volreport build --year $(YEAR)

validate: $(STAMP) ## check data/YEAR against the data contract
	$(VENV)/bin/volreport validate --year $(YEAR)

lint: $(STAMP) ## ruff format check and lint
	$(VENV)/bin/ruff format --check src tests notebooks
	$(VENV)/bin/ruff check src tests notebooks

format: $(STAMP) ## apply ruff formatting and safe fixes
	$(VENV)/bin/ruff format src tests notebooks
	$(VENV)/bin/ruff check --fix src tests notebooks

quarto: $(STAMP) ## install the offline Quarto CLI into .quarto/ (from ../shared/quarto/, if there)
	@if [ -f $(QUARTO_KIT) ]; then bash $(QUARTO_KIT) .quarto $(PY) >/dev/null && echo "Quarto kit ready in .quarto/"; \
	else echo "no Quarto kit at $(QUARTO_KIT): the Quarto route tests will be skipped"; fi

test: lint quarto ## lint, unit tests, back-tests, end-to-end builds (both engines), nbval
	$(PY) -m pytest -n 2 --dist loadfile --nbval-lax tests notebooks

notebooks: $(STAMP) ## re-run the chapter notebooks and store their headline outputs for nbval
	$(PY) -m volreport.notebooks notebooks/*.ipynb

bench: $(STAMP) ## time cold, no-change and one-file-changed builds against the naive route
	$(PY) -m volreport.bench --year $(YEAR)

clean: ## remove build outputs (_build/, _book/)
	rm -rf _build _book
