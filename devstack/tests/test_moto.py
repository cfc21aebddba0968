"""devstack.moto: the emulator as a child process, reached over HTTP with boto3."""
from __future__ import annotations

import socket

import boto3
import pytest

from devstack.moto import FAKE_CREDENTIALS, MotoServer


def dynamodb(url: str):
    return boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])


def create_table(url: str, name: str) -> None:
    dynamodb(url).create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )


def test_emulator_answers_like_moto_server_and_reset_forgets(emulator):
    create_table(emulator.url, "cruddur-messages")
    assert dynamodb(emulator.url).list_tables()["TableNames"] == ["cruddur-messages"]
    emulator.reset()
    assert dynamodb(emulator.url).list_tables()["TableNames"] == []


def test_start_listens_on_a_free_port_and_stop_ends_the_process(tmp_path):
    server = MotoServer.start(log=tmp_path / "moto.log")
    try:
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert dynamodb(server.url).list_tables()["TableNames"] == []
    finally:
        server.stop()
    assert server.process.poll() is not None
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
    server.stop()  # stopping twice is harmless


def test_start_reports_an_emulator_that_exits_instead_of_listening(tmp_path):
    # a bound (not listening) socket makes the child's bind fail, so it exits at once
    with socket.socket() as occupier:
        occupier.bind(("127.0.0.1", 0))
        with pytest.raises(RuntimeError, match="exited with code 1 before listening"):
            MotoServer.start(port=occupier.getsockname()[1], log=tmp_path / "moto.log")
    assert "Address already in use" in (tmp_path / "moto.log").read_text()
