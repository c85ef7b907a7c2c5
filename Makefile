# Skillwright: `make demo` (install + explore the bundled shop), `make test` (install + full suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install chromium demo test lint format bench clean

$(BIN)/skillwright: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(BIN)/skillwright

# Chromium from Debian/Ubuntu packages when none is found (Playwright's own download is not used).
chromium:
	@if [ -n "$$SKILLWRIGHT_CHROMIUM" ] || [ -x /usr/bin/chromium ] || command -v chromium-browser >/dev/null 2>&1; then \
		echo "chromium: found"; \
	else \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "chromium: installing with apt-get"; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; \
	fi

install: $(BIN)/skillwright chromium

demo: install
	$(BIN)/skillwright explore shop

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/pytest -q -n 2 --dist loadgroup

bench: install
	$(BIN)/python bench/sites_bench.py

clean:
	rm -rf skill_library runs .pytest_cache .ruff_cache
