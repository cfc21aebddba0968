# Browser journeys (e2e/): the production build under nginx, the API, PostgreSQL and the AWS emulator,
# driven in Debian's Chromium.
.PHONY: test-e2e
test-e2e: setup frontend-build ## browser journeys against the whole stack (screenshots in artifacts/)
	cd e2e && $(PY) -m pytest -q

TEST_TARGETS += test-e2e
