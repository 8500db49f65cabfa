"""The content cases: one generated spec per security level, DI level (and code stack),
performance level and domain, plus financial/fintech combinations for the SQL checks.

Each case is the argv of ``smartspec new``. ``tests/content/golden/<case>.md`` holds the
reviewed output; regenerate on purpose with ``pytest --update-goldens`` and review the
diff.
"""

from __future__ import annotations

PAYMENTS = ("Card and PromptPay payments with a PostgreSQL ledger, Redis queue and the Stripe "
            "API. Credit, payment, billing and cost management services.")
ACCOUNTS = "User accounts and profiles stored in PostgreSQL, with JWT login and password reset"
CATALOG = "Product catalog REST API with PostgreSQL and a Redis cache"
ORDERS = ("Order management REST API with a PostgreSQL database and a Kafka queue for "
          "notification workers; orders call the Acme Shipping API")

CASES: dict[str, list[str]] = {
    # Security levels (reference §4).
    "security-none": ["new", "catalog-service", CATALOG, "--profile=backend-service",
                      "--security=none"],
    "security-basic": ["new", "account-service", ACCOUNTS, "--profile=backend-service",
                       "--security=basic"],
    "security-stride-basic": ["new", "account-service", ACCOUNTS, "--profile=backend-service",
                              "--security=stride-basic"],
    "security-stride-full": ["new", "account-service", ACCOUNTS, "--profile=backend-service",
                             "--security=stride-full"],
    # DI levels (reference §5) and the stacks code is written in.
    "di-none": ["new", "catalog-service", CATALOG, "--profile=backend-service", "--no-di"],
    "di-minimal": ["new", "catalog-service", CATALOG, "--profile=backend-service",
                   "--di=minimal"],
    "di-full-typescript": ["new", "order-service", ORDERS, "--profile=backend-service",
                           "--di=full"],
    "di-full-nestjs": ["new", "order-service", ORDERS + ", built with NestJS",
                       "--profile=backend-service", "--di=full"],
    "di-full-python": ["new", "order-service", ORDERS + ", written in Python with FastAPI",
                       "--profile=backend-service", "--di=full"],
    "di-full-go": ["new", "order-service", ORDERS + ", written in Go",
                   "--profile=backend-service", "--di=full"],
    "di-full-java": ["new", "order-service", ORDERS + ", written in Java with Spring Boot",
                     "--profile=backend-service", "--di=full"],
    "di-full-csharp": ["new", "order-service", ORDERS + ", written in C# on .NET",
                       "--profile=backend-service", "--di=full"],
    "di-minimal-python": ["new", "catalog-service", CATALOG + " in Python",
                          "--profile=backend-service", "--di=minimal"],
    # Performance levels (reference §6).
    "performance-none": ["new", "catalog-service", CATALOG, "--profile=backend-service",
                         "--performance=none"],
    "performance-basic": ["new", "order-service", ORDERS, "--profile=backend-service",
                          "--performance=basic"],
    "performance-full": ["new", "order-service", ORDERS, "--profile=backend-service",
                         "--performance=full"],
    # Domains (reference §7), one at a time and combined.
    "domain-healthcare": ["new", "patient-records-api",
                          "Patient records and appointments API on PostgreSQL",
                          "--profile=backend-service", "--domain=healthcare"],
    "domain-iot": ["new", "telemetry-ingestion",
                   "Device telemetry ingestion over MQTT into TimescaleDB",
                   "--profile=backend-service", "--domain=iot"],
    "domain-logistics": ["new", "shipment-tracking",
                         "Shipment tracking with the Google Maps API and PostgreSQL",
                         "--profile=backend-service", "--domain=logistics"],
    "domain-ai": ["new", "prediction-service",
                  "Prediction API serving models with the OpenAI API, results in PostgreSQL",
                  "--profile=backend-service", "--domain=ai"],
    "domain-fintech": ["new", "wallet-service", "Wallet top-ups with Stripe and a PostgreSQL ledger",
                       "--profile=backend-service", "--domain=fintech"],
    "domain-saas": ["new", "workspace-service", "Projects and tasks for teams, PostgreSQL",
                    "--profile=backend-service", "--domain=saas"],
    "domain-internal": ["new", "report-exporter", "Export monthly reports to CSV",
                        "--profile=backend-service", "--domain=internal"],
    "domains-healthcare-logistics": ["new", "lab-courier",
                                     "Track lab sample deliveries for hospitals",
                                     "--profile=full", "--domain=healthcare,logistics"],
    "domains-saas-ai": ["new", "assistant-service", "Tenant-scoped AI assistant with PostgreSQL",
                        "--profile=full", "--domain=saas,ai"],
    # Fintech with several services (reference §6.3, §7.5, §13.1.2).
    "fintech-multi-service": ["new", "payment-processing", PAYMENTS, "--profile=financial",
                              "--domain=fintech"],
    "fintech-subscriptions-python": [
        "new", "subscription-billing",
        "Subscription billing with invoices, refunds and Stripe in Python on PostgreSQL",
        "--profile=financial", "--domain=fintech"],
    "fintech-saas-go": ["new", "tenant-billing",
                        "Multi-tenant wallet and invoice service in Go with PostgreSQL",
                        "--profile=financial", "--domain=fintech,saas"],
    "fintech-java": ["new", "credit-service", "Credit balances and payments in Java, PostgreSQL",
                     "--profile=financial", "--domain=fintech"],
    # Financial profile alone: fintech detected from the description tailors the content
    # but, with the profile given, does not add the saga section.
    "financial-detected-fintech": ["new", "ledger-service", "Ledger of payments, Go",
                                   "--profile=financial"],
    "fintech-csharp": ["new", "payout-service", "Payouts and refunds with PayPal, written in C#",
                       "--domain=fintech"],
    "fintech-full-profile": ["new", "checkout", "Checkout payments with Adyen and transactions",
                             "--profile=full", "--domain=fintech"],
    # A profile without Testing or Implementation sections: the content must not call for them.
    "fintech-basic-profile": ["new", "pay-links", "Payment links with Stripe", "--profile=basic",
                              "--domain=fintech"],
    "no-description": ["new", "widget", "--profile=full"],
    "fintech-compact": ["new", "payment-link", "Payment links with Stripe", "--profile=financial",
                        "--mode=compact"],
}

# The cases whose SQL is the financial schema (reference §13.1.2).
FINANCIAL = tuple(name for name, argv in CASES.items()
                  if "--profile=financial" in argv or any("fintech" in a for a in argv))

# Fifteen unrelated systems, each with its own technologies in their own roles: the issue's
# six, the two specs a reviewer scored, and four more. bench/tailoring.py measures how much
# text they share; tests/content/test_systems.py checks each technology's role.
SYSTEMS: dict[str, list[str]] = {
    "system-user-accounts": [
        "new", "user-service",
        "REST API for user accounts and profiles, PostgreSQL, Redis cache, JWT auth",
        "--profile=backend-service"],
    "system-payments": [
        "new", "payment-processing",
        "Card and PromptPay payments with a PostgreSQL ledger, Redis queue and the Stripe API",
        "--profile=financial", "--domain=fintech"],
    "system-iot-telemetry": [
        "new", "telemetry-ingest",
        "IoT telemetry from sensors over MQTT into TimescaleDB, alerts on thresholds"],
    "system-appointments": [
        "new", "appointment-scheduling",
        "Appointment scheduling for clinics: patients book, reschedule and cancel; HL7 v2 feed "
        "from the EHR and FHIR resources, PostgreSQL"],
    "system-model-serving": [
        "new", "model-serving",
        "gRPC model serving on GPUs with Triton, model versions, Redis cache"],
    "system-saas-billing": [
        "new", "saas-billing",
        "Multi-tenant SaaS billing with usage metering, invoices, dunning, Stripe, PostgreSQL"],
    "system-admin-dashboard": [
        "new", "support-admin",
        "Django admin dashboard for support tickets, staff sign in with Okta SSO, PostgreSQL"],
    "system-shipment-tracking": [
        "new", "shipment-tracking",
        "Shipment tracking service consuming carrier events from Kafka, PostgreSQL, webhooks "
        "to customers on status changes"],
    "system-product-search": [
        "new", "product-search",
        "Product search for an online store: GraphQL API, Elasticsearch index fed from "
        "PostgreSQL, Redis cache"],
    "system-document-vault": [
        "new", "document-vault",
        "Document upload and retrieval with Amazon S3 object storage, PostgreSQL metadata, "
        "export to CSV, Go"],
    "system-notifications": [
        "new", "notification-hub",
        "Notification service consuming events from RabbitMQ, email through SendGrid and SMS "
        "through Twilio, PostgreSQL delivery log, Python"],
    "system-ride-dispatch": [
        "new", "ride-dispatch",
        "Ride dispatch with WebSocket driver locations, PostgreSQL, Redis cache and Google Maps "
        "routing, Java"],
    "system-fleet-telemetry": [
        "new", "fleet-telemetry",
        "Ingest GPS pings from delivery vans over MQTT, store them in TimescaleDB, publish "
        "geofence alerts to Kafka and expose a gRPC API for dispatchers",
        "--domain=iot", "--domain=logistics"],
    "system-support-assistant": [
        "new", "support-assistant",
        "Chat assistant for customer support using OpenAI GPT-4, conversation history in "
        "MongoDB, answers posted to Slack"],
    "system-lab-results": [
        "new", "lab-results",
        "Receive lab results from hospital LIS over HL7 v2, store them in PostgreSQL, notify "
        "clinicians by email through SendGrid and expose a FHIR R4 API secured with Okta"],
}
CASES.update(SYSTEMS)
