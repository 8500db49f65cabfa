"""What a reviewer found reading the fleet telemetry spec whole (GPS pings over MQTT, a
time-series store, alerts published to Kafka, a gRPC API), pinned so it cannot come back:
words of another domain (a GPU queue, an inference server) in a gRPC service that serves no
model, HTTP statuses in a gRPC API, deliveries made up from "delivery vans", events published
about the wrong entity, a dead-letter queue for MQTT, and an outbox for the inbound broker."""

from __future__ import annotations

import pytest

from tests.content.specs import section, spec
from tests.helpers import render_case


@pytest.fixture(scope="module")
def fleet() -> str:
    return spec("system-fleet-telemetry")


def test_both_domains_given_by_repeated_flags_are_kept(fleet: str) -> None:
    assert "**Domains:** iot, logistics" in fleet


def test_a_grpc_service_that_serves_no_model_has_no_gpu_or_inference_words(fleet: str) -> None:
    for word in ("GPU", "inference", "model server", "model's signature"):
        assert word not in fleet, word
    errors = section(fleet, "Examples").split("Error Scenarios", 1)[1]
    assert "`NOT_FOUND`" in errors and "rate limit" in errors
    # The model-serving spec keeps its own: its queue is a GPU's, its input the model's.
    serving = spec("system-model-serving")
    assert "when the inference queue is full" in serving
    assert "or the GPU queue is full" in section(serving, "API Specification")


def test_a_grpc_api_is_rate_limited_with_a_grpc_status_not_an_http_one(fleet: str) -> None:
    security = section(fleet, "Security")
    assert "return `RESOURCE_EXHAUSTED` with a retry delay" in security
    assert "429" not in security and "Retry-After" not in security
    assert "every other method per user" in security
    load = section(fleet, "Performance Requirements").split("Acceptance Criteria", 1)[1]
    assert "(`RESOURCE_EXHAUSTED` or queueing, never data loss)" in load
    assert "429" not in fleet.split("## 10.", 1)[0]  # nor anywhere before the settings


def test_vans_are_not_deliveries(fleet: str) -> None:
    assert "delivery" not in section(fleet, "Data Model")
    assert "Delivery" not in section(fleet, "API Specification")


def test_the_alerts_the_description_publishes_are_what_kafka_carries(fleet: str) -> None:
    api = section(fleet, "API Specification")
    kafka = api.split("#### Kafka: `events` (published)", 1)[1]
    assert "One event per change of an alert, keyed by the alert id" in kafka
    assert '"type": "alert.status_changed"' in kafka
    assert "- Publish alert events to Kafka (`events` on Kafka)" in fleet
    # And the service raises them: a reading that crosses a geofence opens one.
    assert ("Open an alert when a device position shows a device entering or leaving one of "
            "its geofences") in section(fleet, "Overview")


def test_the_outbox_holds_what_is_published_not_what_is_consumed(fleet: str) -> None:
    guide = section(fleet, "Implementation Guide")
    assert "with the Kafka message written to an outbox in the same transaction" in guide
    assert "MQTT message written to an outbox" not in fleet
    acceptance = section(fleet, "Acceptance Criteria")
    assert ("`events` on Kafka: an alert event is published only after its change commits "
            "(outbox)") in acceptance
    assert "Publish alert events to Kafka works for valid input" not in acceptance


def test_mqtt_performance_has_no_dead_letter_queue(fleet: str) -> None:
    queue = section(fleet, "Performance Requirements").split("Queue Performance", 1)[1]
    assert "Dead Letter Queue" not in queue
    assert "MQTT has no dead-letter queue" in queue
    # A broker that has one keeps it.
    orders = section(spec("performance-full"), "Performance Requirements")
    assert "**Dead Letter Queue:**" in orders


def test_every_state_of_a_grpc_service_is_entered_by_a_method(fleet: str) -> None:
    # Reads alone would leave a device or an alert stuck in its first state.
    overview = section(fleet, "Overview")
    assert ("starting OPEN; ACKNOWLEDGED by `AcknowledgeAlert` (gRPC); RESOLVED by "
            "`ResolveAlert` (gRPC).") in overview
    assert "rpc DecommissionDevice(DecommissionDeviceRequest) returns (Device);" in fleet


def test_states_no_operation_enters_are_said_in_words() -> None:
    text = render_case(["new", "case-desk", "Case desk gRPC API with PostgreSQL"])
    overview = section(text, "Overview")
    assert "by no operation" not in overview
    assert "starting ACTIVE; no operation of this spec moves one to ARCHIVED." in overview


def test_the_people_the_description_names_call_the_api(fleet: str) -> None:
    assert "Client([Dispatchers]) -- gRPC -->" in section(fleet, "Architecture")


def test_gps_pings_are_positions_not_metrics(fleet: str) -> None:
    data = section(fleet, "Data Model")
    assert "latitude DOUBLE PRECISION NOT NULL CHECK (latitude BETWEEN -90 AND 90)" in data
    assert "CONSTRAINT uq_device_position_once UNIQUE (device_id, recorded_at)" in data
    assert "temperature" not in fleet
    assert "unique key (device, device time)" in section(fleet, "Security")
    assert "the device and the device's timestamp form its unique key" in fleet
    assert "metric," not in fleet and "(deviceId, metric" not in fleet
    # Readings of other kinds keep their metric and value.
    assert "UNIQUE (device_id, metric, recorded_at)" in spec("system-iot-telemetry")


def test_each_broker_has_its_failure_policy_and_positions_come_from_devices(fleet: str) -> None:
    guide = section(fleet, "Implementation Guide")
    assert "to another system (TimescaleDB, MQTT, and Kafka)" in guide
    assert "| Kafka | 5s publish timeout | the outbox relay retries" in guide
    geo = section(fleet, "Geographic Distribution")
    assert "position updates accepted as devices publish them" in geo
    assert "drivers and partners" not in fleet and "active delivery" not in fleet
