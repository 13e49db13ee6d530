# Rounds: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck audit format migrate seed worker beat up clean install lock \
	screenshots lighthouse

# Installs exactly the locked set (requirements/dev.txt: every package pinned, with hashes).
$(STAMP): requirements/dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	@touch $(STAMP)

install: $(STAMP)

## lock: resolve pyproject.toml's ranges anew (newest releases inside them), then run the suite
UV_COMPILE := $(VENV)/bin/uv pip compile pyproject.toml --quiet --universal \
	--python-version 3.11 --generate-hashes --upgrade
lock: $(STAMP)
	$(UV_COMPILE) -o requirements/base.txt
	$(UV_COMPILE) --extra dev -c requirements/base.txt -o requirements/dev.txt
	$(MAKE) --no-print-directory test

# axe-core for the browser tests' accessibility checks (skipped, with the reason, without npm).
node_modules/axe-core/axe.min.js: package.json
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent; \
	else echo "npm not found: browser accessibility tests will be skipped"; fi

## run: the app on SQLite with demo data at http://127.0.0.1:8000 (no services needed)
run: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

## test: lint, type check, migration check and the whole suite (uses DATABASE_URL and REDIS_URL if set)
test: $(STAMP) node_modules/axe-core/axe.min.js
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory audit
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## typecheck: mypy with the Django plugin over the apps, community, tools, bench and tests (pyproject.toml)
typecheck: $(STAMP)
	$(VENV)/bin/mypy

## audit: bandit (medium and high), and every installed package checked against known
## vulnerabilities (PyPI or OSV, else the advisory file AUDIT_ADVISORIES_FILE; see tools/audit.py)
audit: $(STAMP)
	$(VENV)/bin/bandit -q -r accounts community mentoring moderation notifications posts privacy programs -ll
	$(PY) -m tools.audit

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrate: $(STAMP)
	$(PY) manage.py migrate

## worker / beat: a real Celery worker and scheduler (needs REDIS_URL)
worker: $(STAMP)
	$(VENV)/bin/celery -A community worker -Q default,email,push,periodic -l info

beat: $(STAMP)
	$(VENV)/bin/celery -A community beat -l info

## screenshots: every main page at 360, 768 and 1280 px, light and dark, into var/screenshots/
## (starts its own demo site under gunicorn with DEBUG=0; needs Chromium, see tests/browser/)
screenshots: $(STAMP)
	$(PY) -m bench.screenshots $(SCREENSHOTS_ARGS)

## lighthouse: Lighthouse scores of the main pages, written into README.md (needs npm install)
lighthouse: $(STAMP)
	$(PY) -m bench.lighthouse $(LIGHTHOUSE_ARGS)

## up: the production-like stack in Docker
up:
	docker compose up --build

clean:
	rm -rf $(VENV) var
