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
