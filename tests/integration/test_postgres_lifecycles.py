"""Lifecycle facts the database keeps, on a real PostgreSQL server: one serving version per
model name, and an HL7 v2 message stored once by its control id (MSH-10)."""

from __future__ import annotations

import pytest

from tests.integration.conftest import PgServer
from tests.integration.test_postgres import apply_spec_sql

pytestmark = pytest.mark.postgres


def _model(name: str, version: str, status: str) -> str:
    return ("INSERT INTO model (name, version, artifact_uri, framework, status) VALUES "
            f"('{name}', '{version}', 's3://models/{name}/{version}', 'onnx', '{status}');")


def test_one_version_of_a_model_serves_at_a_time(postgres: PgServer) -> None:
    db, _ = apply_spec_sql(postgres, "system-model-serving")
    assert postgres.psql(_model("fraud-score", "v1", "SERVING"), db=db, check=False).returncode == 0
    second = postgres.psql(_model("fraud-score", "v2", "SERVING"), db=db, check=False)
    assert second.returncode != 0 and "uq_model_name_serving" in second.stderr
    # Staged and retired versions beside it, and another model serving, are fine; a
    # promotion retires the old version and serves the new one in one transaction.
    for row in (_model("fraud-score", "v2", "STAGED"), _model("fraud-score", "v0", "RETIRED"),
                _model("churn", "v1", "SERVING")):
        assert postgres.psql(row, db=db, check=False).returncode == 0
    promote = ("BEGIN; UPDATE model SET status = 'RETIRED' WHERE name = 'fraud-score' AND "
               "status = 'SERVING'; UPDATE model SET status = 'SERVING' WHERE name = "
               "'fraud-score' AND version = 'v2'; COMMIT;")
    assert postgres.psql(promote, db=db, check=False).returncode == 0


def test_an_hl7_message_is_stored_once_by_its_control_id(postgres: PgServer) -> None:
    db, tables = apply_spec_sql(postgres, "system-appointments")
    assert "inbound_message" in tables

    def received(control_id: str, ack: str) -> str:
        return ("INSERT INTO inbound_message (control_id, message_type, ack_code, received_at) "
                f"VALUES ('{control_id}', 'SIU^S12', '{ack}', NOW());")

    assert postgres.psql(received("MSG0001", "AA"), db=db, check=False).returncode == 0
    resent = postgres.psql(received("MSG0001", "AA"), db=db, check=False)
    assert resent.returncode != 0 and "inbound_message_control_id_key" in resent.stderr
    unknown = postgres.psql(received("MSG0002", "XX"), db=db, check=False)
    assert unknown.returncode != 0 and "check constraint" in unknown.stderr
