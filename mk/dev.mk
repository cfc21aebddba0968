# The local stack: `make dev` runs all of Cruddur on this machine (see docs/local-stack.md).
DEV_TESTS := devstack/tests/test_dev.py devstack/tests/test_envfiles.py devstack/tests/test_gitpod.py \
             backend-flask/tests/admin/test_db.py backend-flask/tests/admin/test_cognito.py

.PHONY: dev dev-reset test-dev
dev: setup frontend-setup ## run PostgreSQL, the AWS emulator, the API (:4567) and the web app (:3000); Ctrl-C stops all
	cd $(ROOT) && exec $(PY) -m devstack.dev

dev-reset: setup ## forget the local stack's data (.state/): the next `make dev` starts from the seed
	cd $(ROOT) && $(PY) -m devstack.dev reset

# Only the local stack's tests, for working on it. `make test` already runs them: test-devstack collects
# devstack/tests and test-backend collects backend-flask/tests, so test-dev stays out of TEST_TARGETS.
test-dev: setup ## test make dev from a fresh copy, the env files, Gitpod, and the database/Cognito doors
	cd $(ROOT) && $(PY) -m pytest -q -p no:cacheprovider $(DEV_TESTS)
