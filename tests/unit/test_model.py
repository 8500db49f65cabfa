"""The SystemModel built from descriptions: roles, directions, verbs, money and origins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartspec import knowledge
from smartspec.cli import main
from smartspec.domains import packs
from smartspec.errors import UsageError
from smartspec.model import INBOUND, OUTBOUND, SystemModel, dumps
from smartspec.model.io import json_schema, model_from_data, read_model_file
from smartspec.runs.model import model_for

USER = "REST API for user accounts and profiles, PostgreSQL, Redis cache, JWT auth"
IOT = "IoT telemetry from sensors over MQTT into TimescaleDB, alerts on thresholds"
SHIPPING = ("Shipment tracking service consuming carrier events from Kafka, PostgreSQL, "
            "webhooks to customers on status changes")
SERVING = "gRPC model serving on GPUs with Triton, model versions, Redis cache"
APPOINTMENTS = ("Appointment scheduling for clinics: patients book, reschedule and cancel; "
                "HL7 v2 feed from the EHR and FHIR resources, PostgreSQL")
BILLING = ("Multi-tenant SaaS billing with usage metering, invoices, dunning, Stripe, "
           "PostgreSQL")
ADMIN = "Django admin dashboard for support staff with Okta SSO, PostgreSQL"
PROMPTPAY = "Checkout payments by card and PromptPay through Stripe, refunds, PostgreSQL"


def paths(model: SystemModel) -> set[str]:
    return {f"{o.method} {o.path}" for o in model.operations}


def test_knowledge_base_has_at_least_80_entries_each_with_a_known_role_and_facts() -> None:
    entries = knowledge.entries()
    assert len(entries) >= 80
    roles = knowledge.roles()
    for entry in entries.values():
        assert entry.role in roles, entry.name
        assert entry.facts, entry.name


def test_every_domain_pack_is_complete() -> None:
    for name, pack in packs().items():
        assert pack.name == name
        assert pack.keywords and pack.reason and pack.actors
        assert pack.preset.p50 < pack.preset.p99


def test_user_service_has_no_money_and_issues_jwts_and_serves_profiles() -> None:
    model = model_for("user-service", USER)
    assert not model.money and model.currency is None
    assert [e.name for e in model.entities] == ["user", "profile"]
    for entity in model.entities:
        assert not any("amount" in a.name for a in entity.attributes)
    assert model.auth == "jwt-issue"
    assert "POST /api/v1/auth/token" in paths(model)
    assert "PUT /api/v1/users/{id}/profile" in paths(model)
    assert [(s.technology, s.role) for s in model.stores] == [
        ("PostgreSQL", "system-of-record"), ("Redis", "cache")]
    assert model.messaging == ()  # nothing invented
    assert all(o.summary != "Create an user" for o in model.operations)


def test_mqtt_is_inbound_and_timescale_keys_hold_time() -> None:
    model = model_for("telemetry-ingest", IOT)
    assert model.domains == ("iot",)
    mqtt = next(i for i in model.interfaces if i.kind == "mqtt")
    assert mqtt.direction == INBOUND and mqtt.peer == "devices"
    reading = model.entity("reading")
    assert reading is not None and reading.time_column == "recorded_at"
    assert "recorded_at" in reading.key and reading.states == ()
    ingest = next(o for o in model.operations if o.verb == "ingest")
    assert (ingest.interface, ingest.method) == ("mqtt", "consume")
    assert model.store("time-series") is not None


def test_kafka_consumer_direction_and_outbound_customer_webhooks() -> None:
    model = model_for("shipment-tracking", SHIPPING)
    kafka = next(m for m in model.messaging if m.technology == "Kafka")
    assert (kafka.semantics, kafka.direction) == ("log", INBOUND)
    assert any(i.kind == "webhook" and i.direction == OUTBOUND for i in model.interfaces)
    events = model.entity("tracking_event")
    assert events is not None and events.owner == "shipment"
    assert "GET /api/v1/shipments/{id}/tracking" in paths(model)


def test_customer_webhooks_go_to_endpoints_the_customers_register() -> None:
    model = model_for("shipment-tracking", SHIPPING)
    endpoint = model.entity("webhook_endpoint")
    assert endpoint is not None and endpoint.owner == "customer"
    assert {"url", "event_types", "secret_version"} <= {a.name for a in endpoint.attributes}
    assert "POST /api/v1/webhook-endpoints" in paths(model)
    # A provider's webhooks the service receives need no endpoint registry.
    assert model_for("payments", "Card payments with Stripe, PostgreSQL").entity(
        "webhook_endpoint") is None


def test_explicit_endpoints_are_the_operations_as_written() -> None:
    model = model_for("runs", "Built with Python, FastAPI. Endpoints: POST /runs.")
    assert paths(model) == {"POST /runs"}


def test_cancel_in_the_description_is_an_operation_of_the_entity_that_can_be_cancelled() -> None:
    model = model_for("orders", "Order service REST API: create, get, update, cancel and list "
                                "orders, PostgreSQL")
    assert "POST /api/v1/orders/{id}/cancel" in paths(model)
    cancel = next(o for o in model.operations if o.verb == "cancel")
    assert cancel.entity == "order" and cancel.origin.source == "description"
    # Without the word there is no cancel endpoint.
    assert not any(o.verb == "cancel" for o in model_for("orders", "Order service REST API, "
                                                                   "PostgreSQL").operations)


def test_alerts_on_thresholds_are_raised_by_the_service_not_posted() -> None:
    model = model_for("telemetry-ingest",
                      "IoT telemetry from sensors over MQTT into TimescaleDB, alerts on thresholds")
    assert "POST /api/v1/alerts" not in paths(model)
    assert any(o.verb == "alert" and o.interface == "mqtt" for o in model.operations)


def test_grpc_service_gets_rpc_methods_and_no_rest_crud() -> None:
    model = model_for("model-serving", SERVING)
    assert model.domains == ("ai",)
    assert not model.has_interface("rest")
    rpcs = {o.path for o in model.operations if o.interface == "grpc"}
    assert {"Predict", "GetModel", "ListModels"} <= rpcs


def test_appointments_have_reschedule_cancel_and_standards_not_vendors() -> None:
    model = model_for("appointments", APPOINTMENTS)
    assert "healthcare" in model.domains
    assert {"POST /api/v1/appointments/{id}/reschedule",
            "POST /api/v1/appointments/{id}/cancel"} <= paths(model)
    roles = {p.name: p.role for p in model.parties}
    assert roles["FHIR"] == "standard" and roles["HL7 v2"] == "standard"
    hl7 = next(i for i in model.interfaces if i.kind == "hl7v2")
    assert hl7.direction == INBOUND


def test_billing_meters_usage_and_duns_and_stripe_calls_back() -> None:
    model = model_for("saas-billing", BILLING)
    assert model.money
    verbs = {o.verb for o in model.operations}
    assert {"meter", "invoice", "dun", "confirm"} <= verbs
    webhook = next(i for i in model.interfaces if i.kind == "webhook")
    assert webhook.direction == INBOUND and webhook.peer == "Stripe"


def test_okta_is_an_oidc_identity_provider() -> None:
    model = model_for("support-admin", ADMIN)
    assert model.auth == "oidc"
    assert [(p.name, p.role) for p in model.parties] == [("Okta", "identity-provider")]
    assert not any("order" in o.path for o in model.operations)


def test_promptpay_is_a_scheme_reached_through_stripe() -> None:
    model = model_for("checkout", PROMPTPAY)
    promptpay = next(p for p in model.parties if p.name == "PromptPay")
    assert (promptpay.role, promptpay.via) == ("payment-scheme", "Stripe")
    assert model.currency == "THB"
    assert "POST /api/v1/payments/{id}/refunds" in paths(model)


def test_every_fact_says_where_it_came_from() -> None:
    model = model_for("saas-billing", BILLING)
    for group in (model.actors, model.interfaces, model.entities, model.operations,
                  model.stores, model.parties):
        for item in group:
            assert item.origin.source in ("description", "knowledge", "domain", "default")
            assert item.origin.detail


def test_model_json_round_trips_through_a_model_file(tmp_path: Path) -> None:
    model = model_for("saas-billing", BILLING)
    path = tmp_path / "model.json"
    path.write_text(dumps(model), encoding="utf-8")
    again = read_model_file(path)
    assert again == model


def test_model_file_errors_name_the_key(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"name": "x", "stores": [{"technology": "Redis",
                                                          "role": "queue"}]}), encoding="utf-8")
    with pytest.raises(UsageError, match=r"stores\[0\]\.role is 'queue'; expected one of"):
        read_model_file(path)
    with pytest.raises(UsageError, match=r"operations\[0\]\.entity 'ghost'"):
        model_from_data({"name": "x", "operations": [{"verb": "get", "entity": "ghost",
                                                       "interface": "rest"}]}, "m.json")


def test_schema_accepts_the_models_smartspec_builds() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema()
    for name, text in (("u", USER), ("i", IOT), ("b", BILLING), ("s", SERVING)):
        jsonschema.validate(json.loads(dumps(model_for(name, text))), schema)


def test_model_command_prints_json_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "user-service", USER, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["auth"] == "jwt-issue" and data["money"] is False
    assert main(["model", "telemetry", IOT]) == 0
    out = capsys.readouterr().out
    assert "inbound mqtt: MQTT <-> devices" in out
    assert main(["model", "--schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "smartspec system model"
    assert main(["model", "x", "y", "--domain", "helthcare"]) == 2
    assert "did you mean 'healthcare'" in capsys.readouterr().err


def test_new_with_a_model_file_writes_from_it_and_stores_it(tmp_path: Path) -> None:
    from tests.helpers import run_cli

    data = json.loads(dumps(model_for("telemetry", IOT)))
    data["entities"][0]["states"] = ["PROVISIONED", "ACTIVE", "RETIRED"]  # stated precisely
    (tmp_path / "model.json").write_text(json.dumps(data), encoding="utf-8")
    result = run_cli(["new", "telemetry-ingest", "--model", "model.json", "--no-report"], tmp_path)
    assert result.code == 0, result.err
    (spec,) = tmp_path.glob("specs/*/*/spec.md")
    text = spec.read_text(encoding="utf-8")
    assert "CHECK (status IN ('PROVISIONED', 'ACTIVE', 'RETIRED'))" in text
    assert "Telemetry arrives from devices over MQTT" in text
    stored = tmp_path / ".smartspec" / "models" / "spec-001-telemetry-ingest.json"
    assert json.loads(stored.read_text(encoding="utf-8"))["entities"][0]["states"] == [
        "PROVISIONED", "ACTIVE", "RETIRED"]
    import hashlib

    digest = hashlib.sha256(stored.read_bytes()).hexdigest()[:16]
    assert f'"model_sha256":"{digest}"' in text


def test_new_with_a_bad_model_file_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    from tests.helpers import run_cli

    (tmp_path / "model.json").write_text('{"name": "x", "money": "yes"}', encoding="utf-8")
    result = run_cli(["new", "x-service", "--model", "model.json"], tmp_path)
    assert result.code == 2
    assert "model.json: money must be boolean" in result.err
    assert not (tmp_path / "specs").exists() and not (tmp_path / ".smartspec").exists()


def test_regenerate_uses_the_stored_model(tmp_path: Path) -> None:
    from tests.helpers import run_cli

    data = json.loads(dumps(model_for("telemetry", IOT)))
    data["entities"][0]["states"] = ["PROVISIONED", "ACTIVE", "RETIRED"]
    (tmp_path / "model.json").write_text(json.dumps(data), encoding="utf-8")
    assert run_cli(["new", "telemetry-ingest", "--model", "model.json", "--no-report"],
                   tmp_path).code == 0
    (spec,) = tmp_path.glob("specs/*/*/spec.md")
    result = run_cli(["regenerate", str(spec), "--profile=backend-service", "--no-report"],
                     tmp_path)
    assert result.code == 0, result.err
    text = spec.read_text(encoding="utf-8")
    assert "**Profile:** backend-service" in text
    # The states stated in the model file survive the regeneration.
    assert "CHECK (status IN ('PROVISIONED', 'ACTIVE', 'RETIRED'))" in text


FLEET = ("Ingest GPS pings from delivery vans over MQTT, store them in TimescaleDB, publish "
         "geofence alerts to Kafka and expose a gRPC API for dispatchers")


def test_a_resource_word_before_a_vehicle_describes_the_vehicle() -> None:
    model = model_for("fleet-telemetry", FLEET, domains=("iot", "logistics"))
    assert [e.name for e in model.entities] == ["device", "device_position", "alert"]
    # Written on its own as well, the word is a record the service keeps.
    both = model_for("deliveries", "Assign deliveries to delivery drivers, PostgreSQL")
    assert "delivery" in {e.name for e in both.entities}


@pytest.mark.parametrize(("description", "entity"), [
    (FLEET, "alert"),
    ("Order service REST API, PostgreSQL; customers sign up; publish order events to Kafka",
     "order"),  # "events" names the message: the word before it names the record
    ("Order service REST API with customers, PostgreSQL, Kafka", None),  # nothing said
    ("Customers and orders REST API, PostgreSQL. Orders are kept for years; events go to "
     "Kafka", None),  # another clause: not said
])
def test_a_broker_carries_the_entity_its_clause_names(description: str,
                                                      entity: str | None) -> None:
    model = model_for("service", description)
    entities = [e.name for e in model.entities]
    publish = next(o for o in model.operations if o.method == "publish")
    primary = next(e for e in model.entities if e.time_column is None).name
    assert publish.entity == (entity or primary), entities
    assert publish.summary == f"Publish {publish.entity.replace('_', ' ')} events to Kafka"


def test_geofence_alerts_are_opened_by_the_service_from_readings() -> None:
    model = model_for("fleet-telemetry", FLEET, domains=("iot", "logistics"))
    opened = [o for o in model.operations if o.verb == "alert"]
    assert [(o.entity, o.interface, o.origin.detail) for o in opened] == [
        ("alert", "mqtt", "word 'geofence'")]
    assert not any(o.method == "POST" and o.entity == "alert" for o in model.operations)


def test_dispatchers_named_in_the_description_are_its_first_actor() -> None:
    model = model_for("fleet-telemetry", FLEET, domains=("iot", "logistics"))
    assert model.actors[0].name == "dispatcher"
    assert model.actors[0].origin.detail == "word 'dispatchers'"


LAB = ("Receive lab results from hospital LIS over HL7 v2, store them in PostgreSQL, notify "
       "clinicians by email through SendGrid and expose a FHIR R4 API secured with Okta")


def test_lab_results_are_observations_of_patients_received_as_oru_messages() -> None:
    model = model_for("lab-results", LAB)
    assert model.domains == ("healthcare",)
    names = [e.name for e in model.entities]
    assert names[:3] == ["observation", "patient", "notification"], names
    assert "lab" not in names  # the spec's name is not what the service keeps
    assert model.entity("observation").owner == "patient"  # type: ignore[union-attr]
    feed = [o for o in model.operations if o.interface == "hl7v2"]
    assert [(o.entity, o.path) for o in feed] == [("observation", "ORU^R01 over MLLP")]
    # Results arrive over HL7 v2 only: no batch endpoint beside it.
    assert not any(o.path.endswith(":batch") for o in model.operations)


def test_a_channels_callbacks_confirm_the_notifications_it_sends() -> None:
    model = model_for("lab-results", LAB)
    confirm = next(o for o in model.operations if o.verb == "confirm")
    assert (confirm.entity, confirm.path) == ("notification", "/api/v1/webhooks/sendgrid")
    # A named standard's API is the standard, not a vendor the service pays.
    assert [p.name for p in model.parties if p.role == "data-vendor"] == []


ASSISTANT = ("Chat assistant for customer support using OpenAI GPT-4, conversation history in "
             "MongoDB, answers posted to Slack")


def test_a_chat_assistant_keeps_conversations_and_their_messages() -> None:
    model = model_for("support-assistant", ASSISTANT)
    assert model.domains == ("ai",)  # "chat", "assistant", "GPT" and OpenAI reveal it
    assert [e.name for e in model.entities] == ["conversation", "chat_message"]
    # "customer support" is what the assistant does, not customers the service keeps.
    assert model.entity("chat_message").owner == "conversation"  # type: ignore[union-attr]
    ask = next(o for o in model.operations if o.entity == "chat_message" and o.verb == "create")
    assert (ask.method, ask.path) == ("POST", "/api/v1/conversations/{id}/chat-messages")
    assert ask.summary == ("Send a message to the assistant and get the answer of the model at "
                           "OpenAI, both stored in the conversation")


def test_a_resource_word_before_support_describes_the_support() -> None:
    names = [e.name for e in model_for("helpdesk", "Customer support tickets, PostgreSQL").entities]
    assert names == ["ticket"]
    # Said on its own, the customer is kept.
    both = model_for("helpdesk", "Customer support tickets for customers, PostgreSQL")
    assert [e.name for e in both.entities] == ["customer", "ticket"]


def test_the_thing_the_name_and_description_both_name_is_kept_and_told_people_are_not() -> None:
    model = model_for("video-transcoding", "Transcode uploaded videos stored in S3 using a job "
                                           "queue on SQS, notify users by email")
    assert [e.name for e in model.entities] == ["video"]  # the users are only notified
    video = model.entities[0]
    assert "storage_key" in {a.name for a in video.attributes}  # an uploaded file's record
    assert video.states[0] == "PENDING_UPLOAD"
    assert any(o.verb == "upload" and o.path.endswith("/upload-url") for o in model.operations)
    assert model.messaging[0].channel == "jobs"  # a job queue carries work, not events
    # A record the catalogue knows better is never displaced by the name's word.
    payouts = model_for("payout-service", "Payouts and refunds with PayPal, written in C#")
    assert "payout" not in {e.name for e in payouts.entities}


@pytest.mark.parametrize(("name", "description", "kept", "not_kept"), [
    # A clinic's booking is the appointment: no second record with states nothing enters.
    ("clinic-booking", "Patients book, reschedule and cancel clinic appointments online; "
                       "reminders by SMS through Twilio; PostgreSQL",
     "appointment", "booking"),
    # "Kafka events" are what the service publishes, not records it keeps.
    ("tenant-billing", "Multi-tenant SaaS subscriptions with Stripe, usage-based invoices, "
                       "PostgreSQL, Kafka events", "invoice", "event"),
    # "delivery routes" are routes.
    ("route-planner", "Plan delivery routes for drivers with the Google Maps API, PostgreSQL",
     "route", "delivery"),
])
def test_words_that_only_qualify_another_are_not_records(name: str, description: str,
                                                          kept: str, not_kept: str) -> None:
    names = {e.name for e in model_for(name, description).entities}
    assert kept in names and not_kept not in names, names


def test_events_the_service_keeps_are_still_kept() -> None:
    # Events said on their own (an event store), not only next to the broker.
    model = model_for("audit-trail", "Store user events in PostgreSQL and publish them to Kafka")
    assert "event" in {e.name for e in model.entities}


def test_a_channels_delivery_reports_confirm_a_message_record_not_the_parcel() -> None:
    model = model_for("parcel-lockers", "Parcel locker network: couriers drop parcels, customers "
                                        "get a pickup code by SMS through Twilio, PostgreSQL")
    confirm = next(o for o in model.operations if o.verb == "confirm")
    assert (confirm.entity, confirm.path) == ("notification", "/api/v1/webhooks/twilio")
    # The parcel's own states are reached by its own API again.
    assert any(o.entity == "parcel" and o.method == "PATCH" for o in model.operations)
