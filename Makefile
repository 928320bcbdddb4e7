# Micro Court: `make run` serves the demo court, `make test` runs every test.
VENV   := .venv
PY     := $(VENV)/bin/python
UV     := $(VENV)/bin/uv
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: install run test lint browser bench-face bench-telegram bench-floor clean

install: $(STAMP)

# uv installs the whole stack in about 20 s. The override drops face-recognition's `dlib`
# requirement (an 11-minute source build): the dlib-bin wheel provides the same module.
$(STAMP): pyproject.toml overrides.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv
	$(UV) pip install --python $(PY) --quiet --override overrides.txt -e ".[dev]"
	$(PY) -c "import dlib, face_recognition_models; print('face models ready')"
	touch $(STAMP)

run: install
	MICROCOURT_DEMO=1 $(VENV)/bin/microcourt serve

browser:
	bash scripts/ensure-chromium.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy app bot court flows identity storage

test: install browser lint
	$(PY) -m pytest

bench-face: install
	$(PY) bench/face_verify.py

bench-telegram: install
	$(PY) bench/telegram_webhook.py

bench-floor: install
	$(PY) bench/turn_floor.py

clean:
	rm -rf $(VENV) .data .pytest_cache
