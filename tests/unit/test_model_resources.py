"""How the model shapes resources: a child that exists only under its owner is nested under
the owner's path; one kept once per owner is a single record at the owner's path, never a
paginated collection; and the schema holds the key that ties each to its owner."""

from __future__ import annotations

import json
import re

from smartspec.content.examples import example_ids
from smartspec.model import dumps
from smartspec.model.io import model_from_data
from smartspec.runs.model import model_for
from tests.content.specs import fences, section
from tests.helpers import render_case

REFUNDS = "Order REST API with refunds per order, PostgreSQL"
USER = "REST API for user accounts and profiles, PostgreSQL, Redis cache, JWT auth"


def routes(description: str, entity: str) -> set[str]:
    model = model_for("svc", description)
    return {f"{o.method} {o.path}" for o in model.operations if o.entity == entity}


def table(sql: str, name: str) -> str:
    return sql.split(f"CREATE TABLE {name} (", 1)[1].split("\n);", 1)[0]


def test_refunds_per_order_are_created_and_listed_under_their_order() -> None:
    model = model_for("order-service", REFUNDS)
    refund = model.entity("refund")
    assert refund is not None and refund.owner == "order" and refund.per_owner == "many"
    assert refund.origin.detail == "words 'refunds per order'"
    assert routes(REFUNDS, "refund") == {"POST /api/v1/orders/{id}/refunds",
                                         "GET /api/v1/orders/{id}/refunds",
                                         "GET /api/v1/refunds/{id}"}


def test_the_per_phrase_needs_both_nouns_to_be_entities() -> None:
    # "per second" names no entity: nothing is nested, nothing invented.
    model = model_for("order-service", "Order service handling 50 orders per second, PostgreSQL")
    assert all(e.per_owner is None for e in model.entities)


def test_a_nested_child_has_its_owner_key_in_the_schema_and_its_examples() -> None:
    text = render_case(["new", "order-service", REFUNDS, "--profile=backend-service"])
    sql = "\n".join(fences(text, "sql"))
    assert re.search(r"^  order_id UUID NOT NULL REFERENCES customer_order\(id\),$",
                     table(sql, "refund"), re.MULTILINE)
    api = section(text, "API")
    assert "| POST | `/api/v1/orders/{id}/refunds` | Create a refund for an order |" in api
    assert "| GET | `/api/v1/orders/{id}/refunds` | List refunds of an order (paginated) |" in api
    assert "`/api/v1/refunds`" not in text
    examples = section(text, "Examples")
    create = examples.split("Create a refund for an order", 1)[1].split("###", 1)[0]
    request, response = fences(create, "http")[0], fences(create, "json")[-1]
    order = example_ids("order-service").of("order")  # the order's own example id
    assert f"POST /api/v1/orders/{order}/refunds" in request
    assert "order_id" not in request  # the path names the order
    assert json.loads(response)["order_id"] == order


def test_a_profile_is_one_per_user_read_and_replaced_at_the_users_path() -> None:
    model = model_for("user-service", USER)
    profile = model.entity("profile")
    assert profile is not None and profile.per_owner == "one" and profile.owner == "user"
    assert routes(USER, "profile") == {"GET /api/v1/users/{id}/profile",
                                       "PUT /api/v1/users/{id}/profile"}


def test_a_profile_is_not_paginated_and_its_owner_key_is_unique() -> None:
    text = render_case(["new", "user-service", USER, "--profile=backend-service"])
    pagination = next(line for line in section(text, "API").splitlines()
                      if line.startswith("- Pagination:"))
    assert "profile" not in pagination and "`GET /api/v1/users`" in pagination
    profile = table("\n".join(fences(text, "sql")), "profile")
    assert "  user_id UUID NOT NULL UNIQUE REFERENCES app_user(id)," in profile
    assert "idx_profile_user_id" not in text  # the unique key already indexes it
    read = section(text, "Examples").split("Read a user's profile", 1)[1].split("###", 1)[0]
    body = json.loads(fences(read, "json")[-1])
    assert "items" not in body and body["user_id"] == example_ids("user-service").of("user")


def test_a_model_file_states_how_a_child_is_reached() -> None:
    model = model_for("order-service", REFUNDS)
    data = json.loads(dumps(model))
    assert next(e for e in data["entities"] if e["name"] == "refund")["per_owner"] == "many"
    again = model_from_data(data, "model.json")
    assert again.entity("refund") == model.entity("refund")


def test_the_endpoint_table_has_one_home_and_architecture_points_at_it() -> None:
    text = render_case(["new", "user-service", USER, "--profile=backend-service"])
    architecture = section(text, "Architecture")
    assert "| Method | Endpoint | Purpose |" not in architecture
    assert "are listed once, in section 6, API Documentation" in architecture
    assert section(text, "API Documentation").count("`/api/v1/users/{id}/profile`") == 2
    # A financial spec has no API section: there the architecture's table is the only home.
    payments = render_case(["new", "payment-processing", "Card payments with the Stripe API and "
                            "PostgreSQL", "--profile=financial"])
    assert not section(payments, "API")
    assert "| POST | `/api/v1/payments` |" in section(payments, "Architecture")


def test_invoices_issued_by_the_billing_job_are_read_not_created_by_callers() -> None:
    billing = "Multi-tenant SaaS billing with usage metering, invoices, dunning, Stripe, PostgreSQL"
    assert routes(billing, "invoice") >= {"GET /api/v1/invoices", "GET /api/v1/invoices/{id}"}
    assert "POST /api/v1/invoices" not in routes(billing, "invoice")
    architecture = section(render_case(["new", "saas-billing", billing]), "Architecture")
    assert ("| Scheduler | Runs close billing periods and issue invoices (daily 02:00 UTC); "
            "retry failed invoice payments") in architecture
    # Stripe collects the invoices: the billing service calls it, no payment service does.
    for service in ("BillingService", "LedgerService"):
        assert f"    {service} --> PostgresqlStore[(PostgreSQL)]" in architecture
    assert "PaymentService" not in architecture


def test_files_in_object_storage_move_through_pre_signed_urls_not_a_csv_import() -> None:
    vault = ("Document upload and retrieval with Amazon S3 object storage, PostgreSQL metadata, "
             "export to CSV, Go")
    model = model_for("document-vault", vault)
    assert not model.has_interface("file")  # an upload of files to S3 is not a CSV import
    assert routes(vault, "document") >= {"POST /api/v1/documents/{id}/upload-url",
                                         "GET /api/v1/documents/{id}/download"}
    assert not model_for("report-exporter", "Export monthly reports to CSV").has_interface("file")
    # Without object storage, uploaded files are records to import.
    assert model_for("crm", "Customers upload CSV files of contacts").has_interface("file")
    examples = section(render_case(["new", "document-vault", vault]), "Examples")
    create = fences(examples.split("Create a document", 1)[1], "http")[0]
    assert "storage_key" not in create  # the service chooses where a file is stored
    upload = json.loads(fences(examples.split("pre-signed URL to upload", 1)[1], "json")[0])
    assert "X-Amz-Expires=900" in upload["upload_url"] and upload["method"] == "PUT"


def test_what_a_providers_callbacks_confirm_has_no_generic_patch() -> None:
    hub = ("Notification service consuming events from RabbitMQ, email through SendGrid and "
           "SMS through Twilio, PostgreSQL delivery log, Python")
    notification = routes(hub, "notification")
    assert "PATCH /api/v1/notifications/{id}" not in notification
    assert "POST /api/v1/webhooks/sendgrid" in notification
    entity = model_for("notification-hub", hub).entity("notification")
    assert entity is not None
    # The provider's message id is how a delivery report finds its notification.
    assert {"recipient", "template", "provider_message_id"} <= {a.name for a in entity.attributes}
    wallet = routes("Wallet top-ups with Stripe and a PostgreSQL ledger", "wallet")
    assert "PATCH /api/v1/wallets/{id}" not in wallet  # a balance moves only by its flows


def test_a_new_account_sets_its_password_and_never_gets_it_back() -> None:
    examples = section(render_case(["new", "user-service", USER, "--profile=backend-service"]),
                       "Examples")
    create = examples.split("Create a user", 1)[1].split("###", 1)[0]
    request, response = fences(create, "http")[0], fences(create, "json")[-1]
    assert '"password": "correct horse battery staple"' in request
    assert "password" not in response
