# Hiring Radar: one obvious way to run things. `make run` and `make test` do all set-up.
# The interpreter the virtualenv is made from (PYTHON=... chooses another): the system's own
# python3 when it is 3.11 or newer and can make a virtualenv, else the python3 on PATH. On this
# project's Debian machines the system's python3 (its interpreter linked into the executable)
# runs the build's per-posting stage in about 11% less time than the pyenv python3 first on
# PATH, which was built with --enable-shared and without --enable-optimizations
# (docs/build_speed.md, "Twenty-second pass"). An existing .venv keeps the interpreter it was
# made with: remove .venv (not `make clean`, which also removes data/raw) to change it.
SYSTEM_PYTHON := /usr/bin/python3
PYTHON ?= $(shell $(SYSTEM_PYTHON) -c 'import sys, venv, ensurepip; \
	sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && echo $(SYSTEM_PYTHON) || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.spark-installed
N ?= 60000
SAMPLE := data/raw/sample/.complete
ARCHIVE ?= ../shared/data/hn_archive
# DATA=real (default): the embedded real HN history (data/embedded) plus any ingested source;
# DATA=sample: the synthetic sample alone, in its own warehouse (make run DATA=sample).
DATA ?= real
ifeq ($(DATA),sample)
WAREHOUSE := data/sample-warehouse
else
WAREHOUSE := data/warehouse
endif

.PHONY: run test lint bench bench-scale eval setup spark java warehouse sample embedded compare browser valgrind clean help

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

run: setup warehouse  ## set up, build the warehouse if missing (DATA=sample: the sample), serve on 127.0.0.1:8501
	HIRING_RADAR_WAREHOUSE=$(WAREHOUSE) $(PY) -m radar.serve run app.py --server.address 127.0.0.1 --server.port 8501 \
		--browser.gatherUsageStats false --server.headless true

test: setup spark warehouse browser valgrind  ## set up and run the whole test suite
	$(PY) -m pytest

lint: setup  ## ruff
	$(VENV)/bin/ruff check .

bench: setup spark warehouse valgrind  ## build time and memory per stage (N=postings), Spark beside in-process, query, tagger, export timings, HN archive ingest and build time and memory, instructions a posting
	$(PY) -m etl.bench --n $(N)
	$(PY) -m etl.bench_spark --n $(N)  # Spark local-mode build beside the in-process one
	-$(PY) -m etl.evaluate --bench  # tagger speed on the real labelled postings (needs ../shared)
	-$(PY) -m etl.evaluate --bench --texts linkedin  # and on the real LinkedIn descriptions
	-$(PY) -m etl.evaluate --bench --texts linkedin --command --n 100000  # through `python -m etl tag` on a file
	-$(PY) -m etl.bench_instructions  # instructions a posting (callgrind): steady where timings wander

AT ?= 10000000
bench-scale: setup browser  ## every named query's warm p50/p95 (default, narrow filters) on the N sample scaled up to AT postings, app memory and first chart (docs/scale.md), a month appended at AT postings
	$(PY) -m etl.bench --n $(N) --queries-at $(AT) --app
	$(PY) -m etl.bench --n $(N) --append-at $(AT)  # a month appended at AT postings (docs/build.md)

eval: setup  ## precision/recall: tagger (dev, hold-out, audit, 2012-2017 era, 2018-2024 fresh), requirements (6 sets), pay read from text (dev, hold-out); several-roles pay rule
	$(PY) -m etl.evaluate
	$(PY) -m etl.evaluate --labels tests/eval/holdout_labels.jsonl
	$(PY) -m etl.evaluate --labels tests/eval/audit2_labels.jsonl
	$(PY) -m etl.evaluate --labels tests/eval/era_labels.jsonl
	$(PY) -m etl.evaluate --labels tests/eval/fresh_labels.jsonl
	$(PY) -m etl.evaluate_requirements
	$(PY) -m etl.evaluate_requirements --labels tests/eval/requirements_audit_labels.jsonl
	$(PY) -m etl.evaluate_requirements --labels tests/eval/requirements_third_labels.jsonl
	$(PY) -m etl.evaluate_requirements --labels tests/eval/requirements_fourth_labels.jsonl
	$(PY) -m etl.evaluate_requirements --labels tests/eval/requirements_fifth_labels.jsonl
	$(PY) -m etl.evaluate_requirements --labels tests/eval/requirements_sixth_labels.jsonl
	$(PY) -m etl.evaluate_salary --labels tests/eval/pay_dev_labels.jsonl
	$(PY) -m etl.evaluate_salary --labels tests/eval/pay_holdout_labels.jsonl
	$(PY) -m etl.evaluate_salary

setup: $(STAMP)  ## the virtualenv, the packages, and the tagger compiled when it can be (etl/compile.py)
	$(PY) -m etl.compile

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,compile]"
	touch $(STAMP)

spark: $(SPARK_STAMP) java  ## the Spark engine (python -m etl build --engine spark): pyspark and Java

$(SPARK_STAMP): pyproject.toml | $(STAMP)
	$(PY) -m pip install --quiet -e ".[dev,compile,spark]"
	touch $(SPARK_STAMP)

java:  ## Debian's Java runtime (for Spark), installed when `java` is missing
	@command -v java >/dev/null 2>&1 || \
		(mkdir -p /usr/share/man/man1 && apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null)

sample: $(SAMPLE)  ## write the synthetic sample (tests, benchmarks, DATA=sample) to data/raw/sample

$(SAMPLE): | $(STAMP)
	$(PY) -m etl sample
	touch $(SAMPLE)

warehouse: setup  ## build the warehouse when none exists: embedded history + data/raw (DATA=sample: the sample)
	@if [ ! -f $(WAREHOUSE)/manifest.json ]; then \
		if [ "$(DATA)" = sample ]; then \
			$(MAKE) --no-print-directory sample && \
			$(PY) -m etl build --only sample --no-embedded --warehouse $(WAREHOUSE); \
		else \
			$(PY) -m etl build --warehouse $(WAREHOUSE); \
		fi; \
	fi

compare: setup  ## our HN monthly shares against the published hnhiringtrends series (needs ../shared)
	$(PY) -m etl.compare_published

embedded: setup  ## rebuild data/embedded (the shipped real history) from the HN archive month files
	$(PY) -m etl embed --archive $(ARCHIVE)

browser:  ## Debian's Chromium for static chart export and the browser tests
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium fonts-liberation >/dev/null)

valgrind:  ## Debian's valgrind, whose callgrind counts instructions for make bench
	@command -v valgrind >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null)

clean:  ## remove the virtualenv and generated data (keeps nothing but the code)
	rm -rf $(VENV) data/raw data/warehouse data/.warehouse-* data/sample-warehouse \
		data/.sample-warehouse-* test-artefacts
