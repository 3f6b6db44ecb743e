# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# 127.0.0.1: this machine only. HOST=0.0.0.0 make demo: the local network too (a phone on the
# same Wi-Fi), demo passwords over plain HTTP: never on an untrusted network.
HOST ?= 127.0.0.1
# Every demo command runs through ./wbs-demo (demo mode, plain HTTP), as the README's do.
DEMO := sh ./wbs-demo

.PHONY: install demo serve test test-fast faults lint format messages check-deploy bench sbom audit-deps clean

$(VENV)/.installed: pyproject.toml constraints.txt
	@# A stock Debian has no ensurepip (package python3-venv): install it when running as root.
	@$(PY) -c "import ensurepip" 2>/dev/null || { [ "$$(id -u)" = 0 ] && \
	  apt-get update -q >/dev/null && apt-get install -y -q python3-venv >/dev/null; } || { \
	  echo "Perlu paket python3-venv: sudo apt-get install python3-venv"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# The browser tests inject axe-core; fetched and checked against package-lock.json by a
# standard-library script, so neither Node.js nor npm is needed.
node_modules/.installed: package.json package-lock.json tools/fetch_npm.py
	$(PY) tools/fetch_npm.py
	touch $@

# Sets up, migrates, loads the Palembang demo data, prints the demo log-ins and the recovery
# passphrase (first run only), then serves on http://$(HOST):$(PORT) with a task worker.
demo: install
	$(DEMO) migrate --noinput -v0
	$(DEMO) collectstatic --noinput -v0
	$(DEMO) load_palembang
	$(DEMO) init_vault
	$(DEMO) create_demo_users
	$(DEMO) seed_demo
	$(MAKE) --no-print-directory serve

serve:
ifeq ($(filter 127.0.0.1 localhost ::1,$(HOST)),)
	@echo "DEMO ON THE NETWORK: demo passwords, no TLS. Only on a network you trust (not public Wi-Fi)."
	@echo "Serving on (Ctrl+C to stop):"
	@$(BIN)/python -c "from config.env import demo_network_hosts as h; \
	  print(*(f'  http://{x}:$(PORT)/' for x in h('$(HOST)')), sep='\n')"
else
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
endif
	WBS_DEMO_HOST=$(HOST) $(DEMO) db_worker --interval 2 >/dev/null 2>&1 & \
	  WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  WBS_DEMO_HOST=$(HOST) $(DEMO) serve_demo $(HOST):$(PORT) --noreload

# Sets up and runs the whole test suite (browser tests included when Chromium is installed;
# .ci/run installs it and makes a skipped browser test a failure).
test: install node_modules/.installed
	$(BIN)/pytest

# Fault drills against the real stack on loopback (gunicorn, PostgreSQL, Redis): faults/.
faults: install
	$(BIN)/pytest -q faults

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/bandit -q -c pyproject.toml -r wbs config

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	WBS_TESTING=True $(BIN)/python manage.py makemessages -l id --no-obsolete --no-location \
	  --ignore='.venv/*' --ignore='node_modules/*' --ignore='var/*' --ignore='bench/*'
	WBS_TESTING=True $(BIN)/python manage.py compilemessages -l id --ignore='.venv/*'

check-deploy: install
	SECRET_KEY=check-deploy-only-$$(head -c 32 /dev/urandom | base64 | tr -dc a-zA-Z0-9) \
	WBS_PEPPER=check-deploy-only-pepper-0123456789abcdef ALLOWED_HOSTS=wbs.example.org \
	REDIS_URL=redis://:check-deploy-only@127.0.0.1:6379/0 \
	WBS_TRUST_ROOT=0000-0000-0000-0000-0000-0000-0000-0000-0000-0000-0000-0000-0000-0000-0000-0000 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

bench: install
	$(BIN)/python bench/run.py

# Checklist item 42. The SBOM (CycloneDX JSON) of the pinned runtime dependencies, offline.
$(VENV)/.audit-installed: $(VENV)/.installed
	$(BIN)/pip install -q -c constraints.txt -e '.[audit]'
	touch $@

sbom: $(VENV)/.audit-installed
	mkdir -p var
	$(BIN)/cyclonedx-py requirements --of JSON --output-file var/sbom.cdx.json constraints.txt
	@echo "SBOM: var/sbom.cdx.json"

# The dependency CVE gate: fails on any known vulnerability, and (--strict) when the advisory
# database cannot be reached. Needs internet access to PyPI's advisory API: run it on a
# connected machine before every release (CI's network cannot reach it).
audit-deps: $(VENV)/.audit-installed
	$(BIN)/pip-audit --strict --no-deps --disable-pip -r constraints.txt

clean:
	rm -rf $(VENV) node_modules var
