# The local stack: `make dev` runs all of Cruddur on this machine (see docs/local-stack.md).
FRONTEND_MODULES := $(ROOT)/frontend-react-js/node_modules/.package-lock.json

.PHONY: dev dev-reset test-dev
dev: setup $(FRONTEND_MODULES) ## run PostgreSQL, the AWS emulator, the API (:4567) and the web app (:3000); Ctrl-C stops all
	cd $(ROOT) && exec $(PY) -m devstack.dev

dev-reset: setup ## forget the local stack's data (.state/): the next `make dev` starts from the seed
	cd $(ROOT) && $(PY) -m devstack.dev reset

# npm writes node_modules/.package-lock.json on every install, so it doubles as the stamp.
$(FRONTEND_MODULES): $(ROOT)/frontend-react-js/package-lock.json
	cd $(ROOT)/frontend-react-js && npm ci --no-audit --no-fund --loglevel=error

# The fresh-copy test reuses this checkout's .venv and node_modules (a truly fresh install takes minutes);
# unset DEV_TEST_REUSE_INSTALLS to make it install from scratch.
test-dev: setup $(FRONTEND_MODULES) ## test make dev, the env files and the Cognito/database doors
	cd $(ROOT) && DEV_TEST_REUSE_INSTALLS=$(ROOT) $(PY) -m pytest -q -p no:cacheprovider devstack/tests

TEST_TARGETS += test-dev
