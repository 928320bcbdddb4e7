# Micro Court: `make run` serves the demo court, `make test` runs every test.
VENV   := .venv
PY     := $(VENV)/bin/python
UV     := $(VENV)/bin/uv
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: install run test lint browser lock upgrade bench-face bench-telegram bench-floor bench-deadlines bench-documents bench-card bench-ocr clean

install: $(STAMP)

# Installs exactly what requirements.lock names, each file checked against its hash: the same
# commit installs the same versions on every machine. `make upgrade` is the deliberate step that
# moves them. The override drops face-recognition's `dlib` requirement (an 11-minute source
# build): the dlib-bin wheel provides the same module.
UV_VERSION := 0.13.9
LOCK_FLAGS := --extra dev --override overrides.txt --python-version 3.11 --universal --generate-hashes

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip sync --python $(PY) --quiet --require-hashes requirements.lock
	$(UV) pip install --python $(PY) --quiet --no-deps --no-build-isolation -e .
	$(PY) -c "import dlib, face_recognition_models; print('face models ready')"
	touch $(STAMP)

run: install
	MICROCOURT_DEMO=1 $(VENV)/bin/microcourt serve

browser:
	bash scripts/ensure-chromium.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy app bot court filing asynchronous_trial judgment flows gateway identity storage

test: install browser lint
	$(PY) -m pytest

bench-face: install
	$(PY) bench/face_verify.py

bench-telegram: install
	$(PY) bench/telegram_webhook.py

bench-floor: install
	$(PY) bench/turn_floor.py

# requirements.lock from pyproject.toml, keeping every version it already pins where it can.
lock: $(STAMP)
	$(UV) pip compile pyproject.toml $(LOCK_FLAGS) --quiet -o requirements.lock

# The deliberate upgrade: newest versions pyproject.toml allows, then every test on them.
upgrade: $(STAMP)
	$(UV) pip compile pyproject.toml $(LOCK_FLAGS) --quiet --upgrade -o requirements.lock
	$(MAKE) test

bench-deadlines: install
	$(PY) bench/deadlines.py

bench-documents: install
	$(PY) bench/documents.py

bench-card: install
	$(PY) bench/id_card.py

# RapidOCR (the court's) against Debian's Tesseract on the same specimen cards; installs
# tesseract-ocr and tesseract-ocr-chi-sim with apt (root) first. The court never needs them.
bench-ocr: install
	bash scripts/ensure-tesseract.sh
	$(PY) bench/ocr_engines.py --psm 3 --psm 11

clean:
	rm -rf $(VENV) .data .pytest_cache
