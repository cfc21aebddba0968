# The linters: Python ones (and squawk) pinned in tools/lint-requirements.txt and installed into .venv-lint,
# shellcheck from Debian. lint-python, lint-shell and lint-migrations run in `make test`; lint-cfn and
# lint-frontend inside their areas' targets.
LINT_VENV := $(ROOT)/.venv-lint
LINT_BIN := $(LINT_VENV)/bin

.PHONY: lint-setup
lint-setup: $(LINT_VENV)/.installed ## install the linters (ruff, squawk, checkov, cfn-lint, parliament, hadolint) into .venv-lint

$(LINT_VENV)/.installed: tools/lint-requirements.txt
	test -x $(LINT_BIN)/python || $(PYTHON) -m venv $(LINT_VENV)
	$(LINT_BIN)/python -m pip install --quiet --disable-pip-version-check -r tools/lint-requirements.txt
	touch $@

.PHONY: lint-python
lint-python: lint-setup ## ruff over every Python file: pyflakes, pycodestyle, import order, bugbear, pyupgrade (ruff.toml)
	cd $(ROOT) && $(LINT_BIN)/ruff check .

TEST_TARGETS += lint-python

# shellcheck comes from Debian's packages (.ci/apt-packages.txt); the script list from the files' shebangs.
.PHONY: lint-shell
lint-shell: ## shellcheck over every shell script, found by shebang: the bin/ doors, .ci/run, the container scripts
	cd $(ROOT) && $(PYTHON) tools/shell_scripts.py | xargs -d '\n' shellcheck

TEST_TARGETS += lint-shell

# squawk over every migration, up and down: locks without a timeout, table rewrites, blocking index builds...
# backend-flask/.squawk.toml names the PostgreSQL version and each rule turned off, with the reason. Whether a
# step keeps the running version working (expand/contract) is a test: backend-flask/tests/test_migration_safety.py.
.PHONY: lint-migrations
lint-migrations: lint-setup ## squawk over every backend-flask/db/migrations/*.sql (PostgreSQL 15, .squawk.toml)
	cd $(ROOT)/backend-flask && $(LINT_BIN)/squawk --config .squawk.toml db/migrations/*.sql

TEST_TARGETS += lint-migrations
