# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test setup install install-runtime chromium lint bench loadtest lock messages clean

# Two lock files: the runtime (what `make run` and the Docker image install) and the development tools on top
# (pytest, Playwright, hypothesis, ruff…), which `make test`, `make lint` and CI add.
$(VENV)/.runtime: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

$(VENV)/.installed: $(VENV)/.runtime requirements-dev.lock
	$(PY) -m pip install --quiet -r requirements-dev.lock
	touch $@

install-runtime: $(VENV)/.runtime
install: $(VENV)/.installed

# The browser tests drive Debian's Chromium: installed here with apt-get when this user may, otherwise one line
# says what to install, before the suite starts.
chromium:
	@bash scripts/ensure-chromium.sh

# Migrate, compile translations, collect static files: everything `make run` needs.
setup: install-runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py deadlines_rebuild
	$(PY) manage.py compilemessages --ignore=.venv -v 0
	$(PY) manage.py collectstatic --noinput -v 0

# The product on the embedded default: web server, Celery worker and beat together; Ctrl-C stops all.
run: setup
	$(PY) manage.py seed_demo
	bash scripts/run-all.sh

# The whole suite (unit, integration, browser). Set DATABASE_URL / CELERY_BROKER_URL to use PostgreSQL / Redis.
test: install chromium
	$(PY) manage.py compilemessages --ignore=.venv -v 0
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Benchmarks on PostgreSQL at 10k, 100k and 1M generated cases (docs/benchmarks.md; never part of `make test`).
# Uses DATABASE_URL when set (its name must contain "bench": every case in it is replaced), else sof_bench on
# the local server, created and migrated on first use. Smaller run: make bench BENCH_SIZES=10000,100000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sof_bench
BENCH_SIZES ?= 10000,100000,1000000
# --profile: each page also runs under cProfile at the largest size (the 'Profiles' section); BENCH_PROFILE= skips it.
BENCH_PROFILE ?= --profile
bench: install
	DATABASE_URL="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}" $(PY) manage.py bench --create-database --sizes $(BENCH_SIZES) $(BENCH_PROFILE)

# Load test: 50 users for 2 minutes against gunicorn + PostgreSQL + Redis (docs/benchmarks.md). Locust and its
# dependencies are pinned apart (requirements-loadtest.lock): `make test` does not need them.
loadtest: install
	$(PY) -m pip install --quiet -r requirements-loadtest.lock
	bash scripts/loadtest/run.sh

# Regenerate both pinned locks from pyproject.toml's ranges: the runtime first, then the development tools on top.
lock:
	rm -rf /tmp/sof-lock && $(PYTHON) -m venv /tmp/sof-lock
	/tmp/sof-lock/bin/pip install --quiet $$($(PYTHON) scripts/deps.py runtime)
	/tmp/sof-lock/bin/pip freeze --all | grep -v -E '^(pip|setuptools|wheel)==' > requirements.lock
	/tmp/sof-lock/bin/pip install --quiet $$($(PYTHON) scripts/deps.py dev)
	{ echo '# Development and test tools, on top of the runtime (make test installs both; make run only the runtime).'; \
	  echo '-r requirements.lock'; \
	  /tmp/sof-lock/bin/pip freeze --all | grep -v -E '^(pip|setuptools|wheel)==' | grep -v -x -F -f requirements.lock; \
	} > requirements-dev.lock

# Rebuild the catalogues from the source; English comes from locale/en/translations.tsv.
messages: install
	$(PY) manage.py makemessages -l da -l en --no-obsolete --ignore=.venv --ignore=var
	$(PY) scripts/fill_en.py

clean:
	rm -rf $(VENV) var
