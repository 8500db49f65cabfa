"""A section states an interface only when the model has it: the real-time section promises
push only with a WebSocket or SSE interface, and says what the model really has (feeds,
webhooks) otherwise."""

from __future__ import annotations

from tests.content.cases import SYSTEMS
from tests.content.specs import section
from tests.helpers import render_case


def test_appointments_realtime_states_the_hl7_feed_and_no_websocket() -> None:
    text = render_case(SYSTEMS["system-appointments"])
    realtime = section(text, "Real-Time")
    assert realtime.strip(), "the healthcare domain keeps its real-time section"
    assert "WebSocket updates" not in realtime and "Push updates" not in realtime
    assert "HL7 v2 from the EHR: each message is applied in the order" in realtime
    assert "acknowledged (ACK) only after its change commits" in realtime
    assert "No push channel: Appointment Scheduling has no WebSocket" in realtime


def test_realtime_with_a_websocket_promises_push_and_its_fallback() -> None:
    text = render_case(["new", "dispatch", "Courier dispatch with WebSocket driver locations "
                        "and PostgreSQL", "--domain=logistics", "--profile=backend-service"])
    realtime = section(text, "Real-Time")
    assert "- WebSocket: updates reach subscribed clients in under" in realtime
    assert "updates for one shipment arrive in commit order" in realtime
    assert "No push channel" not in realtime


def test_realtime_of_a_kafka_consumer_speaks_of_lag_and_its_webhooks() -> None:
    realtime = section(render_case(SYSTEMS["system-shipment-tracking"]), "Real-Time")
    assert "consumer lag above 30 seconds alerts" in realtime
    assert "Webhooks to customers: a status change is sent within 5 seconds" in realtime
    assert "WebSocket updates" not in realtime
