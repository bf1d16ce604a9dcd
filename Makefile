# Task runner. `make run` and `make test` set everything up on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
export QT_QPA_PLATFORM ?= offscreen

.PHONY: setup run demo console test test-fast lint pytest bench catalogs extract build clean

setup:
	bash scripts/bootstrap.sh

# The attendee kiosk, full screen, on the demo event (set up on first run).
run: setup
	QT_QPA_PLATFORM= $(VENV)/bin/kiosk run --demo

# The same without the screen: the command-line demo.
demo: setup
	$(VENV)/bin/kiosk init --demo
	$(VENV)/bin/kiosk propose --from ../shared/data/sample/proposals.jsonl
	$(VENV)/bin/kiosk status
	$(VENV)/bin/kiosk journal verify

# The organiser console on the demo event (its own data folder), at http://127.0.0.1:8080/
CONSOLE_DIR ?= .console-demo
SAMPLE_ROSTER ?= ../shared/data/sample/roster.csv
console: setup
	$(VENV)/bin/kiosk-central --data-dir $(CONSOLE_DIR) serve --demo \
	  $$([ -f $(SAMPLE_ROSTER) ] && echo --demo-roster $(SAMPLE_ROSTER))

# The whole test suite: lint, types, layer contract, then pytest.
test: setup
	$(MAKE) --no-print-directory lint
	KIOSK_TEST_PG_URL=$$(bash scripts/start_postgres.sh) && export KIOSK_TEST_PG_URL && \
	  $(PY) -m pytest

# The inner loop (under 30 s): no Qt windows, no programs started, no mounts, no pack
# sealing, no PostgreSQL (tests/conftest.py marks those slow). make test runs all.
test-fast: setup
	$(PY) -m pytest -q -m "not slow and not postgres" -p no:cacheprovider

lint:
	$(VENV)/bin/ruff check kiosk tests bench
	$(VENV)/bin/ruff format --check kiosk tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

pytest:
	$(PY) -m pytest

bench: setup
	$(PY) bench/run_all.py

extract:
	$(VENV)/bin/pybabel extract -F translations/babel.cfg -k N_ -k NP_:1,2 -k pgettext:1c,2 \
	  --project="Listening Kiosk" --copyright-holder="Listening Kiosk" \
	  --no-location -o translations/kiosk.pot .
	$(VENV)/bin/pybabel update -i translations/kiosk.pot -d translations -D kiosk --no-fuzzy-matching

catalogs:
	$(VENV)/bin/pybabel compile -d translations -D kiosk

build: setup
	$(PY) build_spec/build.py

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
