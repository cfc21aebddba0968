def test_liveness_answers_without_touching_dependencies(client):
    r = client.get("/api/health-check")
    assert (r.status_code, r.json) == (200, {"success": True})


def test_ready_when_database_cognito_keys_and_dynamodb_answer(client):
    r = client.get("/api/health-check/ready")
    assert (r.status_code, r.json) == (200, {"ready": True, "checks": {"database": "ok", "cognito_keys": "ok",
                                                                        "dynamodb": "ok"}})


def test_database_down_means_not_ready_and_a_json_503_but_still_alive(settings, db, log_lines):
    from cruddur import create_app
    from devstack.net import free_port

    app = create_app(settings.replace(connection_url=f"postgresql://cruddur@127.0.0.1:{free_port()}/cruddur"))
    app.extensions["cruddur.db"].checkout_timeout = 0.2  # give up fast: nothing will ever answer
    client = app.test_client()
    try:
        assert client.get("/api/health-check").status_code == 200
        r = client.get("/api/health-check/ready")
        assert (r.status_code, r.json["ready"], r.json["checks"]["cognito_keys"]) == (503, False, "ok")
        assert r.json["checks"]["database"].startswith("PoolTimeout")
        r = client.get("/api/activities/home")
        assert (r.status_code, r.json["error"]["code"]) == (503, "database_unavailable")
        assert any(line["message"] == "dependency unavailable" for line in log_lines())
    finally:
        app.extensions["cruddur.db"].close()


def test_registered_readiness_checks_are_reported_by_name(app):
    from cruddur.readiness import register_readiness_check

    def dynamodb():
        raise ConnectionError("table cruddur-messages not reachable")

    register_readiness_check(app, "dynamodb", dynamodb)
    r = app.test_client().get("/api/health-check/ready")
    assert (r.status_code, r.json["checks"]) == (503, {
        "database": "ok", "cognito_keys": "ok", "dynamodb": "ConnectionError: table cruddur-messages not reachable"})
