# Concord: `make run` serves the demo; `make test` runs the whole suite on PostgreSQL and Redis.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make run` needs only the runtime requirements; lint, test and bench also need the tools of requirements-dev.txt.
RUNTIME_STAMP := $(VENV)/.runtime-stamp
STAMP := $(VENV)/.installed-stamp

# `make run PORT=8200` serves on another port; links in e-mails (SITE_URL) follow it.
PORT ?= 8000
RUN_ENV = env -u DATABASE_URL -u REDIS_URL SITE_URL=http://127.0.0.1:$(PORT)

# The test suite always runs on the real services (override to point elsewhere).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/concord
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# Parallel test processes (pytest-xdist, one test file each at a time); worker N uses TEST_REDIS_URL's database
# minus N and the test database with the suffix _gwN. `make test TEST_WORKERS=0` runs in one process.
TEST_WORKERS ?= 2
# Benchmark size: tiny, small (the default, a few minutes), medium or state (see bench/scales.py).
SCALE ?= small
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true
# Throwaway values that only satisfy the production settings' checks.
DEPLOY_ENV := DJANGO_SETTINGS_MODULE=portal.settings.production \
	SECRET_KEY=deploy-check-only-$(shell printf '%064d' 0) ALLOWED_HOSTS=concord.example.org

.PHONY: install install-runtime run test lint format services bench bench-load bench-alerts clean

$(RUNTIME_STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(RUNTIME_STAMP)

# requirements-dev.txt includes requirements.txt, so the full install also satisfies the runtime one.
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP) $(RUNTIME_STAMP)

# PDF export needs Debian's Pango and fonts (apt-get); without them everything else still works (README).
install-runtime: $(RUNTIME_STAMP)
	@bash scripts/ensure-pango.sh $(BIN)/python

install: $(STAMP)
	@bash scripts/ensure-pango.sh $(BIN)/python

run: install-runtime
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

services:
	@bash scripts/ensure-services.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install services lint
	# Against an empty in-memory database: only the models and migration files are compared.
	DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(DEPLOY_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(TEST_ENV) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# Benchmarks on their own database (concord_bench_$(SCALE)) and Redis db 7; figures into docs/benchmarks.md.
bench: install services
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	$(BIN)/python -m bench.run --scale $(SCALE)
	$(BIN)/python -m bench.report

# The load benchmark: gunicorn (production settings) on concord_bench_$(SCALE) (generated like `make bench` when
# absent), driven by locust; under 15 minutes on 2 cores at state scale once generated. LOAD_ARGS adds options,
# e.g. LOAD_ARGS="--workers 5" (python -m bench.load --help). Figures into docs/benchmarks.md, "Under load".
# By default the production configuration, then connections opened per request (the "before" of persistent
# database and broker connections), then threaded workers.
LOAD_ARGS ?= --compare conn-max-age=0,broker-pool-limit=0 --compare worker-class=gthread
bench-load: install services
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	$(BIN)/python -m bench.load --scale $(SCALE) $(LOAD_ARGS)
	$(BIN)/python -m bench.load_report

# Alert throughput (bench/alert_throughput.py): webhook deliveries a second to 500 receivers on loopback, with one
# connection per delivery and with kept-alive connections, and e-mails a second to an SMTP sink, each against the
# same client without Celery; its own database (BENCH_DATABASE_URL, default concord_bench_alerts, small scale) and
# Redis (BENCH_REDIS_URL, default db 5: never one a test run uses at the same time). About 3 minutes.
ALERTS_ARGS ?=
bench-alerts: install services
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	$(BIN)/python -m bench.alert_throughput $(ALERTS_ARGS)
	$(BIN)/python -m bench.alert_report

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles .pytest_cache .ruff_cache .mypy_cache
