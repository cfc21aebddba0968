# Cruddur's doors. Each target is one line of intent; the logic lives in tested code.
# Areas add their own targets in mk/<area>.mk and append their test target to TEST_TARGETS.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
PYTHON ?= python3
TEST_TARGETS :=
PY_REQUIREMENTS := requirements-dev.txt $(wildcard */requirements*.txt)
# pytest options for an area's coverage: $(call COVERAGE,<package>,<floor>) prints the files not fully covered
# and fails the run when the total drops below the floor (today's figure, rounded down: raise it, never lower it).
COVERAGE = --cov=$(1) --cov-config=$(ROOT)/.coveragerc --cov-report=term:skip-covered --cov-fail-under=$(2)

include $(sort $(wildcard mk/*.mk))

.PHONY: help setup installs test
help: ## list the doors
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

setup: $(VENV)/.installed ## install Python dependencies into .venv

$(VENV)/.installed: $(PY_REQUIREMENTS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The three installs side by side: each spends most of its time waiting on a registry, and one after another
# they were minutes of every CI run. --output-sync keeps each one's lines together.
installs: ## install the Python venv, the linters and the web app's npm packages, side by side
	$(MAKE) --no-print-directory -j3 --output-sync=target setup lint-setup frontend-setup

test: installs $(TEST_TARGETS) ## run every test
