"""What a reviewer found reading the appointment, model-serving, product-search and
notification specs whole, pinned so it cannot come back: every entity shows its own example
id and every key to it shows that id, two requests never share an idempotency key, example
values are plausible for what they name, and each technology's words stay in its own role."""

from __future__ import annotations

import json
import re

import pytest

from tests.content.cases import SYSTEMS
from tests.content.specs import fences, section, spec

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


def _json_bodies(text: str) -> list[object]:
    """Every JSON document in the Examples section: response blocks and request bodies."""
    examples = section(text, "Examples")
    found: list[object] = [json.loads(b) for b in fences(examples, "json")]
    for block in fences(examples, "http"):
        _, _, body = block.partition("\n\n")
        if body.strip().startswith(("{", "[")):
            found.append(json.loads(body))
    return found


def _pairs(node: object) -> list[tuple[str, str]]:
    """(key, value) of every string field in ``node``, however deep."""
    if isinstance(node, dict):
        return [p for k, v in node.items()
                for p in ([(k, v)] if isinstance(v, str) else _pairs(v))]
    if isinstance(node, list):
        return [p for item in node for p in _pairs(item)]
    return []


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_each_entity_has_one_example_id_and_every_key_to_it_shows_it(name: str) -> None:
    text = spec(name)
    ids_by_key: dict[str, set[str]] = {}
    for body in _json_bodies(text):
        for key, value in _pairs(body):
            if key.endswith("_id") and re.fullmatch(_UUID, value):
                ids_by_key.setdefault(key[:-3], set()).add(value)
    # One id per entity across the spec's examples ...
    assert all(len(v) == 1 for v in ids_by_key.values()), ids_by_key
    # ... and two different entities never share one.
    flat = [next(iter(v)) for v in ids_by_key.values()]
    assert len(flat) == len(set(flat)), ids_by_key


def test_a_patient_and_the_practitioner_of_an_appointment_are_different_records() -> None:
    examples = section(spec("system-appointments"), "Examples")
    booked = json.loads(fences(examples, "json")[0])
    assert booked["patient_id"] != booked["practitioner_id"] != booked["id"]
    created_patient = next(json.loads(b) for b in fences(examples, "json")
                           if '"mrn"' in b)
    # The appointment's patient_id is the patient the examples create.
    assert booked["patient_id"] == created_patient["id"]


def test_a_prediction_names_the_model_read_above_it() -> None:
    examples = section(spec("system-model-serving"), "Examples")
    model = json.loads(fences(examples, "json")[0])
    prediction = json.loads(fences(examples, "json")[1])["prediction"]
    assert prediction["model_id"] == model["id"] != prediction["id"]
    assert f'"model_id": "{model["id"]}"' in examples  # the Predict request names it too


@pytest.mark.parametrize("name", ["system-appointments", "system-saas-billing",
                                  "system-shipment-tracking", "system-ride-dispatch"])
def test_two_requests_never_share_an_idempotency_key(name: str) -> None:
    keys = re.findall(r"^Idempotency-Key: (\S+)$", section(spec(name), "Examples"), re.M)
    assert len(keys) >= 2, name
    assert len(keys) == len(set(keys)), keys


def test_a_patient_is_born_before_the_record_is_made() -> None:
    examples = section(spec("system-appointments"), "Examples")
    births = set(re.findall(r'"date_of_birth": "(\d{4})-', examples))
    assert births and all(int(year) < 2020 for year in births), births


def test_a_step_on_a_record_shows_nothing_its_create_did_not_set() -> None:
    examples = section(spec("system-appointments"), "Examples")
    # Nobody sent a reason: neither the reschedule nor the cancel answer may show one.
    assert '"reason"' not in examples
    moved = next(json.loads(b) for b in fences(examples, "json") if "RESCHEDULED" in b)
    assert list(moved) == ["id", "patient_id", "practitioner_id", "starts_at", "ends_at",
                           "status", "created_at"]


def _guide(name: str) -> str:
    return section(spec(name), "Implementation Guide")


def test_a_graphql_spec_words_its_failures_as_graphql_does() -> None:
    guide = _guide("system-product-search")
    assert "INVALID_ARGUMENT" not in guide and "UNAVAILABLE with retry info" not in guide
    assert "`extensions.code` is `BAD_USER_INPUT`" in guide


def test_a_grpc_spec_never_answers_with_an_http_status() -> None:
    guide = _guide("system-model-serving")
    assert "503" not in guide and "fails fast with UNAVAILABLE" in guide


@pytest.mark.parametrize(("name", "dependency"), [
    ("system-product-search", "Elasticsearch"), ("system-model-serving", "NVIDIA Triton"),
    ("system-appointments", "EHR's FHIR API")])
def test_every_system_the_service_calls_has_its_resilience_row(name: str,
                                                               dependency: str) -> None:
    guide = _guide(name)
    intro = next(line for line in guide.splitlines() if line.startswith("Every call from"))
    assert dependency in intro.split(" has a timeout", 1)[0]
    assert re.search(rf"^\| {re.escape(dependency)} \|", guide, re.M), dependency


def test_the_search_index_is_fed_one_way_everywhere() -> None:
    text = spec("system-product-search")
    # The data model feeds the index after each commit and repairs by a sweep; no outbox
    # (a table the schema does not have) is promised anywhere else.
    assert "outbox" not in section(text, "Architecture")
    assert "a sweep re-indexes what a failed write missed" in section(text, "Architecture")


def test_a_grpc_only_service_is_served_by_a_grpc_server_not_an_http_framework() -> None:
    stack = section(spec("system-model-serving"), "Technology Stack")
    framework = next(line for line in stack.splitlines() if line.startswith("| Framework |"))
    assert "@grpc/grpc-js" in framework and "Fastify" not in framework


def test_a_twilio_callback_is_the_signed_form_twilio_posts() -> None:
    examples = section(spec("system-notifications"), "Examples")
    callback = next(b for b in fences(examples, "http") if "/webhooks/twilio" in b)
    # The stack names X-Twilio-Signature; the example must be what Twilio actually sends.
    assert "X-Twilio-Signature: " in callback and "X-Signature:" not in callback
    assert "Content-Type: application/x-www-form-urlencoded" in callback
    assert "MessageSid=SM" in callback and "MessageStatus=delivered" in callback


def test_a_queue_consumer_stores_the_message_id_it_dedupes_by() -> None:
    text = spec("system-notifications")
    # The consumer promises a redelivery is stored once: the table must hold the key.
    assert "source_message_id VARCHAR(100) UNIQUE" in section(text, "Data Model")
    assert "stores as `source_message_id` (unique)" in section(text, "API Specification")
    # A service that only publishes keeps no such column.
    assert "source_message_id" not in spec("di-full-typescript")


def test_a_synchronous_prediction_is_never_queued() -> None:
    # Predict answers in the call and the service has no queue: no QUEUED state anywhere.
    assert "QUEUED" not in spec("system-model-serving")


@pytest.mark.parametrize("name", ["system-ride-dispatch", "system-shipment-tracking"])
def test_no_update_promises_a_sequence_number_nobody_stores(name: str) -> None:
    text = spec(name)
    # No table has a sequence column, so no push or webhook may carry one.
    assert "sequence" not in text
    assert "`updated_at`" in text or "event `id` and `created_at`" in text


def test_twilio_is_reached_with_its_account_and_auth_token_not_an_invented_key() -> None:
    config = section(spec("system-notifications"), "Configuration")
    assert "`TWILIO_API_KEY`" not in config
    assert "`TWILIO_ACCOUNT_SID`" in config and "`TWILIO_AUTH_TOKEN`" in config
    assert "`SENDGRID_API_KEY`" in config  # SendGrid's API is reached with an API key


def test_a_service_that_sends_on_after_the_commit_does_not_claim_to_have_no_queue() -> None:
    # FHIR writes to the EHR are retried by a worker after the commit: the service does keep
    # work across restarts, so the "no queue" line would be false.
    assert "has no queue" not in section(spec("system-appointments"), "When to Use")
    assert "has no queue" in section(spec("system-model-serving"), "When to Use")


def test_monitoring_counts_in_the_api_styles_units_and_watches_the_search_index() -> None:
    search = section(spec("system-product-search"), "Monitoring")
    assert "per GraphQL operation" in search and "per endpoint" not in search
    assert "Elasticsearch: search latency (P99), indexing lag" in search
    assert "per gRPC method" in section(spec("system-model-serving"), "Monitoring")


def test_the_served_model_version_is_the_tables_not_a_deploy_setting() -> None:
    text = spec("system-model-serving")
    # The model table has versions moving STAGED -> SERVING -> RETIRED: a setting fixed by
    # deployment would contradict it.
    assert "'SERVING'" in section(text, "Data Model")
    assert "MODEL_VERSION" not in text and "configuration value" not in text
    assert "the model row in SERVING" in section(text, "Implementation Guide")


def test_carriers_publish_events_and_customers_call_the_api() -> None:
    flow = section(spec("system-shipment-tracking"), "Architecture")
    assert "Producers([Carriers]) -- publish --> KafkaBroker" in flow
    assert "Client([Carriers])" not in flow


def test_which_carrier_event_moves_a_shipment_is_stated() -> None:
    api = section(spec("system-shipment-tracking"), "API Specification")
    assert "An event whose `event_type` is one of the shipment's states" in api
    assert "compared by `occurred_at`" in api


def test_each_webhook_endpoint_signs_with_its_own_secret_everywhere() -> None:
    text = spec("system-shipment-tracking")
    # A per-endpoint secret (the table's secret_version) and one global signing key in the
    # configuration contradicted each other.
    assert "WEBHOOK_SIGNING_SECRET" not in text
    assert "`WEBHOOK_SECRETS_PATH`" in section(text, "Configuration")
    assert "under the endpoint's id and `secret_version`" in section(text, "API Specification")


def test_an_eta_lies_after_the_moment_it_is_estimated() -> None:
    examples = section(spec("system-shipment-tracking"), "Examples")
    created = re.search(r'"created_at": "([^"]+)"', examples)
    eta = re.search(r'"eta": "([^"]+)"', examples)
    assert created and eta and eta.group(1) > created.group(1)


def test_a_spec_without_a_push_channel_promises_nothing_to_subscribers() -> None:
    text = spec("system-shipment-tracking")
    assert "subscribed clients" not in section(text, "Performance")
    assert "No push channel" in section(text, "Real-Time")


def test_one_consumer_lag_threshold_everywhere() -> None:
    text = spec("system-shipment-tracking")
    lags = set(re.findall(r"[Cc]onsumer lag (?:above |> |alert if > )(\d+)", text))
    assert lags == {"10"}, lags
    assert section(text, "Performance").count("Consumer lag:") == 1


def test_tracking_without_positions_promises_no_driver_positions() -> None:
    geo = section(spec("system-shipment-tracking"), "Geographic")
    assert "position" not in geo and "drivers" not in geo


def test_webhook_attempts_span_the_retry_window_the_contract_states() -> None:
    text = spec("system-shipment-tracking")
    assert "retried with exponential backoff for 24 hours" in section(text, "API Specification")
    row = next(line for line in section(text, "Configuration").splitlines()
               if "`WEBHOOK_MAX_ATTEMPTS`" in line)
    # 11 gaps doubling from 1 minute, capped at 6 hours: 1+2+...+256 + 2*360 = 1231 minutes.
    assert "`12`" in row and sum(min(2 ** k, 360) for k in range(11)) == 1231


def _patches(text: str) -> list[dict[str, object]]:
    examples = section(text, "Examples")
    return [json.loads(b.split("\n\n", 1)[1]) for b in fences(examples, "http")
            if b.startswith("PATCH ") and "\n\n" in b]


@pytest.mark.parametrize("name", ["system-shipment-tracking", "system-document-vault",
                                  "fintech-saas-go"])
def test_a_patch_changes_every_value_it_sends(name: str) -> None:
    text = spec(name)
    # The records as their 201 answers show them.
    created = [json.loads(fences(step, "json")[0])
               for step in section(text, "Examples").split("\n### ")
               if "Response `201 Created`" in step and fences(step, "json")]
    patches = _patches(text)
    assert patches, name
    for body in patches:
        for key, value in body.items():
            # A value the record was created with is not a change.
            assert not any(c.get(key) == value for c in created if key != "status"), (key,
                                                                                     value)
        assert not any("balance" in key or key == "currency" for key in body), body


def test_a_shipments_latest_status_is_its_newest_status_event() -> None:
    examples = section(spec("system-shipment-tracking"), "Examples")
    tracking = next(json.loads(b) for b in fences(examples, "json") if '"events"' in b)
    newest = max(tracking["events"], key=lambda e: e["occurred_at"])
    assert newest["event_type"] == tracking["status"] == "IN_TRANSIT"


def test_a_stored_offset_names_the_topic_it_was_read_from() -> None:
    text = spec("system-shipment-tracking")
    topic = re.search(r"#### Kafka: `([^`]+)` \(consumed\)", text)
    offsets = set(re.findall(r'"source_offset": "([^:]+):', text))
    assert topic and offsets == {topic.group(1)}, (topic, offsets)


def test_notification_providers_are_never_called_inside_a_request() -> None:
    text = spec("system-notifications")
    guide = section(text, "Implementation Guide")
    # The create answers 201 with the notification QUEUED: no 202 and no in-request call.
    assert "`202 Accepted`" not in guide and "Inside a request a provider call" not in guide
    assert "called only by the worker that sends `QUEUED` notifications" in guide
    assert "Response `201 Created`" in section(text, "Examples")


def test_a_notification_channel_is_one_the_service_can_send_on() -> None:
    assert ("channel VARCHAR(20) NOT NULL CHECK (channel IN ('email', 'sms', 'push'))"
            in section(spec("system-notifications"), "Data Model"))
