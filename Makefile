# parindex — two commands on a fresh machine: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The address the links in messages point to: the demo's own, unless set.
SITE_URL ?= http://127.0.0.1:$(PORT)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install install-dev demo serve test lint typecheck check-migrations messages \
	browser-deps screenshots clean bench-deps bench-serve load fault-saves

$(PY):
	python3 -m venv $(VENV)

# The runtime, at the versions of constraints.txt.
install: $(PY)
	$(PY) -m pip install -q -c constraints.txt -e .

install-dev: $(PY)
	$(PY) -m pip install -q -c constraints.txt -e ".[dev]"

# Set up, load the demo province (idempotent) and serve it on SQLite, with the worker
# that sends the outbox and runs the jobs (stopped with the server).
demo: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v 0
	SITE_URL=$(SITE_URL) $(PY) manage.py load_demo
	@echo
	@echo "Demo log-ins (python manage.py demo_logins --json for the full list):"
	@$(PY) manage.py demo_logins | head -n 13
	@echo "  … and a scorer (<unit>.scorer) and a head (<unit>.head) for every unit."
	@echo
	@echo "Serving on http://127.0.0.1:$(PORT)/, a background worker beside it (outbox, reminders, jobs)"
	@SITE_URL=$(SITE_URL) $(PY) manage.py run_worker -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production stack on this machine: production settings, static files collected and
# served by whitenoise, gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1:$(PORT), on
# DATABASE_URL if set (SQLite otherwise). Plain HTTP on loopback, so the TLS-only settings
# are off; a secret key is made once in var/. docs/deployment.md, "Serving".
SERVE_ENV = PARINDEX_ENV=production \
	SECRET_KEY="$$(cat var/serve-secret-key)" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0 \
	LOG_FORMAT="$${LOG_FORMAT:-plain}" SITE_URL=$(SITE_URL) PORT=$(PORT)
serve: install
	@mkdir -p var
	@test -s var/serve-secret-key || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > var/serve-secret-key
	$(SERVE_ENV) $(PY) manage.py migrate --noinput -v 0
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v 0
	@echo "Serving on http://127.0.0.1:$(PORT)/ (gunicorn; /healthz, /readyz), a background worker beside it"
	@$(SERVE_ENV) $(PY) manage.py run_worker -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(SERVE_ENV) $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py parindex.wsgi

lint: install-dev
	$(PY) -m ruff check parindex
	$(PY) -m ruff format --check parindex

typecheck: install-dev
	$(PY) -m mypy parindex

check-migrations: install-dev
	@mkdir -p var
	$(PY) manage.py makemigrations --check --dry-run -v 0

# Debian's chromium drives the browser tests (Playwright uses it, downloads nothing).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's chromium (sudo apt-get install chromium) for the browser tests."; exit 1; fi; }

# Everything: lint, types, migrations, unit and browser tests (on DATABASE_URL if set).
test: install-dev browser-deps bench-deps lint typecheck check-migrations
	$(PY) -m pytest -q

# Recompile translations after editing parindex/locale/*/LC_MESSAGES/django.po.
messages: install-dev
	cd parindex && ../$(PY) ../manage.py makemessages -l vi --no-obsolete --no-location
	cd parindex && ../$(PY) ../manage.py compilemessages -l vi

# Screenshots of every page as every role, desktop and phone width, into screenshots/.
screenshots: install-dev browser-deps
	$(PY) -m pytest -q -m browser parindex/tests/test_screenshots.py --screenshots

# Debian's wrk drives the server benchmark, the load test and the fault test.
bench-deps:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "Install Debian's wrk (sudo apt-get install wrk) for the server benchmarks."; exit 1; fi; }

# Under gunicorn (2 workers) on the PostgreSQL of DATABASE_URL, loopback only. The data
# (the demo and a published 3,000-unit year) is built on the first run, then reused.
SECONDS_PER_PAGE ?= 10
bench-serve: install bench-deps
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py bench_serve --seconds $(SECONDS_PER_PAGE)

# 200 citizens on the public results pages and 40 scorers saving leaves, 60 s.
load: install bench-deps
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_test --citizens 200 --scorers 40 --seconds 60

# kill -9 the server in the middle of saves; nothing acknowledged may be lost.
fault-saves: install bench-deps
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py fault_saves

clean:
	rm -rf $(VENV) var screenshots
