# The Flask API (backend-flask/): its tests run against a throwaway PostgreSQL and the local AWS emulator.
# Coverage is of the pytest process (the app factory, services, admin commands); the gunicorn servers that the
# serving and drill tests start are separate processes and not measured.
.PHONY: test-backend
test-backend: setup ## test the API (real PostgreSQL + local Cognito emulator); prints coverage against its floor
	cd backend-flask && $(PY) -m pytest -q $(call COVERAGE,cruddur,93)

TEST_TARGETS += test-backend
