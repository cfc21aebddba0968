def test_liveness_answers_without_touching_dependencies(client):
    r = client.get("/api/health-check")
    assert (r.status_code, r.json) == (200, {"success": True})


def test_ready_when_database_and_cognito_keys_answer(client):
    r = client.get("/api/health-check/ready")
    assert (r.status_code, r.json) == (200, {"ready": True, "checks": {"database": "ok", "cognito_keys": "ok"}})
