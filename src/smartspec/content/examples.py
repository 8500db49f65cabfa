"""Request and response bodies for the Examples section: one pair per endpoint, shaped by the
entity the endpoint serves, so that every endpoint defined in the spec has a concrete,
consistent example (the endpoint-example consistency rule checks it).

Ids, keys and times are derived from the spec's name (``example_ids``): two specs never show
the same record, and one spec always shows the same one, so generated specs stay
byte-for-byte reproducible. No example reads the clock.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from smartspec.content.sql import check_values
from smartspec.detect import ENTITY_NOUNS, PLURAL_TO_SINGULAR, singular_of
from smartspec.digest import sha256, sha256_hex
from smartspec.jsontext import dumps as json_text
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from smartspec.detect import Endpoint

EXAMPLE_ID = "3f2b9c4e-8d1a-4c1e-9b7a-2a6f5d0e1c3b"
OWNER_ID = "9a7e5c3b-1d2f-4e6a-8b0c-7d5e3f1a2b4c"
CHILD_ID = "c4e8a1d2-5b3f-4a7e-9c6d-1e2f3a4b5c6d"  # a child read under its owner's id
IDEMPOTENCY_KEY = "6c1d7e2a-0f4b-4b8e-a1c9-5d3e2f1a0b9c"
EXAMPLE_TIME = "2026-01-15T09:30:00Z"
TENANT_ID = "5b0d8f2e-3c4a-4e1b-9d7f-6a2c1e0b3d5f"


class ExampleIds(NamedTuple):
    """The ids, idempotency key and moment one spec's examples use."""

    record: str  # the record an example creates or reads
    owner: str  # the record that owns it (the account of a payment, the device of a reading)
    child: str  # a child read under its owner's id
    idempotency_key: str
    tenant: str
    time: str  # ISO 8601, UTC: when the example happens
    seed: str = ""  # the spec's name, from which every entity's own id is derived

    def of(self, entity: str) -> str:
        """The example id of one ``entity`` of this spec (``patient``, ``practitioner``): a
        patient and the appointment it owns never share an id, and every ``patient_id`` in
        every example and payload of the spec is that patient's id."""
        return _hashed_uuid(self.seed, f"entity|{entity}")

    def key_for(self, request: str) -> str:
        """The ``Idempotency-Key`` of one request (``"POST /api/v1/patients"``): the spec's
        conventions answer a reused key with another body by 409, so two different requests
        never share one."""
        return _hashed_uuid(self.seed, f"idempotency-key|{request}")

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.time)  # "Z" is UTC (Python 3.11+)

    @property
    def epoch(self) -> int:
        """``time`` as Unix seconds, as providers put it in signatures and tokens."""
        return int(self.moment.timestamp())

    def later(self, **delta: float) -> str:
        """The moment ``delta`` after ``time`` (``minutes=15``), in the same format."""
        return (self.moment + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


# The values of a spec without a name to derive its own from.
DEFAULT_IDS = ExampleIds(EXAMPLE_ID, OWNER_ID, CHILD_ID, IDEMPOTENCY_KEY, TENANT_ID, EXAMPLE_TIME)


def _hashed_uuid(seed: str, label: str) -> str:
    """A version-4-shaped UUID from the hash of ``seed`` and ``label``: stable, and distinct
    for every spec name and every role it plays in the examples."""
    h = sha256_hex(f"smartspec-example|{seed}|{label}")
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


@lru_cache(maxsize=8)
def example_ids(seed: str) -> ExampleIds:
    """The example values of the spec named ``seed``: hash-derived UUIDs, and a working-hours
    moment in January 2026 picked by the same hash (never the clock), so examples differ from
    spec to spec and never change for one spec. Kept per name: a financial spec's sections ask
    a dozen times, and each answer costs six hashes."""
    if not seed:
        return DEFAULT_IDS
    h = sha256(f"smartspec-example|{seed}|time".encode()).digest()
    moment = datetime(2026, 1, 5 + h[0] % 21, 8 + h[1] % 10, (h[2] % 12) * 5, tzinfo=UTC)
    return ExampleIds(
        record=_hashed_uuid(seed, "record"), owner=_hashed_uuid(seed, "owner"),
        child=_hashed_uuid(seed, "child"), idempotency_key=_hashed_uuid(seed, "idempotency-key"),
        tenant=_hashed_uuid(seed, "tenant"), time=moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        seed=seed)

# entity -> the fields a client sends to create one
_CREATE: dict[str, dict[str, Any]] = {
    "payment": {"account_id": OWNER_ID, "amount": "150.00", "currency": "{currency}",
                "method": "{method}"},
    "invoice": {"account_id": OWNER_ID, "amount": "1000.00", "tax": "70.00",
                "due_date": "2026-02-14"},
    "subscription": {"account_id": OWNER_ID, "plan_code": "PRO_MONTHLY", "quantity": 1},
    "refund": {"payment_id": EXAMPLE_ID, "amount": "50.00", "reason": "Duplicate charge"},
    "order": {"customer_id": OWNER_ID, "items": [{"sku": "SKU-1001", "quantity": 2}],
              "currency": "{currency}"},
    "card": {"account_id": OWNER_ID, "provider_token": "tok_1PqR2sT3uV4wX5yZ", "brand": "visa",
             "last4": "4242"},
    "user": {"email": "ada@example.com", "display_name": "Ada Lovelace"},
    "customer": {"email": "ada@example.com", "name": "Ada Lovelace"},
    "account": {"owner_id": OWNER_ID, "currency": "{currency}"},
    "product": {"sku": "SKU-1001", "name": "Standard plan", "price": "19.00"},
    "patient": {"mrn": "MRN-000123", "date_of_birth": "1980-04-02"},
    "appointment": {"patient_id": OWNER_ID, "scheduled_at": EXAMPLE_TIME, "duration_minutes": 30},
    "device": {"serial_number": "SN-88412", "firmware_version": "2.4.1"},
    "reading": {"device_id": OWNER_ID, "metric": "temperature_c", "value": 21.5,
                "recorded_at": EXAMPLE_TIME},
    "device_position": {"device_id": OWNER_ID, "latitude": 13.7563, "longitude": 100.5018,
                        "speed_kmh": 42.5, "heading_deg": 270, "recorded_at": EXAMPLE_TIME},
    "measurement": {"device_id": OWNER_ID, "metric": "humidity_pct", "value": 40.2,
                    "measured_at": EXAMPLE_TIME},
    "event": {"event_type": "door_opened", "payload": {"door": "A1"}, "occurred_at": EXAMPLE_TIME},
    "shipment": {"customer_id": OWNER_ID, "origin": "Bangkok DC", "destination": "Chiang Mai"},
    "delivery": {"shipment_id": EXAMPLE_ID, "scheduled_for": EXAMPLE_TIME},
    "vehicle": {"plate_number": "1AB-2345", "capacity_kg": 1500},
    "route": {"vehicle_id": OWNER_ID, "name": "North loop"},
    "prediction": {"model_version": "2026-01-10", "input": {"text": "Where is my parcel?"}},
    "report": {"report_type": "monthly_usage", "parameters": {"month": "2026-01"}},
    "document": {"title": "Contract", "storage_key": "docs/contract-001.pdf"},
    "notification": {"user_id": OWNER_ID, "channel": "email", "template": "welcome"},
    "ticket": {"subject": "Cannot log in", "priority": 2},
    "task": {"title": "Review contract", "due_at": EXAMPLE_TIME},
    "booking": {"customer_id": OWNER_ID, "starts_at": EXAMPLE_TIME, "ends_at": "2026-01-15T10:30:00Z"},
}
_STATUS_AFTER_CREATE = {"payment": "PENDING", "invoice": "DRAFT", "refund": "REQUESTED",
                        "order": "PENDING", "shipment": "CREATED", "prediction": "COMPLETED",
                        "report": "QUEUED"}


# base64url's alphabet (RFC 4648, section 5).
_BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def base64url(raw: bytes) -> str:
    """``raw`` in base64url without padding, as a JWT writes its parts. Written out here
    rather than taken from ``base64``: that module (and binascii, with the zlib it links) would
    cost a ``new`` more than all the tokens it encodes."""
    count = (len(raw) * 8 + 5) // 6  # six bits to a character, the last one zero-filled
    value = int.from_bytes(raw, "big") << (count * 6 - len(raw) * 8)
    return "".join([_BASE64URL[(value >> shift) & 63] for shift in range(count * 6 - 6, -1, -6)])


def bearer_token(host: str, ids: ExampleIds = DEFAULT_IDS) -> str:
    """The access token the examples send: a JWT whose claims name this API as its audience
    and the caller as its subject, so a reader who decodes it sees what the service checks.
    The signature is a placeholder; the claims are real base64url JSON."""

    def part(claims: dict[str, Any]) -> str:
        return base64url(json.dumps(claims, separators=(",", ":")).encode())

    return ".".join((part({"alg": "RS256"}),
                     part({"aud": host, "sub": ids.owner, "exp": ids.epoch + 900}), "c2lnbmF0dXJl"))


class Example(NamedTuple):
    title: str
    request: str  # the HTTP request, headers and body
    status: str  # "201 Created"
    response: str  # pretty JSON
    location: str = ""  # where a created record now lives (the Location header of a 201)
    summary: str = ""  # what the answer holds, in words: "the ride, now `DRIVER_ASSIGNED`"


def entity_of(path: str) -> str | None:
    """The entity an endpoint path serves: the last resource segment, singular."""
    for segment in reversed([s for s in path.split("/") if s and not s.startswith(("{", ":"))]):
        word = segment.lower()
        if word in ENTITY_NOUNS or word in PLURAL_TO_SINGULAR:
            return singular_of(word)
        if word.isalpha() and word.endswith("s") and word not in ("api", "apis", "status"):
            return singular_of(word)  # a collection of something detect does not know: claims
    return None


def example_for(endpoint: Endpoint, *, currency: str, method_name: str, guarded: bool,
                tenant: bool, host: str = "api.example.com",
                ids: ExampleIds = DEFAULT_IDS) -> Example:
    entity = entity_of(endpoint.path) or "item"
    record_id = ids.of(entity)
    path = "/".join(record_id if s.startswith(("{", ":")) else s for s in endpoint.path.split("/"))
    headers = [f"{endpoint.method} {path} HTTP/1.1", f"Host: {host}"]
    if guarded:
        headers.append(f"Authorization: Bearer {bearer_token(host, ids)}")
    if tenant:
        headers.append(f"X-Tenant-Id: {ids.tenant}")
    fields = json.loads(json.dumps(_CREATE.get(entity, {"name": f"Example {entity}"}))
                        .replace("{currency}", currency).replace("{method}", method_name)
                        .replace(EXAMPLE_TIME, ids.time))
    # Each key names the entity it points at, and shows that entity's own example id.
    fields = {k: ids.of(k[:-3]) if k.endswith("_id") and v in (OWNER_ID, EXAMPLE_ID) else v
              for k, v in fields.items()}
    body = None
    if endpoint.method in ("POST", "PUT", "PATCH"):
        body = fields
        headers += ["Content-Type: application/json",
                    f"Idempotency-Key: {ids.key_for(f'{endpoint.method} {endpoint.path}')}"]
    request = "\n".join(headers) + ("\n\n" + json_text(body) if body else "")
    record = {"id": record_id, **fields, "status": _STATUS_AFTER_CREATE.get(entity, "ACTIVE"),
              "created_at": ids.time}
    if endpoint.method == "POST" and "{" not in endpoint.path:
        status, response = "201 Created", record
    elif endpoint.method == "DELETE":
        status, response = "204 No Content", None
    elif endpoint.method == "GET" and not endpoint.path.rstrip("/").endswith("}"):
        status, response = "200 OK", {"items": [record], "next_cursor": None}
    else:
        status, response = "200 OK", record
    return Example(endpoint.purpose, request, status,
                   json_text(response) if response is not None else "")


# Sample values by attribute name, then by type; what the schema says a client sends.
_SAMPLE_BY_NAME: dict[str, Any] = {
    "email": "ada@example.com", "display_name": "Ada Lovelace", "name": "Example name",
    "avatar_url": "https://cdn.example.com/avatars/ada.png", "bio": "Mathematician.",
    "url": "https://hooks.customer.example.net/events",
    "event_types": "status_changed",
    "locale": "en-GB", "mrn": "MRN-000123", "serial_number": "SN-88412",
    "firmware_version": "2.4.1", "metric": "temperature_c", "tracking_number": "TRK-7F3A9C21",
    "origin": "Bangkok DC", "destination": "Chiang Mai", "plate_number": "1AB-2345",
    "sku": "SKU-1001", "plan_code": "PRO_MONTHLY", "invoice_number": "INV-2026-0001",
    "order_number": "ORD-2026-0001", "model_version": "2026-01-10", "version": "2026-01-10",
    "framework": "onnx", "artifact_uri": "s3://models/churn/2026-01-10/model.onnx",
    "event_type": "ARRIVED_AT_HUB", "location": "Bangkok DC", "channel": "email",
    "method": "{method}", "reason": "Customer request", "severity": "warning",
    "message": "Temperature above threshold", "subject": "Cannot log in",
    "title": "Review contract", "report_type": "monthly_usage", "code": "8867-4",
    "storage_key": "docs/contract-001.pdf",
    "recipient": "ada@example.com", "template": "welcome",
    "provider_reference": "pi_3QxExample",  # the provider's id, as its webhooks name it
    "pickup_address": "1 Silom Rd, Bangkok", "dropoff_address": "Suvarnabhumi Airport",
    "license_number": "DL-4471902",
    "vehicle_plate": "1AB-2345", "latitude": 13.7563, "longitude": 100.5018,
    "provider_message_id": "14c5d75ce93.dfd.64b469.filter0001",
    "source_offset": "tracking-events:3:1842", "medication_code": "RX-1049", "dosage": "5 mg",
    "record_type": "note", "address": "1 Sukhumvit Rd, Bangkok", "body": "Hello",
    "date_of_birth": "1984-02-14",  # a patient is born before the record is made
    "amount": "150.00", "tax": "10.50", "total": "160.50", "price": "19.00",
    "current_period_start": "2026-01-01T00:00:00Z", "current_period_end": "2026-02-01T00:00:00Z",
}


# Where one attribute name means different things in different records: what a usage record
# meters is not what a sensor measures.
_SAMPLE_BY_ENTITY: dict[tuple[str, str], Any] = {
    ("usage_record", "metric"): "api_calls", ("usage_record", "quantity"): 1200,
    ("wallet", "balance_minor"): 50000,
    ("device_position", "speed_kmh"): 42.5, ("device_position", "heading_deg"): 270,
    # A chat: the user's question, and the model version and token counts of an answer.
    ("chat_message", "content"): "How do I change the email address on my account?",
    ("chat_message", "model"): "provider-model-2025-06-01",
    ("chat_message", "input_tokens"): 412, ("chat_message", "output_tokens"): 96,
    # An HL7 v2 message as the EHR sent it: MSH-10 control id, MSH-9 type, the ACK code.
    ("inbound_message", "control_id"): "MSG20260108135000001",
    ("inbound_message", "message_type"): "SIU^S12", ("inbound_message", "ack_code"): "AA",
}


def sample_value(name: str, type_: str, currency: str, entity: str = "",
                 ids: ExampleIds = DEFAULT_IDS) -> Any:
    """A realistic value for one attribute of ``entity``, consistent across the spec's
    examples; ids, keys and times are the spec's own (``ids``)."""
    if name == "currency":
        return currency
    if name == "idempotency_key":
        return ids.idempotency_key
    if name == "starts_at":
        return ids.time
    if name == "ends_at":
        return ids.later(minutes=30)
    if name == "eta":
        return ids.later(days=2)  # an arrival is expected after the moment it is estimated
    if (entity, name) in _SAMPLE_BY_ENTITY:
        return _SAMPLE_BY_ENTITY[(entity, name)]
    if name in _SAMPLE_BY_NAME:
        return _SAMPLE_BY_NAME[name]
    base = type_.partition(":")[0]
    if name.endswith("_id"):
        return ids.of(name[:-3])  # the example id of the entity the key points at
    if base == "uuid":
        return ids.of(name)
    if name.endswith("_minor"):
        return 15000
    if base in ("timestamp",):
        return ids.time
    if base == "date":
        return "2026-02-14"
    if base in ("integer", "small-integer", "big-integer"):
        return 30 if "minutes" in name else 1
    if base in ("number", "decimal"):
        return 21.5
    if base == "json":
        return {"key": "value"}
    if base == "boolean":
        return True
    if base == "bytes":
        return None
    return f"example-{name.replace('_', '-')}"


def attribute_sample(attribute: Any, currency: str, entity: str = "",
                     ids: ExampleIds = DEFAULT_IDS) -> Any:
    """``sample_value`` of one attribute, and for a column whose CHECK lists its values one
    of those values, never a made-up word ("example-role" for a role IN ('user', ...))."""
    found = sample_value(attribute.name, attribute.type, currency, entity, ids)
    allowed = check_values(attribute.check)
    return allowed[0] if allowed and found not in allowed else found


def _created(record: dict[str, Any], body: dict[str, Any], fields: dict[str, Any],
             owner: dict[str, Any]) -> dict[str, Any]:
    """The record a create returns: what the request sent and what the server set (id, owner
    key from the path, first status, creation time); an optional attribute the client did not
    send has no value yet, so it is not shown."""
    return {k: body.get(k, v) for k, v in record.items()
            if k in body or k in owner or k not in fields}


# What each lifecycle step enters, by the words its state names use: a ride that is
# dispatched has its driver assigned; one that starts is in progress.
_ENTERS: dict[str, tuple[str, ...]] = {
    "dispatch": ("ASSIGNED", "DISPATCHED"), "assign": ("ASSIGNED",),
    "start": ("IN_PROGRESS", "STARTED", "ACTIVE"), "complete": ("COMPLETED", "DONE"),
    "ship": ("SHIPPED", "IN_TRANSIT"), "activate": ("ACTIVE",), "suspend": ("SUSPENDED",),
    "close": ("CLOSED",), "reject": ("REJECTED",), "cancel": ("CANCELLED", "CANCELED"),
    "approve": ("APPROVED",),
}


def entered_state(verb: str, states: tuple[str, ...]) -> str | None:
    """The lifecycle state ``verb`` moves a record into, from ``states``; None when the verb
    is not a lifecycle step or no state says what it enters."""
    for word in _ENTERS.get(verb, ()):
        found = next((s for s in states if s == word or s.endswith("_" + word)), None)
        if found is not None:
            return found
    return None


def operation_example(op: Any, entity: Any, *, currency: str, method_name: str, guarded: bool,
                      tenant: bool, host: str = "api.example.com",
                      session: bool = False, ids: ExampleIds = DEFAULT_IDS) -> Example:
    """The request/response pair of one model operation, built from its entity's attributes
    and states so that every field and status in it is one the schema has; ids, keys and
    times are the spec's own (``ids``)."""
    # Every entity has its own example id, and every ``<owner>_id`` is its owner's: the id in
    # a path is the owner's when the record is reached under its owner, else the record's.
    record_id = ids.of(entity.name)
    owner_id = ids.of(entity.owner) if entity.owner else ids.owner
    under_owner = entity.nested and "/{id}/" in op.path
    path_id = owner_id if under_owner else record_id
    path = "/".join(path_id if s.startswith(("{", ":")) else s for s in op.path.split("/"))
    idempotency_key = ids.key_for(f"{op.method} {op.path}")
    headers = [f"{op.method} {path} HTTP/1.1", f"Host: {host}"]
    if session and op.verb != "confirm":
        # Staff signed in through the identity provider: the browser session authenticates,
        # and a state-changing request carries the CSRF token of that session.
        headers.append("Cookie: sessionid=8d1f3c2a9b7e4f60a5c1")
        if op.method in ("POST", "PUT", "PATCH", "DELETE"):
            headers.append("X-CSRFToken: 4b9e2d7c1a6f3e8b")
    elif guarded and op.verb not in ("issue-token", "refresh-token", "confirm"):
        headers.append(f"Authorization: Bearer {bearer_token(host, ids)}")
    if tenant and op.verb != "confirm":
        headers.append(f"X-Tenant-Id: {ids.tenant}")

    def value(a: Any) -> Any:
        found = attribute_sample(a, currency, entity.name, ids)
        return method_name if found == "{method}" else found

    # Reached under its owner's path (``/orders/{id}/refunds``, ``/users/{id}/profile``), the
    # record carries the path's id as its owner key; elsewhere the owner key is the same id.
    owner = {f"{entity.owner}_id": owner_id} if entity.owner else {}
    def shown(a: Any) -> bool:
        # Secrets and raw bytes never appear in an API body.
        return (a.type.partition(":")[0] != "bytes" and a.name != "idempotency_key"
                and not a.name.endswith("_hash"))

    fields = {a.name: value(a) for a in entity.attributes if shown(a)}
    required = {a.name: value(a) for a in entity.attributes if a.required and shown(a)}
    # The service picks where a file is stored; a client that chose the key could overwrite
    # another's file.
    required.pop("storage_key", None)
    state = entity.states[0] if entity.states else None
    record: dict[str, Any] = {"id": record_id, **owner, **fields}
    if state:
        record["status"] = state
    if entity.time_column is None:
        record["created_at"] = ids.time
    # A step on an existing record answers with the record as it was created plus what the
    # step changed: an optional attribute nobody sent never appears half-way through.
    created = _created(record, {**owner, **required}, fields, owner)
    body: Any = None
    response: dict[str, Any] | None = record
    status = "200 OK"
    verb = op.verb
    if verb in ("issue-token", "refresh-token"):
        # A refresh spends the refresh token the sign-in issued and answers with a new one
        # (rotation), so a stolen refresh token works at most once.
        body = ({"email": "ada@example.com", "password": "correct horse battery staple"}
                if verb == "issue-token" else {"refresh_token": "rt_3c9a7e51f0"})
        response = {"access_token": bearer_token(host),
                    "token_type": "Bearer", "expires_in": 900,
                    "refresh_token": "rt_3c9a7e51f0" if verb == "issue-token" else "rt_8b1f0c2d9e"}
    elif verb == "confirm":
        # Each provider calls back in its own format and signs it its own way; the event
        # type carries the outcome, so no provider status word is shown as one of ours.
        if "stripe" in op.path:
            headers.append(f"Stripe-Signature: t={ids.epoch},"
                           "v1=5257a869e7ecebeda32affa62cdca3fa51cad7e7")
            body = {"id": "evt_1QxExample", "type": "payment_intent.succeeded",
                    "data": {"object": {"id": "pi_3QxExample", "object": "payment_intent"}}}
        elif "sendgrid" in op.path:
            headers.append("X-Twilio-Email-Event-Webhook-Signature: MEUCIQCexample")
            headers.append(f"X-Twilio-Email-Event-Webhook-Timestamp: {ids.epoch}")
            body = [{"email": "ada@example.com", "event": "delivered",
                     "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001", "timestamp": ids.epoch}]
        elif "twilio" in op.path:
            # Twilio posts a status callback as a form, signed with X-Twilio-Signature (an
            # HMAC-SHA1 of the URL and the sorted form fields, keyed by the auth token).
            headers.append("X-Twilio-Signature: 0Q7bM1eCz0x8v3kqH2nE5r9tY4w=")
            body = ("MessageSid=SM9f1c2b7e4d3a5f6e8b0c1d2e3f4a5b6c&MessageStatus=delivered"
                    "&To=%2B66812345678&AccountSid=AC0a1b2c3d4e5f60718293a4b5c6d7e8f9")
        else:
            headers.append("X-Signature: sha256=5257a869e7ecebeda32a")
            body = {"id": "evt_1QxExample", "type": f"{op.path.rstrip('/').rsplit('/', 1)[-1]}.event",
                    "created": ids.epoch}
        status, response = "204 No Content", None
    elif verb in ("reschedule",):
        body = {"starts_at": ids.later(days=1, minutes=30),
                "ends_at": ids.later(days=1, minutes=60)}
        moved = next((s for s in entity.states if s == "RESCHEDULED"), state)
        response = _step(record, created, body, {"status": moved} if moved else {})
    elif verb == "cancel":
        # Cancelling needs no body: the path names the appointment, and the answer is it.
        gone = next((s for s in entity.states if s == "CANCELLED"), state)
        response = _step(record, created, {"status": gone} if gone else {})
    elif verb == "refund":
        body = {"amount": "50.00", "reason": "Duplicate charge"}
        paid = entity.owner if entity.name == "refund" and entity.owner else entity.name
        response = {"id": ids.of("refund"), f"{paid}_id": path_id, "amount": "50.00",
                    "reason": "Duplicate charge", "status": "REQUESTED",
                    "created_at": ids.time}
        status = "202 Accepted"
    elif verb == "meter":
        body = {k: v for k, v in record.items() if k not in ("id",)}
        body["idempotency_key"] = idempotency_key
        status, response = "202 Accepted", {"accepted": 1}
    elif verb == "ingest" and op.method == "POST":
        body = {"items": [{k: v for k, v in record.items() if k != "id"}]}
        status, response = "202 Accepted", {"accepted": 1, "rejected": 0}
    elif verb == "track":
        # The latest status is the newest event that names one of the record's states; an
        # arrival at a hub only adds to the history.
        response = {f"{entity.name}_id": path_id, "status": "IN_TRANSIT",
                    "events": [{"event_type": "ARRIVED_AT_HUB", "location": "Bangkok DC",
                                "occurred_at": ids.time},
                               {"event_type": "IN_TRANSIT", "location": "Bangkok DC",
                                "occurred_at": ids.later(hours=1)}]}
    elif verb == "search":
        path_q = headers[0].replace(" HTTP/1.1", "?q=ada&limit=20 HTTP/1.1")
        headers[0] = path_q
        response = {"items": [record], "next_cursor": None}
    elif verb == "export":
        body = {"format": "csv"}
        # The export runs in the background: the answer acknowledges the job; the file is
        # delivered when it is ready, so no job status the schema lacks is shown.
        status, response = "202 Accepted", {"export_id": ids.of("export"), "format": "csv",
                                            "accepted_at": ids.time}
    elif verb == "upload":
        # The file goes straight to object storage with this URL; the API never carries it.
        key = record.get("storage_key", f"{entity.plural}/{record_id}")
        body = {"content_type": "application/pdf", "size_bytes": 482133}
        response = {"upload_url": f"https://files.{host}/{key}?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                                  "&X-Amz-Expires=900&X-Amz-Signature=5f2c1a9e7b3d",
                    "method": "PUT", "expires_at": ids.later(minutes=15)}
    elif verb == "download":
        status, response = "302 Found", None
    elif verb == "infer":
        body = {"input": {"features": [0.12, 3.4, 1.0]}}
        response = {"id": record_id, "model_version": "2026-01-10",
                    "output": {"score": 0.87}, "latency_ms": 42}
    elif verb == "approve":
        response = _step(record, created,
                         {"status": next((s for s in entity.states if "APPROV" in s), state)})
    elif entity.states and op.enters and op.enters[0] in entity.states \
            and op.method == "POST" and "{" in op.path:
        # A lifecycle step answers with the record in the state it enters (the first the
        # model lists: an authorization that succeeds, not the FAILED it may also reach).
        response = _step(record, created, {"status": op.enters[0]})
    elif entity.states and entered_state(verb, entity.states) is not None:
        # A step of a lifecycle (dispatch, start, complete ...) answers with the record in
        # the state the step enters, never the state it started from.
        response = _step(record, created, {"status": entered_state(verb, entity.states)})
    elif entity.name == "chat_message" and verb == "create":
        # Asking the assistant: the caller sends its question; the answer is the model's
        # message, stored beside it in the conversation (the service sets the roles).
        body = {"content": record["content"]}
        status = "201 Created"
        response = {**record, "id": ids.of("chat_message_answer"), "role": "assistant",
                    "content": "Open Settings, then Account, and choose Change email; we send "
                               "a confirmation link to the new address."}
    elif op.method == "POST" and under_owner and verb == "create":
        # A child created under its owner: the path names the owner, so the body does not.
        body = {**required}
        status = "201 Created"
        response = _created(record, body, fields, owner)
    elif op.method == "POST" and "{" not in op.path:
        body = {**owner, **required}
        status = "201 Created"
        response = _created(record, body, fields, owner)
        if any(a.name == "password_hash" for a in entity.attributes):
            # The password is written once and stored only as its hash: never echoed back.
            body["password"] = "correct horse battery staple"
    elif op.method == "PUT":
        body = {**required}
        response = _step(record, created, body)
    elif op.method == "PATCH":
        body = _patch_body(op, entity, fields)
        response = _step(record, created, body)
    elif verb == "list":
        if entity.time_column and entity.owner:
            # A time series is read for one owner over a window, newest first.
            headers[0] = headers[0].replace(
                " HTTP/1.1", f"?{entity.owner}_id={owner_id}&from={ids.later(hours=-1)}"
                f"&to={ids.time}&limit=50 HTTP/1.1")
        response = {"items": [record], "next_cursor": None}
    elif op.method == "DELETE":
        status, response = "204 No Content", None
    if isinstance(body, str):
        headers.append("Content-Type: application/x-www-form-urlencoded")
    elif body is not None:
        headers.append("Content-Type: application/json")
        if op.method == "POST" and verb not in ("issue-token", "refresh-token", "confirm"):
            headers.append(f"Idempotency-Key: {idempotency_key}")
    text = body if isinstance(body, str) else json_text(body)
    request = "\n".join(headers) + ("\n\n" + text if body is not None else "")
    # A 201 says where the new record lives: the collection it was posted to, then its id.
    location = (f"{path.rstrip('/')}/{response['id']}"
                if status == "201 Created" and isinstance(response, dict) and "id" in response
                else "")
    return Example(op.summary, request, status,
                   json_text(response) if response is not None else "", location,
                   _answer(entity, state, response))


def _step(record: dict[str, Any], created: dict[str, Any],
          *changes: dict[str, Any]) -> dict[str, Any]:
    """The record after a step: as ``created``, with ``changes`` applied, its keys in the
    schema's order (``record``'s)."""
    merged = dict(created)
    for change in changes:
        merged.update(change)
    return {k: merged[k] for k in [*record, *merged] if k in merged}


def _patch_body(op: Any, entity: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """What a PATCH sends: only what it changes. A step named for its states ("Acknowledge or
    resolve an alert") sends the state it moves to; a general change sends one attribute that
    does change over a record's life (not its natural key, owner or time), and a stateful
    record's next state with it."""
    states = entity.states
    general = op.summary.split(" ", 1)[0] in ("Change", "Update", "Edit")
    if states[1:] and not general:
        return {"status": states[1]}
    # Keys, owners and times are not edited; a balance moves only through the ledger, in the
    # currency it was opened in.
    keys = {a.name for a in entity.attributes
            if a.unique or a.name.endswith("_id") or a.name == entity.time_column
            or "balance" in a.name or a.name == "currency"}
    mutable = [a for a in entity.attributes if a.name in fields and a.name not in keys]
    changed = next((a for a in mutable if not a.required), mutable[0] if mutable else None)
    body: dict[str, Any] = {}
    if changed is not None:
        # An optional attribute was not set at creation, so its sample is a change; a
        # required one already holds its sample, so the PATCH sends another value.
        value = fields[changed.name]
        body[changed.name] = value if not changed.required else _another(changed.name, value)
    if states[1:]:
        body["status"] = states[1]
    return body


# What a change of a known attribute plausibly sends instead of its sample.
_ANOTHER_BY_NAME: dict[str, Any] = {
    "plan_code": "PRO_YEARLY", "record_type": "summary", "vehicle_plate": "2CD-6789",
    "priority": 1, "channel": "sms", "framework": "pytorch",
}


def _another(name: str, value: Any) -> Any:
    """A value of attribute ``name`` different from ``value``: what a change sends."""
    if name in _ANOTHER_BY_NAME and _ANOTHER_BY_NAME[name] != value:
        return _ANOTHER_BY_NAME[name]
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str) and value.startswith("https://"):
        return value.rstrip("/") + "-v2"
    if isinstance(value, str) and name in ("name", "display_name", "title", "subject"):
        return f"{value} (renamed)"
    if isinstance(value, str):
        return f"{value}-2"
    return value


def _answer(entity: Any, first: str | None, response: Any) -> str:
    """What an example's answer holds, in words, so a reader sees it before reading the body:
    the record and the state it is in, or a page of records."""
    if not isinstance(response, dict):
        return ""
    if "items" in response:
        return f"a page of {entity.plural_label}"
    if response.get("role") == "assistant":
        return "the assistant's answer, stored in the conversation after the question"
    if response.get("id") is None or ("status" not in response and entity.states):
        return ""
    now = response.get("status")
    if now and now != first:
        return f"the {entity.label}, now `{now}`"
    return f"the {entity.label}" + (f" in `{now}`" if now else "")
