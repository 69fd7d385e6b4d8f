# volreport: `make help` lists the targets. Everything runs inside .venv, created on first use.
.DEFAULT_GOAL := help
SHELL := /bin/bash
# Python keeps the bytecode it compiles (in .venv/ and src/, both git-ignored) even where the
# environment says not to: otherwise every kernel and test process compiles pandas and
# matplotlib from source again, several seconds each.
unexport PYTHONDONTWRITEBYTECODE
YEAR ?= 2022
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The offline Quarto CLI kit, when ../shared/quarto/ is beside the project (CI has it).
QUARTO_KIT := ../shared/quarto/install.sh

.PHONY: help env lock report validate test lint format notebooks bench clean quarto

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# Exact versions with hashes; uv installs them in seconds, pip is the fallback.
LOCK := requirements.lock
# uv itself, pinned. Where the machine is known its wheel is named outright, so that pip
# does not read uv's whole release index first (about 2 s); elsewhere it is found by name.
UV_VERSION := 0.13.9
UV_WHEEL_x86_64 := https://files.pythonhosted.org/packages/3d/aa/26d64642d808de4a652579ef950d7cd2d37f080a8babf9c67c6b75fc4c3f/uv-0.13.9-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl\#sha256=d7f459fe4fd247d830351c75686d3996ace3c6f3f728eb0e85a30b7ada0cef19
UV_WHEEL_aarch64 := https://files.pythonhosted.org/packages/57/15/94b6cd62ac3ff6550288328e8035288875197cbc183f51554b266a69877b/uv-0.13.9-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64.whl\#sha256=5435c5ce14a56431208ca0996416d310f1598e8c2c8ba707688985a16bb82dbe
UV_WHEEL := $(UV_WHEEL_$(shell uname -m))
PIP_INTO_VENV := python3 -m pip --python $(PY) install --quiet --disable-pip-version-check --no-deps

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || python3 -m venv --without-pip $(VENV)
	@# uv comes from the system's pip (a venv's own pip takes longer to install than uv);
	@# without either, the venv gets pip and installs the lock itself.
	@if { [ -n "$(UV_WHEEL)" ] && $(PIP_INTO_VENV) "uv @ $(UV_WHEEL)" >/dev/null 2>&1; } \
		|| $(PIP_INTO_VENV) "uv==$(UV_VERSION)" >/dev/null 2>&1 \
		|| { $(PY) -m ensurepip --upgrade >/dev/null 2>&1 && $(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)" >/dev/null 2>&1; }; then \
		$(VENV)/bin/uv pip install --quiet --python $(PY) --require-hashes -r $(LOCK) && \
		$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e . ; \
	else \
		$(PY) -m ensurepip --upgrade >/dev/null && \
		$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK) && \
		$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e . ; \
	fi
	@touch $(STAMP)

env: $(STAMP) ## create .venv and install the locked dependencies (again when the lock changes)

lock: $(STAMP) ## re-resolve requirements.lock from pyproject.toml (the newest versions that fit)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --generate-hashes \
		--python-version 3.11 --quiet --no-header -o $(LOCK)
	@sed -i '1i # Every dependency of volreport (and its dev extra) pinned with hashes, for Python 3.11-3.13.\n# Written by `make lock` (uv pip compile --universal); `make env` installs exactly this.' $(LOCK)

report: $(STAMP) ## build the report for YEAR (default 2022) into _book/YEAR/
	$(VENV)/bin/volreport build --year $(YEAR)

validate: $(STAMP) ## check data/YEAR against the data contract
	$(VENV)/bin/volreport validate --year $(YEAR)

lint: $(STAMP) ## ruff format and lint, the stages' import contract, mypy over src/
	$(VENV)/bin/ruff format --check src tests notebooks
	$(VENV)/bin/ruff check src tests notebooks
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy src

format: $(STAMP) ## apply ruff formatting and safe fixes
	$(VENV)/bin/ruff format src tests notebooks
	$(VENV)/bin/ruff check --fix src tests notebooks

quarto: $(STAMP) ## install the offline Quarto CLI into .quarto/ (from ../shared/quarto/, if there)
	@if [ -f $(QUARTO_KIT) ]; then bash $(QUARTO_KIT) .quarto $(PY) >/dev/null && echo "Quarto kit ready in .quarto/"; \
	else echo "no Quarto kit at $(QUARTO_KIT): the Quarto route tests will be skipped"; fi

test: $(STAMP) ## lint, unit tests, back-tests, end-to-end builds (both engines), nbval
	@# The Quarto kit installs (mostly waiting) while lint checks (mostly computing).
	@$(MAKE) --no-print-directory --output-sync=target -j2 lint quarto
	$(PY) -m pytest -n 2 --dist loadfile --nbval-lax tests notebooks

notebooks: $(STAMP) ## re-run the chapter notebooks and store their headline outputs for nbval
	$(PY) -m volreport.build.notebooks notebooks/*.ipynb

bench: $(STAMP) ## time cold, no-change and one-file-changed builds against the naive route
	$(PY) -m volreport.build.bench --year $(YEAR)

clean: ## remove build outputs (_build/, _book/)
	rm -rf _build _book
