# Coverage is of devstack in the pytest process; `make dev` started as a child (test_dev) is not measured.
.PHONY: test-devstack
test-devstack: setup ## test the local stand-ins: PostgreSQL cluster, AWS emulator, local Cognito; prints coverage against its floor
	cd $(ROOT) && $(PY) -m pytest -q devstack/tests $(call COVERAGE,devstack,64)

TEST_TARGETS += test-devstack
