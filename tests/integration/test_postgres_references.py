"""References between a spec's entities hold on a real PostgreSQL server: a key naming
another entity is a foreign key, and whoever a record is handed to (a ride's driver) serves
one active record at a time."""

from __future__ import annotations

import uuid

import pytest

from tests.integration.conftest import PgServer
from tests.integration.test_postgres import apply_spec_sql

pytestmark = pytest.mark.postgres


def _ride(driver: str, status: str) -> str:
    return ("INSERT INTO ride (rider_id, driver_id, pickup_address, dropoff_address, status) "
            f"VALUES ('{uuid.uuid4()}', '{driver}', '1 Silom Rd', 'Airport', '{status}');")


def test_a_driver_is_on_one_active_ride_and_must_exist(postgres: PgServer) -> None:
    db, tables = apply_spec_sql(postgres, "system-ride-dispatch")
    assert tables.index("driver") < tables.index("ride")
    driver = str(uuid.uuid4())
    postgres.psql("INSERT INTO driver (id, license_number, vehicle_plate) "
                  f"VALUES ('{driver}', 'L-1', 'AB-1234');", db=db)
    assert postgres.psql(_ride(driver, "DRIVER_ASSIGNED"), db=db, check=False).returncode == 0
    second = postgres.psql(_ride(driver, "IN_PROGRESS"), db=db, check=False)
    assert second.returncode != 0 and "uq_ride_driver_id_active" in second.stderr
    # A finished ride no longer ties the driver up.
    assert postgres.psql(_ride(driver, "COMPLETED"), db=db, check=False).returncode == 0
    missing = postgres.psql(_ride(str(uuid.uuid4()), "COMPLETED"), db=db, check=False)
    assert missing.returncode != 0 and "foreign key" in missing.stderr


def _appointment(patient: str, practitioner: str, starts: str, ends: str, status: str) -> str:
    return ("INSERT INTO appointment (patient_id, practitioner_id, starts_at, ends_at, status) "
            f"VALUES ('{patient}', '{practitioner}', '{starts}', '{ends}', '{status}');")


def test_a_practitioners_active_appointments_never_overlap(postgres: PgServer) -> None:
    db, _ = apply_spec_sql(postgres, "system-appointments")
    patient, practitioner = str(uuid.uuid4()), str(uuid.uuid4())
    postgres.psql(f"INSERT INTO patient (id, mrn) VALUES ('{patient}', 'MRN-1');", db=db)
    first = _appointment(patient, practitioner, "2026-01-12 09:00Z", "2026-01-12 10:00Z", "BOOKED")
    assert postgres.psql(first, db=db, check=False).returncode == 0
    # Starting at another minute does not get round it: the periods overlap.
    overlapping = _appointment(patient, practitioner, "2026-01-12 09:30Z", "2026-01-12 10:30Z",
                               "RESCHEDULED")
    refused = postgres.psql(overlapping, db=db, check=False)
    assert refused.returncode != 0 and "ex_appointment_practitioner_overlap" in refused.stderr
    # Back to back is fine, as is another practitioner, or an appointment that is over.
    for sql in (
        _appointment(patient, practitioner, "2026-01-12 10:00Z", "2026-01-12 10:30Z", "BOOKED"),
        _appointment(patient, str(uuid.uuid4()), "2026-01-12 09:30Z", "2026-01-12 10:30Z",
                     "BOOKED"),
        _appointment(patient, practitioner, "2026-01-12 09:15Z", "2026-01-12 09:45Z",
                     "CANCELLED"),
    ):
        assert postgres.psql(sql, db=db, check=False).returncode == 0, sql


def test_a_model_version_is_registered_once(postgres: PgServer) -> None:
    db, _ = apply_spec_sql(postgres, "system-model-serving")

    def register(version: str) -> str:
        return ("INSERT INTO model (name, version, artifact_uri, framework) VALUES "
                f"('fraud-score', '{version}', 's3://models/fraud-score/{version}', 'onnx');")

    assert postgres.psql(register("2026-01-10"), db=db, check=False).returncode == 0
    assert postgres.psql(register("2026-01-17"), db=db, check=False).returncode == 0
    again = postgres.psql(register("2026-01-10"), db=db, check=False)
    assert again.returncode != 0 and "uq_model_version" in again.stderr
