# Qingdan: `make demo` serves the demo county, `make test` runs the whole test suite.
# Both create the virtualenv and install the project on first use; .ci/run uses the
# same targets.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_ADDR ?= 127.0.0.1:8000
# Seconds between two runs of viewflow's timer dispatcher during `make demo`.
TIMER_INTERVAL ?= 60

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
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

# The demo serves with runserver and keeps `manage.py workflow_timers` running every
# TIMER_INTERVAL seconds in the background (reminders and deadlines of consultations),
# printing only sweeps that fired something; the loop stops when runserver does.
demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	@echo
	@echo "Qingdan demo: http://$(DEMO_ADDR)/  (logins above; admin at http://$(DEMO_ADDR)/admin/)"
	@echo "Timers: manage.py workflow_timers runs every $(TIMER_INTERVAL)s in the background."
	@echo
	@( trap 'kill $$sleeper 2>/dev/null; exit 0' TERM; \
	  while true; do \
	    $(PY) manage.py workflow_timers | grep -v '^0 timer(s) fired, 0 process(es) started, 0 condition(s) fired$$' || true; \
	    sleep $(TIMER_INTERVAL) & sleeper=$$!; wait $$sleeper; \
	  done ) & timers=$$!; \
	trap 'kill $$timers 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(DEMO_ADDR)
