"""What the tailored sections say about the system they describe: the DI code performs the
system's main operation with the ports it has, and the examples show only what the request
and the server set, with error scenarios for operations the model has."""

from __future__ import annotations

import base64
import json
import re
from typing import TYPE_CHECKING

from smartspec.content.stacks import main_operation
from smartspec.runs.model import model_for
from tests.content.cases import SYSTEMS
from tests.content.specs import fences, section, spec
from tests.helpers import render_case

if TYPE_CHECKING:
    from smartspec.model import SystemModel


def model_of(name: str) -> SystemModel:
    argv = SYSTEMS[name]
    return model_for(argv[1], argv[2])


def _di_code(name: str) -> str:
    return "\n".join(fences(section(spec(name), "Dependency Injection"), "typescript"))


def test_the_main_operation_is_the_first_domain_verb_else_create() -> None:
    found = {name: main_operation(model_of(name)) for name in (
        "system-iot-telemetry", "system-product-search", "system-model-serving",
        "system-appointments", "system-user-accounts")}
    assert {name: (op.verb, op.entity) for name, op in found.items() if op} == {
        "system-iot-telemetry": ("ingest", "reading"),
        "system-product-search": ("search", "product"),
        "system-model-serving": ("infer", "prediction"),
        "system-appointments": ("schedule", "appointment"),
        "system-user-accounts": ("create", "user"),
    }


def test_di_code_performs_the_main_operation_with_the_ports_the_system_has() -> None:
    search = _di_code("system-product-search")
    assert "async searchProducts(text: string" in search
    assert "export interface ProductSearchIndex { // Elasticsearch" in search
    assert "this.searchIndex.search(text, limit)" in search
    # A search mints no id and takes no creation time: neither is injected.
    assert "IdGenerator" not in search and "Clock" not in search

    serving = _di_code("system-model-serving")
    assert "async predict(" in serving and "this.tritonClient.infer(" in serving

    telemetry = _di_code("system-iot-telemetry")
    assert "async ingestReading(input: { deviceId: string; metric: string; value: number; " \
        "recordedAt: Date })" in telemetry
    # Readings have no lifecycle: no status is invented for them.
    assert "status" not in telemetry

    assert "scheduleAppointment(" in _di_code("system-appointments")
    assert "createUser(" in _di_code("system-user-accounts")


def test_every_method_the_di_code_calls_is_declared() -> None:
    for name in ("system-product-search", "system-model-serving", "system-iot-telemetry",
                 "system-shipment-tracking", "system-ride-dispatch", "system-payments"):
        code = _di_code(name)
        declared = set(re.findall(r"(?:^\s+|\{ )(\w+)(?:<T>)?\(", code, re.MULTILINE))
        # this.saved is the fake repository's own Map, not a port.
        called = set(re.findall(r"this\.(?!saved\.)\w+\.(\w+)\(", code))
        assert called <= declared, f"{name}: {called - declared}"


def test_a_create_answers_with_what_was_sent_and_what_the_server_set() -> None:
    examples = section(spec("system-user-accounts"), "Examples")
    request, response = fences(examples, "http")[0], json.loads(fences(examples, "json")[0])
    sent = json.loads(request.split("\n\n", 1)[1])
    # The password is written once and kept only as its hash: never echoed.
    assert set(response) == set(sent) - {"password"} | {"id", "status", "created_at"}
    assert "display_name" not in response
    # ... and says where the new record lives.
    assert f"Response `201 Created`, `Location: /api/v1/users/{response['id']}`:" in examples


def test_the_bearer_token_names_this_api_as_its_audience() -> None:
    examples = section(spec("system-ride-dispatch"), "Examples")
    token = re.search(r"Authorization: Bearer (\S+)", examples)
    assert token is not None
    claims = token.group(1).split(".")[1]
    decoded = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    host = re.search(r"^Host: (\S+)", examples, re.MULTILINE)
    assert host is not None and decoded["aud"] == host.group(1)


def test_error_scenarios_follow_the_models_operations() -> None:
    payments = spec("system-payments")
    assert not any(o.verb == "refund" for o in model_of("system-payments").operations)
    assert "Refund above the payment" not in payments
    # The missing field named is one the endpoint's own entity requires.
    telemetry = section(spec("system-iot-telemetry"), "Examples")
    assert "`POST /api/v1/devices` with a missing required field" in telemetry
    assert '"serial_number is required"' in telemetry


def test_a_reading_delivered_twice_is_stored_once() -> None:
    text = spec("system-iot-telemetry")
    sql = "\n".join(fences(text, "sql"))
    assert "CONSTRAINT uq_reading_once UNIQUE (device_id, metric, recorded_at)" in sql
    assert "same (deviceId, metric, recordedAt)" in _di_code("system-iot-telemetry")
    assert "`reading` holds each (device_id, metric, recorded_at) once" in text


def test_a_dispatch_moves_the_stored_record_and_names_who_takes_it() -> None:
    text = render_case(["new", "ride-dispatch", "Ride dispatch with WebSocket driver locations, "
                        "PostgreSQL, Redis cache and Google Maps routing, TypeScript"])
    code = "\n".join(fences(section(text, "Dependency Injection"), "typescript"))
    assert "async dispatchRide(id: string, driverId: string): Promise<Ride>" in code
    assert "ride.driverId = driverId;" in code and "ride.status = 'DRIVER_ASSIGNED';" in code
    assert "if (ride.status !== 'REQUESTED')" in code
    # Nothing is created, so no id generator or clock is injected.
    assert "IdGenerator" not in code and "Clock" not in code


def test_a_lifecycle_step_answers_with_the_state_it_enters() -> None:
    """Dispatch assigns a driver, start puts the ride in progress, complete completes it: the
    example answers show the state entered, never the state the ride was requested in."""
    examples = section(spec("system-ride-dispatch"), "Examples")
    entered = {}
    for step in ("dispatch", "start", "complete", "cancel"):
        part = examples.split(f"/{step} HTTP/1.1", 1)[1].split("\n### ", 1)[0]
        answer = re.search(r"^```json\n(.*?)^```$", part, re.MULTILINE | re.DOTALL)
        assert answer, step
        entered[step] = json.loads(answer.group(1))["status"]
    assert entered == {"dispatch": "DRIVER_ASSIGNED", "start": "IN_PROGRESS",
                       "complete": "COMPLETED", "cancel": "CANCELLED"}


def test_example_ids_and_times_are_each_specs_own_and_never_the_clocks() -> None:
    """Two specs never show the same record id, key or moment; one spec always shows the
    same ones (derived from its name, not from the clock)."""
    from smartspec.content.examples import example_ids

    ids = {name: example_ids(argv[1]) for name, argv in SYSTEMS.items()}
    assert example_ids("ride-dispatch") == ids["system-ride-dispatch"]
    for field in ("record", "owner", "idempotency_key", "tenant"):
        values = [getattr(i, field) for i in ids.values()]
        assert len(set(values)) == len(values), field
        assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                r"[0-9a-f]{12}", v) for v in values), field
    assert len({i.time for i in ids.values()}) > len(ids) // 2
    assert all(i.time.startswith("2026-01-") for i in ids.values())
    # What a spec's examples show is its own: no id of one spec's examples is in another's.
    uuid_re = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    shown = {name: set(uuid_re.findall(section(spec(name), "Examples"))) for name in SYSTEMS}
    for a, b in ((a, b) for a in shown for b in shown if a < b):
        # A fixed sample of one attribute (a driver's id) may recur; records and keys never.
        common = shown[a] & shown[b]
        assert not common, f"{a} and {b} share {common}"


def test_lines_every_spec_had_now_say_something_about_this_system() -> None:
    """Notes, settings and steps that read the same in every spec name what this system
    holds, serves and runs first."""
    accounts = spec("system-user-accounts")
    stack = section(accounts, "Technology Stack")
    assert "| PostgreSQL 15+ |" in stack and "holds users and profiles |" in stack
    assert "`UserService` and its tests below are written in it" in stack
    assert "integration tests against real PostgreSQL and Redis in containers" in stack
    admin = spec("system-admin-dashboard")
    assert "| `POSTGRESQL_URL` | secret | none | Connection string for PostgreSQL, which holds " \
        "tickets |" in section(admin, "Configuration")
    assert "names `spec-001-support-admin`" in section(admin, "Related Specs")
    guide = section(spec("system-iot-telemetry"), "Implementation Guide")
    assert 'starting with those of "consume readings from MQTT"' in guide
    assert "`POST /api/v1/devices` stores its device whole or not at all" in guide


def test_threats_errors_and_callers_are_this_systems() -> None:
    """The STRIDE rows, error criteria, retry settings and data flow name this system's
    records, callers, fields and providers instead of any system's."""
    rides = spec("system-ride-dispatch")
    security = section(rides, "Security")
    assert "| **Repudiation** | A change to ride, driver, and driver location nobody can be " \
        "held to |" in security
    assert "| **Elevation of Privilege** | A driver acting beyond their role |" in security
    assert "Client([Drivers]) -- REST --> RestApi[REST API layer]" in section(rides, "Architecture")
    assert "`POST /api/v1/rides` without `rider_id` answers `422` with `VALIDATION_FAILED`" \
        in section(rides, "Acceptance")
    notifications = section(spec("system-notifications"), "Configuration")
    assert "| `RETRY_MAX_ATTEMPTS` | integer | `3` | Attempts per call to SendGrid or Twilio |" \
        in notifications


def test_each_answer_says_what_it_holds_before_its_body() -> None:
    examples = section(spec("system-ride-dispatch"), "Examples")
    assert "Response `200 OK`: The ride, now `DRIVER_ASSIGNED`." in examples
    assert "Response `200 OK`: A page of driver locations." in examples
    assert re.search(r"Response `201 Created`, `Location: /api/v1/rides/[0-9a-f-]{36}`: "
                     r"The ride in `REQUESTED`\.", examples)


def test_the_cache_the_di_code_uses_is_the_one_the_cache_keys_table_lists() -> None:
    """Key, TTL and what is cached agree between the DI code and the Cache Keys table."""
    for name in ("system-user-accounts", "system-model-serving", "system-product-search"):
        text = spec(name)
        code = _di_code(name)
        table = text.split("Cache Keys (Redis)", 1)[1].split("\n### ", 1)[0]
        records = re.findall(r"cache\.set\(`([a-z-]+:[a-z_]+):\$\{id\}`, \w+, (\d+)\)", code)
        searches = re.findall(r"`([a-z-]+:[a-z]+:search):\$\{limit\}", code)
        assert records or searches, name
        for key, ttl in records:
            assert f"| `{key}:{{id}}` |" in table and f"| {ttl} s |" in table, (name, key)
        for key in searches:
            assert f"| `{key}:{{limit}}:{{text}}` |" in table and "| 60 s |" in table, name
    assert "lists and searches are not cached" in spec("system-user-accounts")
    assert "lists and searches are not cached" not in spec("system-product-search")


def test_the_status_type_of_the_di_code_is_the_tables_check_list() -> None:
    code = _di_code("system-user-accounts")
    assert "export type UserStatus = 'ACTIVE' | 'SUSPENDED' | 'DELETED';" in code
    assert "status: UserStatus;" in code
    sql = "\n".join(fences(spec("system-user-accounts"), "sql"))
    assert "CHECK (status IN ('ACTIVE', 'SUSPENDED', 'DELETED'))" in sql
    # The fixed clock of the test is the moment the examples show.
    assert "const fixed = new Date('2026-01-06T12:25:00Z');" in code
    assert '"created_at": "2026-01-06T12:25:00Z"' in section(spec("system-user-accounts"), "Examples")


def test_a_refresh_spends_the_refresh_token_the_sign_in_issued() -> None:
    """... and is answered with a new one (rotation), never with the one it spent."""
    accounts = section(spec("system-user-accounts"), "Examples")
    issued = json.loads(fences(accounts, "json")[-2])["refresh_token"]
    refresh = accounts.split("POST /api/v1/auth/refresh", 1)[1]
    assert json.loads(refresh.split("\n\n", 1)[1].split("```", 1)[0])["refresh_token"] == issued
    assert json.loads(fences(accounts, "json")[-1])["refresh_token"] != issued


def test_endpoints_that_cannot_take_a_bearer_token_are_named_as_exceptions() -> None:
    """A token endpoint cannot demand the token it issues, nor a provider's callback a token
    the provider never had: the API conventions name them, and every other spec says every
    endpoint."""
    def authentication(name: str) -> str:
        # The section is "API Specification", or "API Documentation" in a backend-service spec.
        return next(line for line in section(spec(name), "API ").splitlines()
                    if line.startswith("- Authentication:"))

    accounts = authentication("system-user-accounts")
    assert ("every endpoint except `POST /api/v1/auth/token` and `POST /api/v1/auth/refresh`, "
            "which take credentials or a refresh token") in accounts
    notifications = authentication("system-notifications")
    assert ("every endpoint except `POST /api/v1/webhooks/sendgrid` and "
            "`POST /api/v1/webhooks/twilio`, called by the provider and verified by its "
            "signature instead") in notifications
    plain = authentication("system-document-vault")
    assert "header on every endpoint;" in plain and "except" not in plain


def test_the_load_test_and_its_acceptance_line_lead_with_the_busiest_operation() -> None:
    """A stream of append-only facts carries the load where the system takes one, else the
    first domain verb, else the first write; the Testing section and the acceptance line name
    the same one."""
    busiest = {name: model_of(name).busiest_operation for name in (
        "system-iot-telemetry", "system-shipment-tracking", "system-appointments",
        "system-product-search", "system-user-accounts")}
    assert {name: (op.verb, op.entity) for name, op in busiest.items() if op} == {
        "system-iot-telemetry": ("ingest", "reading"),
        "system-shipment-tracking": ("track", "tracking_event"),
        "system-appointments": ("schedule", "appointment"),
        "system-product-search": ("search", "product"),
        "system-user-accounts": ("issue-token", "user"),
    }
    text = spec("system-appointments")
    assert "load test led by 'book an appointment'" in text
    assert '(k6) led by "book an appointment"' in text


def test_a_record_with_a_password_hash_is_returned_as_its_public_view() -> None:
    """The spec says the hash never leaves the database: the create method returns the public
    view, as the read does, in TypeScript and in Python."""
    typescript = "\n".join(fences(section(spec("system-user-accounts"), "Dependency Injection"),
                                  "typescript"))
    assert "async createUser(input: { email: string; password: string }): Promise<PublicUser>" \
        in typescript
    assert "const { passwordHash: _passwordHash, ...view } = user;\n    return view;" in typescript
    python = "\n".join(fences(section(render_case([
        "new", "user-service", "REST API for user accounts, PostgreSQL, Redis cache, JWT auth, "
        "written in Python", "--profile=backend-service"]), "Dependency Injection"), "python"))
    assert "async def create_user(self, email: str, password: str) -> PublicUser:" in python
    assert python.count("PublicUser.of(user)") == 2
    assert "def of(cls, user: User) -> \"PublicUser\":" in python


def test_only_a_check_list_of_values_is_read_as_the_allowed_values() -> None:
    """A CHECK that quotes a pattern or compares one value allows no list: the diagram shows
    no states for it and examples are not forced to its quoted text."""
    from smartspec.content.sql import check_values

    assert check_values("status IN ('ACTIVE', 'OFFLINE')") == ["ACTIVE", "OFFLINE"]
    assert check_values("currency ~ '^[A-Z]{3}$'") == []
    assert check_values("status <> 'PAID' OR paid_at IS NOT NULL") == []
    assert check_values(None) == []
    assert '"^[A-Z]{3}$"' not in spec("system-payments")
