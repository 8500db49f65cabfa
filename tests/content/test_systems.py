"""Twelve unrelated systems: every named technology appears in the section of its role and
never in a wrong role; nothing is carried over from another domain; examples use the
schema's columns and statuses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from smartspec.knowledge import lookup
from smartspec.runs.model import model_for
from tests.content.cases import SYSTEMS
from tests.content.specs import fences, section, spec
from tests.helpers import run_cli

STACK_ROLE = {  # knowledge role -> the Technology Stack row label it gets
    "relational-database": "System of record", "document-database": "System of record",
    "cache": "Cache", "time-series": "Time series", "search": "Search",
    "object-storage": "Object storage", "log-broker": "Messaging (log,",
    "queue-broker": "Messaging (queue,", "device-broker": "Messaging (pubsub,",
    "payment-provider": "Payment provider", "payment-scheme": "Payment scheme",
    "identity-provider": "Identity provider", "standard": "Standard",
    "notification-channel": "Notification channel", "data-vendor": "Data vendor",
    "api-style": "API style",
}
NOT_CALLED = ("identity-provider", "standard", "payment-scheme")


def model_of(name: str):  # type: ignore[no-untyped-def]
    argv = SYSTEMS[name]
    return model_for(argv[1], argv[2])


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_each_technology_is_in_its_roles_row_and_architecture(name: str) -> None:
    text = spec(name)
    stack = section(text, "Technology Stack")
    architecture = section(text, "Architecture")
    for tech in model_of(name).technologies:
        entry = lookup(tech)
        assert entry is not None
        label = STACK_ROLE.get(entry.role)
        if label is None:
            continue
        cell = re.compile(rf"\| {re.escape(tech)}(?: 15\+| via [^|]*)? \|")
        rows = [line for line in stack.splitlines() if cell.search(line)]
        if tech == "Redis" and any(m.technology == "Redis queue" for m in model_of(name).messaging):
            continue  # Redis named as a queue: a messaging row, its own test below
        assert rows, f"{name}: {tech} has no Technology Stack row"
        assert all(row.startswith(f"| {label}") for row in rows), f"{name}: {tech}: {rows}"
        if entry.role != "api-style":
            assert tech in architecture, f"{name}: {tech} not in Architecture"


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_no_technology_in_a_wrong_role(name: str) -> None:
    text = spec(name)
    model = model_of(name)
    for party in model.parties:
        if party.role in NOT_CALLED:
            key = re.sub(r"[^A-Z0-9]+", "_", party.name.upper()).strip("_")
            assert f"{key}_API_KEY" not in text, f"{name}: {party.name} given an API key"
            assert not re.search(rf"when [^.]*{re.escape(party.name)}[^.]* degrade", text)
            resilience = section(text, "Implementation Guide")
            assert not re.search(rf"^\| {re.escape(party.name)}\b", resilience, re.MULTILINE), (
                f"{name}: {party.name} has a retry/circuit-breaker row")
    for message in model.messaging:
        if message.direction == "inbound":
            assert f"{message.technology} publisher" not in text
            assert not re.search(rf"EventPublisher` \| {re.escape(message.technology)}", text)
        if message.semantics == "log":
            assert not re.search(rf"{message.technology}[^\n]*queue depth", text, re.IGNORECASE)
            assert "QUEUE_URL" not in text
    if model.cache == "Redis":
        assert "| Cache | Redis |" in section(text, "Technology Stack")


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_nothing_carried_over_from_another_domain(name: str) -> None:
    text = spec(name)
    model = model_of(name)
    if not model.money:
        assert not re.search(r"\bamount\b", text, re.IGNORECASE), f"{name}: amount"
        assert "credit_balance" not in text and "Cost Deduction" not in text
    if not any(m.technology == "RabbitMQ" for m in model.messaging):
        assert "RabbitMQ" not in text, f"{name}: RabbitMQ invented"
    if model.entity("order") is None:
        assert "/api/v1/orders" not in text, f"{name}: orders endpoint invented"


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_example_statuses_and_fields_are_the_schemas(name: str) -> None:
    text = spec(name)
    sql = "\n".join(fences(text, "sql"))
    allowed = {v for group in re.findall(r"CHECK \(status IN \(([^)]*)\)\)", sql)
               for v in re.findall(r"'([A-Z_]+)'", group)}
    columns = set(re.findall(r"^  ([a-z_]+) [A-Z]", sql, re.MULTILINE))
    examples = section(text, "Examples")
    for block in fences(examples, "json"):
        body = json.loads(block)
        records = body.get("items", [body]) if isinstance(body, dict) else []
        for record in records:
            if not isinstance(record, dict) or "id" not in record or "created_at" not in record:
                continue
            if "status" in record:
                assert record["status"] in allowed, f"{name}: status {record['status']}"
            unknown = set(record) - columns
            assert not unknown, f"{name}: example fields {unknown} are not columns"


def test_the_reviewed_user_service_is_fixed() -> None:
    text = spec("system-user-accounts")
    assert "POST /api/v1/auth/token" in text and "/api/v1/users/{id}/profile" in text
    assert "You need rEST" not in text and "an user" not in text.lower()
    assert "section Data Model & Schema" not in text


def test_the_profiles_the_description_names_are_a_key_feature() -> None:
    """"accounts and profiles": creating or replacing a profile (a PUT of the one profile a
    user has) is a feature of the service, while changing a user (PATCH) is not."""
    features = section(spec("system-user-accounts"), "Overview").split("Key Features", 1)[1]
    assert "Create or replace a user's profile (`PUT /api/v1/users/{id}/profile`)" in features
    assert "PATCH" not in features


def test_timescale_readings_are_a_hypertable_with_time_in_the_key() -> None:
    sql = "\n".join(fences(spec("system-iot-telemetry"), "sql"))
    assert "PRIMARY KEY (id, recorded_at)" in sql
    assert "create_hypertable('reading', by_range('recorded_at'))" in sql


def test_promptpay_is_reached_through_stripe_and_confirmed_by_webhook() -> None:
    text = spec("system-payments")
    assert "| Payment scheme | PromptPay via Stripe |" in text
    assert "POST /api/v1/webhooks/stripe" in text and "Stripe-Signature" in text


def test_a_payment_service_stays_inside_its_providers_rate_limit() -> None:
    """Every payment is one provider call, so a payment service's peak throughput never
    exceeds the provider's default request limit (Stripe: 100 requests/s). A billing
    service calls the provider from its collection runs, which are paced to that limit."""
    name = "system-payments"
    performance = section(spec(name), "Performance Requirements")
    block = performance.split("#### Payment Service", 1)[1].split("####", 1)[0]
    # The service also serves reads, which never reach Stripe: only the payments it creates
    # are capped, and the ledger appends no more entries than those.
    created = re.search(r"- Of which payments created: (\d+) TPS, (\d+) TPS at peak", block)
    assert created is not None, block
    peak = int(created.group(2))
    limit = lookup("Stripe").rate_limit_rps  # type: ignore[union-attr]
    assert limit and peak <= limit, f"{name}: peak {peak} TPS above Stripe's {limit} req/s"
    system_peak = int(re.search(r"- Peak load: (\d+) TPS", performance).group(1))  # type: ignore[union-attr]
    assert int(re.search(r"- Peak: (\d+) TPS", block).group(1)) == system_peak  # type: ignore[union-attr]
    ledger = performance.split("#### Ledger Service", 1)[1].split("####", 1)[0]
    assert int(re.search(r"- Peak: (\d+) TPS", ledger).group(1)) <= peak  # type: ignore[union-attr]
    assert "Stripe's default rate limit" in block
    billing = section(spec("system-saas-billing"), "Performance Requirements")
    block = billing.split("#### Billing Service", 1)[1].split("####", 1)[0]
    assert f"call Stripe at most {int(limit)} requests/s, its default rate limit" in block


def test_a_refund_is_never_reversed_and_returns_money_one_way() -> None:
    saga = section(spec("system-payments"), "Saga Orchestration Patterns")
    assert not re.search(r"reverse ?refund|refundBySaga", saga, re.IGNORECASE)
    refund = saga.split("Refund Saga", 1)[1].split("###", 1)[0]
    assert "credit.add" not in refund  # no stored value here: the card is refunded, only
    assert "payments.refund(" in refund


def test_the_model_server_is_injected_called_with_a_deadline_and_configured() -> None:
    text = spec("system-model-serving")
    di = section(text, "Dependency Injection")
    assert "TritonClient" in di and "infer(" in di and "TRITON_API_KEY" not in text
    assert re.search(r"^\| NVIDIA Triton \| \d+ms deadline per inference", text, re.MULTILINE)
    assert "`TRITON_URL`" in section(text, "Configuration")
    examples = section(text, "Examples")
    assert "grpcurl" in examples and "ModelServingService/Predict" in examples


def test_ai_threats_follow_what_the_system_does() -> None:
    """A model server without a prompt has no prompt injection; an assistant has it. Both
    get the threats every served model has (extraction through its API)."""
    serving = section(spec("system-model-serving"), "Security")
    assert "prompt injection" not in serving.lower()
    assert "Model extraction" in serving
    assistant = section(spec("domains-saas-ai"), "Security")
    assert "Prompt injection" in assistant and "Model extraction" in assistant


def test_config_lists_only_this_systems_settings() -> None:
    """The settings table holds the variables of the system's own stores, interfaces,
    parties and domains; the ones every service has are one sentence above it."""
    for name in SYSTEMS:
        body = section(spec(name), "Configuration")
        if not body:  # a backend-service profile has no configuration section
            continue
        table = re.findall(r"^\| `([A-Z0-9_]+)` \|", body, re.MULTILINE)
        assert table and len(table) == len(set(table)), name
        assert "PORT" not in table and "`PORT`" in body, name
    iot = section(spec("system-iot-telemetry"), "Configuration")
    assert "`MQTT_TOPIC_FILTER`" in iot and "QUEUE_MAX_RETRIES" not in iot
    assert "`STRIPE_WEBHOOK_SECRET`" in section(spec("system-payments"), "Configuration")


def test_a_staff_admin_site_is_secured_and_sized_as_one() -> None:
    """Staff reach the Django admin through Okta sessions: no API tokens, no gRPC wording,
    a row for the admin interface, a staff team's load, and one check per page."""
    text = spec("system-admin-dashboard")
    security = section(text, "Security")
    assert "public API" not in security and "JWT Validation" not in security
    assert "CSRF" in security and "Okta" in security.split("### 8.2", 1)[1]
    implementation = section(text, "Implementation Guide")
    assert "INVALID_ARGUMENT" not in implementation and "UNAVAILABLE" not in implementation
    assert "ModelForm" in implementation
    assert "| Admin interface | Django admin site |" in section(text, "Technology Stack")
    performance = section(text, "Performance Requirements")
    tps = int(re.search(r"(\d+) TPS sustained", performance).group(1))  # type: ignore[union-attr]
    assert tps <= 50, f"{tps} TPS for a staff tool"
    testing = section(text, "Testing")
    assert "Each public operation" not in testing
    assert "(`POST /admin/support/ticket/add/`)" in testing
    acceptance = section(text, "Acceptance")
    assert "The main operation" not in acceptance
    assert "Add a ticket (admin page `/admin/support/ticket/add/`)" in acceptance


@pytest.mark.parametrize(("name", "promise"), [
    ("system-notifications", "even when delivered twice or out of order"),
    ("system-shipment-tracking", "in order per key"),
])
def test_consumers_are_promised_only_the_order_their_broker_keeps(name: str, promise: str) -> None:
    """Kafka keeps order within a partition, so per key; RabbitMQ does not promise it."""
    when = section(spec(name), "When to Use")
    line = next(ln for ln in when.splitlines() if "Events already flow on" in ln)
    assert promise in line
    if "RabbitMQ" in line:
        assert "order per key" not in line


def test_key_features_quote_every_path_and_name_interfaces_in_their_spelling() -> None:
    rides = section(spec("system-ride-dispatch"), "Overview")
    assert "(WebSocket `/ws/v1/rides`)" in rides and "WEBSOCKET" not in rides
    admin = section(spec("system-admin-dashboard"), "Overview")
    assert "(admin page `/admin/support/ticket/add/`)" in admin
    search = section(spec("system-product-search"), "Overview")
    assert "(GraphQL `searchProducts`)" in search


def test_titles_made_from_names_keep_known_acronyms() -> None:
    assert spec("system-saas-billing").startswith("# SPEC-001: SaaS Billing\n")
    from smartspec.plan import title_from_name

    assert title_from_name("iot-api-gateway") == "IoT API Gateway"
    assert title_from_name("sso_bridge") == "SSO Bridge"


def test_a_dispatched_ride_moves_only_by_its_steps() -> None:
    """Every state of a ride's lifecycle is entered by its own step; no PATCH of the status
    can skip one, and the service is not described in another domain's words."""
    text = spec("system-ride-dispatch")
    api = section(text, "API Specification")
    for step in ("dispatch", "start", "complete", "cancel"):
        assert f"| POST | `/api/v1/rides/{{id}}/{step}` |" in api, step
    assert "PATCH | `/api/v1/rides/{id}`" not in api
    assert "delivery events" not in text
    overview = section(text, "Overview")
    assert "(WebSocket `/ws/v1/drivers/locations`)" in overview  # asked for: always featured


def test_an_object_store_is_configured_called_and_tested_as_one() -> None:
    """S3 is a bucket in a region reached with the workload's identity, a dependency with a
    timeout, and a container stand-in in tests; an export started by a caller is not
    periodic work, and nobody asked this vault for a file import."""
    text = spec("system-document-vault")
    config = section(text, "Configuration")
    assert "`AMAZON_S3_BUCKET`" in config and "AMAZON_S3_URL" not in config
    resilience = section(text, "Implementation Guide")
    assert re.search(r"^\| Amazon S3 \| 5s", resilience, re.MULTILINE)
    assert "MinIO standing in for Amazon S3" in section(text, "Testing")
    assert "Periodic work" not in text and "/api/v1/imports" not in text


def test_real_time_words_come_from_the_domain_packs() -> None:
    """The real-time section names no domain: what an ordered stream is about and what reads
    are of come from the packs, so a new domain brings its own words in its own file."""
    from importlib.resources import files

    from smartspec.domains import Material

    template = files("smartspec").joinpath("templates/sections/realtime.md.j2").read_text()
    assert not re.search(r"'\w+' in (plan\.)?domains", template)
    both = Material(("healthcare", "logistics"), frozenset())
    assert both.first("realtime_subject") == "patient"  # the first pack in domain order wins
    assert Material(("logistics",), frozenset()).first("realtime_data") == (
        "tracking and dispatch data")
    realtime = section(spec("domain-healthcare"), "Real-Time")
    assert "reads of clinical data go to" in realtime


def test_a_queue_dead_letters_after_the_attempts_its_settings_say() -> None:
    text = spec("system-notifications")
    retries = re.search(r"\| `QUEUE_MAX_RETRIES` \| integer \| `(\d+)` \|", text).group(1)  # type: ignore[union-attr]
    assert f"A message that fails {retries} times goes to the dead-letter queue" in text
    when = section(text, "When to Use")
    assert "A caller needs to receive" not in when  # a provider's callback is no caller's need
    security = section(text, "Security")
    assert "A forged Twilio callback" in security and "A forged SendGrid callback" in security


@pytest.mark.parametrize("name", ["system-saas-billing", "system-payments"])
def test_the_ledger_takes_no_more_writes_than_money_moves(name: str) -> None:
    """One ledger entry per money movement: the ledger's throughput is bounded by the
    services that move money, not by the system-wide request rate."""
    performance = section(spec(name), "Performance Requirements")
    blocks = dict(re.findall(r"^#### (\w+) Service\n(.*?)(?=^#### |^### )", performance,
                             re.MULTILINE | re.DOTALL))

    def peak(block: str) -> int:
        return int(re.search(r"- Peak: (\d+) TPS", block).group(1))  # type: ignore[union-attr]

    movers = sum(peak(body) for kind, body in blocks.items() if kind in ("Payment", "Billing",
                                                                           "Balance", "Credit"))
    assert movers and peak(blocks["Ledger"]) <= movers


def test_only_a_staff_admin_site_takes_the_internal_load() -> None:
    from smartspec.targets import targets_for

    assert model_of("system-admin-dashboard").staff_only
    assert not any(model_of(n).staff_only for n in SYSTEMS if n != "system-admin-dashboard")
    staff = targets_for("full", (), staff_only=True)
    assert staff == targets_for("full", ("internal",))
    # A domain that asks for more keeps its figures: staff of a clinic still handle PHI.
    assert targets_for("full", ("healthcare",), staff_only=True) == targets_for(
        "full", ("healthcare", "internal"))
    monitoring = section(spec("system-admin-dashboard"), "Monitoring")
    assert "per admin page and action" in monitoring and "CSRF" in monitoring


def test_consumed_brokers_and_customer_webhooks_have_their_threats() -> None:
    """A consumer trusts what arrives on its broker, and a webhook sender calls URLs its
    customers chose: both are threats even in the short STRIDE table."""
    tracking = section(spec("system-shipment-tracking"), "Security")
    assert "Injected or replayed messages on Kafka" in tracking
    assert "(SSRF)" in tracking and "private and link-local ranges" in tracking
    assert "Injected or replayed messages on RabbitMQ" in section(
        spec("system-notifications"), "Security")


def test_a_billing_service_names_only_the_stores_and_queues_it_has() -> None:
    """SaaS billing has no cache, queue or bucket, and holds no balances: tenancy,
    idempotency and recovery say nothing about them."""
    text = spec("system-saas-billing")
    assert "caches, queues and object storage keys" not in section(text, "Multi-Tenancy")
    assert "consumers deduplicate" not in section(text, "Idempotency")
    assert "balances are recomputed" not in section(text, "Disaster Recovery")
    assert "Redis queue consumers deduplicate" in section(spec("system-payments"), "Idempotency")


def test_an_open_breaker_to_a_notification_channel_delays_and_loses_nothing() -> None:
    guide = section(spec("system-notifications"), "Implementation Guide")
    assert "notifications for Twilio wait unsent and go out when it closes" in guide
    assert "request fails fast with 503" not in guide


def test_billing_keeps_the_financial_core_its_model_has() -> None:
    """SaaS billing collects invoices through Stripe, so it is financial (it moves money), but
    its model has no refund: no refund table, refund saga or refund controls, and its service
    is the billing service, not a payment service the description never asked for."""
    text = spec("system-saas-billing")
    assert "CREATE TABLE refund" not in text and "Refund Saga" not in text
    assert "REFUND_APPROVAL_THRESHOLD" not in text and "Unauthorized Refunds" not in text
    assert "second approver" not in text and not re.search(r"\brefunds?\b", section(
        text, "Security"), re.IGNORECASE)
    assert "PaymentService" not in text and "Payment Service" not in text
    assert "export class BillingService" in section(text, "Dependency Injection")
    assert "Services in scope: Billing Service and Ledger Service." in text
    assert "#### Invoice Tampering" in section(text, "Security")
    # A card payment's lifecycle reaches REFUNDED: the payments system keeps its refunds.
    payments = spec("system-payments")
    assert "CREATE TABLE refund" in payments and "Refund Saga" in payments


def test_billing_is_financial_because_it_moves_money_and_says_so(tmp_path: Path) -> None:
    argv = SYSTEMS["system-saas-billing"]
    result = run_cli([*argv, "--json", "--no-report", "--no-validation"], tmp_path)
    decisions = {d["setting"]: d for d in json.loads(result.out)["decisions"]}
    assert decisions["profile"]["value"] == "financial"
    assert "moves money" in decisions["profile"]["reason"]


def test_the_busiest_path_has_its_own_throughput_budget() -> None:
    """Usage metering is the billing system's busiest path: it has a budget in events per
    second, with the key that keeps a redelivered record from being stored twice."""
    performance = section(spec("system-saas-billing"), "Performance Requirements")
    budget = performance.split("Throughput per Busy Path", 1)[1].split("###", 1)[0]
    row = next(line for line in budget.splitlines() if "`POST /api/v1/usage`" in line)
    assert "1000 usage records/s" in row and "3000 usage records/s" in row
    assert "`uq_usage_record_idempotency_key`" in row
    telemetry = section(spec("system-iot-telemetry"), "Performance Requirements")
    assert "**Busiest path:** consume readings from MQTT (MQTT `devices/+/telemetry`)" in telemetry


def test_idempotent_replay_claims_keys_in_the_store_the_system_has() -> None:
    """Redis claims an idempotency key only where the system runs Redis; elsewhere the
    UNIQUE key of saga_state does it in PostgreSQL."""
    billing = section(spec("system-saas-billing"), "Saga Orchestration Patterns")
    replay = billing.split("Idempotent Replay Flow", 1)[1].split("\n### ", 1)[0]
    assert "SET NX" not in replay and "redis" not in replay.lower()
    assert "ON CONFLICT" in replay and "this.sagas.claim(" in replay
    payments = section(spec("system-payments"), "Saga Orchestration Patterns")
    assert "Claim Key (Redis SET NX)" in payments
