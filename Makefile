# healthdesk: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
DEV_ENV := DEBUG=1
PYTEST_ARGS ?=

.PHONY: run test lint migrate seed check-deploy clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	$(DEV_ENV) $(PY) manage.py migrate --noinput

seed: migrate
	$(DEV_ENV) $(PY) manage.py seed_demo --if-empty

run: seed
	@echo "healthdesk on http://127.0.0.1:8000/admin/ (demo login printed above)"
	$(DEV_ENV) PYTHON=$(PY) bin/devserver

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	HEALTHDESK_TESTING=1 $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var
