.PHONY: test-devstack
test-devstack: setup ## test the local stand-ins: PostgreSQL cluster, AWS emulator, local Cognito
	cd $(ROOT) && $(PY) -m pytest -q devstack/tests

TEST_TARGETS += test-devstack
