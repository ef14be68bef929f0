# Qingdan: `make demo` serves the demo county, `make test` runs the whole test suite.
# Both create the virtualenv and install the project on first use; .ci/run uses the
# same targets.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_ADDR ?= 127.0.0.1:8000

.PHONY: demo test lint install

# Reinstall only when pyproject.toml changes (or the venv is new).
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	@echo
	@echo "Qingdan demo: http://$(DEMO_ADDR)/  (logins above; admin at http://$(DEMO_ADDR)/admin/)"
	@echo
	$(PY) manage.py runserver $(DEMO_ADDR)
