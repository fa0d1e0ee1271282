# Hiring Radar: one obvious way to run things. `make run` and `make test` do all set-up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
WAREHOUSE := data/warehouse
N ?= 60000
SAMPLE := data/raw/sample/.complete

.PHONY: run test lint bench eval setup warehouse sample browser clean help

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

run: setup warehouse  ## set up, build the sample warehouse if missing, serve on 127.0.0.1:8501
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port 8501 \
		--browser.gatherUsageStats false --server.headless true

test: setup warehouse browser  ## set up and run the whole test suite
	$(PY) -m pytest

lint: setup  ## ruff
	$(VENV)/bin/ruff check .

bench: setup warehouse  ## build time and memory per stage, query, tagger, export timings (N=postings)
	$(PY) -m etl.bench --n $(N)
	-$(PY) -m etl.evaluate --bench  # tagger speed on the real labelled postings (needs ../shared)

eval: setup  ## tagger precision and recall: development, hold-out and second audit sets
	$(PY) -m etl.evaluate
	$(PY) -m etl.evaluate --labels tests/eval/holdout_labels.jsonl
	$(PY) -m etl.evaluate --labels tests/eval/audit2_labels.jsonl

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

sample: $(SAMPLE)  ## write the embedded synthetic sample to data/raw/sample

$(SAMPLE): | $(STAMP)
	$(PY) -m etl sample
	touch $(SAMPLE)

warehouse: setup  ## build the warehouse from data/raw when none exists
	@if [ ! -f $(WAREHOUSE)/manifest.json ]; then \
		$(MAKE) --no-print-directory sample && $(PY) -m etl build; \
	fi

browser:  ## Debian's Chromium for static chart export and the browser tests
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium fonts-liberation >/dev/null)

clean:  ## remove the virtualenv and generated data (keeps nothing but the code)
	rm -rf $(VENV) data/raw data/warehouse data/.warehouse-* test-artefacts
