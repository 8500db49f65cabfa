"""A section states an interface only when the model has it: the real-time section promises
push only with a WebSocket or SSE interface, and says what the model really has (feeds,
webhooks) otherwise; a Django admin is pages for staff, never a JSON CRUD API."""

from __future__ import annotations

import json
import re

from openapi_spec_validator import validate

from smartspec.contract.openapi import build
from smartspec.delivery.items import read_facts
from smartspec.runs.model import model_for
from tests.content.cases import SYSTEMS
from tests.content.specs import fences, section
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
    # The alert threshold is the one Performance and Monitoring use (10 s), not another.
    assert "consumer lag above 10 seconds alerts" in realtime
    assert "Webhooks to customers: a status change is sent within 5 seconds" in realtime
    assert "WebSocket updates" not in realtime


ADMIN = "Django admin dashboard for support tickets, staff sign in with Okta SSO, PostgreSQL"


def test_a_django_admin_is_an_admin_interface_with_pages_not_a_json_api() -> None:
    model = model_for("support-admin", ADMIN)
    assert [i.kind for i in model.inbound()] == ["admin"]
    assert model.endpoints == ()  # no JSON CRUD beside the admin site
    pages = {(o.verb, o.path) for o in model.pages}
    assert ("list", "/admin/support/ticket/") in pages
    assert ("update", "/admin/support/ticket/{id}/change/") in pages
    assert ("mark-resolved", "/admin/support/ticket/") in pages
    # An API asked for beside the admin is still there.
    both = model_for("support-admin", ADMIN + " and a REST API for the mobile app")
    assert {i.kind for i in both.inbound()} == {"admin", "rest"} and both.endpoints


def test_the_admin_spec_renders_model_admins_groups_and_oidc_not_endpoints() -> None:
    text = render_case(SYSTEMS["system-admin-dashboard"])
    assert "/api/v1/" not in text and "Idempotency-Key" not in text
    api = section(text, "API")
    assert api.lstrip().startswith("Support Admin has no public JSON API")
    assert "| Ticket list | `/admin/support/ticket/` |" in api
    code = fences(api, "python")
    assert "@admin.register(Ticket)\nclass TicketAdmin(admin.ModelAdmin):" in code[0]
    assert 'list_filter = ("status", "priority")' in code[0]
    assert 'def mark_resolved(self, request, queryset):\n        self._move(request, queryset, ' \
           '"RESOLVED")' in code[0]
    sql = "\n".join(fences(text, "sql"))
    states = re.search(r"CHECK \(status IN \(([^)]*)\)\)", sql).group(1)  # type: ignore[union-attr]
    for state in re.findall(r'self\._move\(request, queryset, "([A-Z_]+)"\)', code[0]):
        assert f"'{state}'" in states
    assert "class OktaBackend(OIDCAuthenticationBackend):" in code[1]
    assert "| `support-staff` | Staff |" in api
    architecture = section(text, "Architecture")
    assert "**Pattern:** Django admin + PostgreSQL" in architecture
    assert "| Django admin site |" in architecture and "REST API layer" not in architecture
    examples = section(text, "Examples")
    request = fences(examples, "http")[0]
    assert request.startswith("POST /admin/support/ticket/ HTTP/1.1")
    assert "action=mark_in_progress" in request and "_selected_action=" in request
    assert "HTTP/1.1 302 Found" in fences(examples, "http")[1]


def test_a_nested_resource_exports_a_valid_openapi_document() -> None:
    text = render_case(["new", "order-service", "Order REST API with refunds per order, "
                        "PostgreSQL", "--profile=backend-service"])
    document = build(read_facts(text, "spec.md"))
    validate(document)
    refunds = document["paths"]["/api/v1/orders/{id}/refunds"]
    assert set(refunds) == {"get", "post"}


def _messages(name: str) -> tuple[str, str]:
    text = render_case(SYSTEMS[name])
    api = section(text, "API")
    return api.split("Messages and Events", 1)[1], "\n".join(fences(text, "sql"))


def test_every_interface_beside_the_endpoints_has_its_contract_in_the_api_section() -> None:
    kafka, sql = _messages("system-shipment-tracking")
    assert "#### Kafka: `tracking-events` (consumed)" in kafka
    assert "keyed by the shipment id" in kafka and "`tracking-events.dlq`" in kafka
    assert "#### Webhooks to customers (sent)" in kafka and "X-Signature: t=" in kafka
    columns = set(re.findall(r"^  ([a-z_]+) [A-Z]", sql, re.MULTILINE))
    for block in fences(kafka, "json"):
        body = json.loads(block)
        record = body.get("data", body)
        assert set(record) - {"id", "status"} <= columns, record
    mqtt, _ = _messages("system-iot-telemetry")
    payload = json.loads(fences(mqtt, "json")[0])
    assert "device_id" not in payload  # the topic names the device, checked against its cert
    assert "`devices/{device_id}/telemetry` with QoS 1" in mqtt
    hl7, _ = _messages("system-appointments")
    assert "SIU^S13 reschedules" in hl7 and "`AA` after its change commits" in hl7


def test_published_events_leave_through_an_outbox() -> None:
    text = render_case(["new", "order-service", "Order management REST API with a PostgreSQL "
                        "database and a Kafka queue for notification workers",
                        "--profile=backend-service"])
    events = section(text, "API").split("Messages and Events", 1)[1]
    assert "#### Kafka: `events` (published)" in events and "outbox table" in events
    assert json.loads(fences(events, "json")[0])["type"] == "order.status_changed"


def test_ride_dispatch_has_rides_drivers_and_positions_sent_over_the_socket() -> None:
    model = model_for("ride-dispatch", SYSTEMS["system-ride-dispatch"][2])
    ride, location = model.entity("ride"), model.entity("driver_location")
    assert ride is not None and "REQUESTED" in ride.states and "driver_id" in {
        a.name for a in ride.attributes}
    assert location is not None and location.owner == "driver" and location.time_column
    sockets = {(o.verb, o.path) for o in model.operations if o.interface == "websocket"}
    assert sockets == {("ingest", "/ws/v1/drivers/locations"), ("subscribe", "/ws/v1/rides")}
    assert "POST /api/v1/rides/{id}/dispatch" in {f"{o.method} {o.path}" for o in model.endpoints}
    api = section(render_case(SYSTEMS["system-ride-dispatch"]), "API")
    assert "On `/ws/v1/drivers/locations` drivers send one driver location every 5 seconds" in api
    assert "`/api/v1/driver-locations:batch`" not in api  # positions arrive over the socket
