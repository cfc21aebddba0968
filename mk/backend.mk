# The Flask API (backend-flask/): its tests run against a throwaway PostgreSQL and the local AWS emulator.
.PHONY: test-backend
test-backend: setup ## test the API (real PostgreSQL + local Cognito emulator)
	cd backend-flask && $(PY) -m pytest -q

TEST_TARGETS += test-backend
