"""Request and response bodies for the Examples section: one pair per endpoint, shaped by the
entity the endpoint serves, so that every endpoint defined in the spec has a concrete,
consistent example (reference §10.1 rule 1).

Ids are fixed UUIDs and times are fixed, so generated specs stay byte-for-byte reproducible.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smartspec.detect import ENTITY_NOUNS, PLURAL_TO_SINGULAR, singular_of

if TYPE_CHECKING:
    from smartspec.detect import Endpoint

EXAMPLE_ID = "3f2b9c4e-8d1a-4c1e-9b7a-2a6f5d0e1c3b"
OWNER_ID = "9a7e5c3b-1d2f-4e6a-8b0c-7d5e3f1a2b4c"
IDEMPOTENCY_KEY = "6c1d7e2a-0f4b-4b8e-a1c9-5d3e2f1a0b9c"
EXAMPLE_TIME = "2026-01-15T09:30:00Z"

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


@dataclass(frozen=True, slots=True)
class Example:
    title: str
    request: str  # the HTTP request, headers and body
    status: str  # "201 Created"
    response: str  # pretty JSON


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
                tenant: bool) -> Example:
    entity = entity_of(endpoint.path) or "item"
    path = "/".join(EXAMPLE_ID if s.startswith(("{", ":")) else s for s in endpoint.path.split("/"))
    headers = [f"{endpoint.method} {path} HTTP/1.1", "Host: api.example.com"]
    if guarded:
        headers.append("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.example.signature")
    if tenant:
        headers.append("X-Tenant-Id: 5b0d8f2e-3c4a-4e1b-9d7f-6a2c1e0b3d5f")
    fields = json.loads(json.dumps(_CREATE.get(entity, {"name": f"Example {entity}"}))
                        .replace("{currency}", currency).replace("{method}", method_name))
    body = None
    if endpoint.method in ("POST", "PUT", "PATCH"):
        body = fields
        headers += ["Content-Type: application/json", f"Idempotency-Key: {IDEMPOTENCY_KEY}"]
    request = "\n".join(headers) + ("\n\n" + json.dumps(body, indent=2) if body else "")
    record = {"id": EXAMPLE_ID, **fields, "status": _STATUS_AFTER_CREATE.get(entity, "ACTIVE"),
              "created_at": EXAMPLE_TIME}
    if endpoint.method == "POST" and "{" not in endpoint.path:
        status, response = "201 Created", record
    elif endpoint.method == "DELETE":
        status, response = "204 No Content", None
    elif endpoint.method == "GET" and not endpoint.path.rstrip("/").endswith("}"):
        status, response = "200 OK", {"items": [record], "next_cursor": None}
    else:
        status, response = "200 OK", record
    return Example(endpoint.purpose, request, status,
                   json.dumps(response, indent=2) if response is not None else "")
