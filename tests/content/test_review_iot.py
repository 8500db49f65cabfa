"""What a reviewer found reading the IoT telemetry spec whole, pinned so it cannot come back:
one story for how readings arrive and how a repeat is recognised, no dead-letter queue for a
broker that has none, and examples that send only what they change and read a time series
over a window."""

from __future__ import annotations

import json
import re

import pytest

from tests.content.specs import section, spec


@pytest.fixture(scope="module")
def telemetry() -> str:
    return spec("system-iot-telemetry")


def test_a_repeated_reading_is_recognised_by_the_key_the_table_has(telemetry: str) -> None:
    # The table holds each (device_id, metric, recorded_at) once; no text may promise a
    # sequence number that no payload carries and no column stores.
    assert "UNIQUE (device_id, metric, recorded_at)" in telemetry
    assert "sequence" not in telemetry


def test_readings_arrive_one_per_message_everywhere_the_spec_says_so(telemetry: str) -> None:
    assert "one reading per message" in section(telemetry, "API Specification")
    assert "batched readings (up to 500 per message)" not in telemetry
    assert "one reading per message" in section(telemetry, "Telemetry")


def test_mqtt_has_no_dead_letter_queue(telemetry: str) -> None:
    for title in ("Implementation Guide", "Testing Strategy"):
        mqtt_lines = [line for line in section(telemetry, title).splitlines() if "MQTT" in line]
        assert mqtt_lines, title
        assert not [line for line in mqtt_lines if "dead-letter queue after" in line], title
    assert "MQTT has no dead-letter queue" in section(telemetry, "Implementation Guide")


def test_a_kafka_consumer_dead_letters_to_a_topic() -> None:
    guide = section(spec("system-shipment-tracking"), "Implementation Guide")
    assert "keyed by partition and offset, dead-letter topic after" in guide


def _request_body(text: str, title: str) -> dict[str, object]:
    block = text.split(f"### {title}", 1)[1].split("```http", 1)[1].split("```", 1)[0]
    return dict(json.loads(block.split("\n\n", 1)[1]))


def test_a_patch_sends_only_what_it_changes(telemetry: str) -> None:
    examples = section(telemetry, "Examples")
    title = next(t for t in re.findall(r"^### (.+)$", examples, re.M) if "alert" in t
                 and t.split(" ", 1)[1].startswith("Acknowledge"))
    # A step named for its states sends the state it moves to and nothing else.
    assert _request_body(examples, title) == {"status": "ACKNOWLEDGED"}
    change = next(t for t in re.findall(r"^### (.+)$", examples, re.M) if "Change a device" in t)
    body = _request_body(examples, change)
    # A general change never re-sends the natural key (a device's serial number).
    assert "serial_number" not in body and body.get("status") == "ACTIVE" and len(body) == 2


def test_a_time_series_is_read_for_one_owner_over_a_window(telemetry: str) -> None:
    request = next(line for line in section(telemetry, "Examples").splitlines()
                   if line.startswith("GET /api/v1/readings"))
    assert re.search(r"\?device_id=[0-9a-f-]{36}&from=\S+Z&to=\S+Z&limit=50 HTTP/1\.1$", request)


def test_the_load_acceptance_counts_messages_where_devices_carry_the_load(telemetry: str) -> None:
    criteria = section(telemetry, "Acceptance Criteria")
    assert "With MQTT delivering 10000 messages/s in a load test, the API still answers" in criteria
    assert "at 10000 TPS in a load test" not in criteria
    # A request-driven service keeps its requests-per-second criterion.
    assert re.search(r"P99 latency under \d+ms at \d+ TPS in a load test",
                     section(spec("system-appointments"), "Acceptance Criteria"))
