# Passage: `make run` starts the portal with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app portal
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint install static migrate seed worker bench clean messages

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

static/vendor/.installed: package.json package-lock.json scripts/copy_static_vendor.py
	npm ci --no-audit --no-fund --loglevel=error
	$(PY) scripts/copy_static_vendor.py
	touch $@

# The pages' one stylesheet and one script, with hashed names and compressed copies (static/dist/).
static/dist/manifest.json: static/vendor/.installed $(wildcard static/css/*.css static/js/*.js) scripts/build_assets.py
	$(PY) scripts/build_assets.py

# After marking new strings: refresh the template and the French catalogue, then translate what is new
# (tests/i18n/test_catalogue.py names each string still missing; docs/languages.md).
messages: $(VENV)/.installed
	# PYTHONPATH=.: the facts extractor (portal.i18n) is this checkout's, not the one the venv was installed from.
	PYTHONPATH=. $(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-wrap --sort-by-file --project=Passage -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-wrap --no-fuzzy-matching --ignore-obsolete

install: $(VENV)/.installed static/vendor/.installed static/dist/manifest.json

static: static/vendor/.installed static/dist/manifest.json

migrate: install
	$(FLASK) db-upgrade

seed: migrate
	$(FLASK) seed-demo

run: migrate
	$(FLASK) seed-demo --brief
	@if [ -n "$$REDIS_URL" ]; then \
		echo "Starting a worker against $$REDIS_URL"; \
		$(PY) worker.py & trap "kill $$! 2>/dev/null" EXIT; \
		HOST=$(HOST) PORT=$(PORT) $(FLASK) serve; \
	else \
		HOST=$(HOST) PORT=$(PORT) $(FLASK) serve; \
	fi

worker: install
	$(PY) worker.py

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) bench/form_step.py
	$(PY) bench/render.py
	$(PY) bench/kit.py
	$(PY) bench/dashboard.py
	$(PY) bench/load.py
	$(PY) bench/regression.py
	$(PY) bench/big_packets.py
	$(PY) bench/browser.py

clean:
	rm -rf instance/ static/vendor/ .pytest_cache/
