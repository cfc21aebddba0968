LINT_VENV := $(ROOT)/.venv-lint
LINT_BIN := $(LINT_VENV)/bin

.PHONY: lint-setup
lint-setup: $(LINT_VENV)/.installed ## install the linters (ruff, checkov, cfn-lint, parliament, hadolint) into .venv-lint

$(LINT_VENV)/.installed: tools/lint-requirements.txt
	test -x $(LINT_BIN)/python || $(PYTHON) -m venv $(LINT_VENV)
	$(LINT_BIN)/python -m pip install --quiet --disable-pip-version-check -r tools/lint-requirements.txt
	touch $@

.PHONY: lint-python
lint-python: lint-setup ## ruff over every Python file: pyflakes, pycodestyle, import order, bugbear, pyupgrade (ruff.toml)
	cd $(ROOT) && $(LINT_BIN)/ruff check --quiet .

TEST_TARGETS += lint-python
