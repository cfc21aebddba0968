# The local stack: `make dev` runs all of Cruddur on this machine (see docs/local-stack.md).
.PHONY: dev dev-reset test-dev
dev: setup frontend-setup ## run PostgreSQL, the AWS emulator, the API (:4567) and the web app (:3000); Ctrl-C stops all
	cd $(ROOT) && exec $(PY) -m devstack.dev

dev-reset: setup ## forget the local stack's data (.state/): the next `make dev` starts from the seed
	cd $(ROOT) && $(PY) -m devstack.dev reset

# The fresh-copy test installs node_modules anew but reuses this checkout's .venv (a fresh pip install takes
# minutes on CI's machine); run it without DEV_TEST_REUSE_INSTALLS to install everything from scratch.
test-dev: setup ## test make dev, the env files and the Cognito/database doors
	cd $(ROOT) && DEV_TEST_REUSE_INSTALLS=$(ROOT) $(PY) -m pytest -q -p no:cacheprovider devstack/tests

TEST_TARGETS += test-dev
