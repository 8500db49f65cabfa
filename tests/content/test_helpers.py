"""Unit tests of the content helpers: targets, per-service targets, stacks, system and the
schema model (its SQL and its Mermaid come from the same tables)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from smartspec.config import load_settings
from smartspec.content.examples import entity_of
from smartspec.content.services import service_targets
from smartspec.content.sql import schema_for
from smartspec.content.stacks import code_subject, stack_for
from smartspec.content.system import describe_system, service_kind
from smartspec.detect import detect
from smartspec.options import Options
from smartspec.plan import SpecPlan, make_plan
from smartspec.targets import targets_for


def plan_for(name: str, description: str, tmp_path: object, **flags: object) -> SpecPlan:
    options = Options(name=name, description=description, **flags)  # type: ignore[arg-type]
    settings = load_settings(options, cwd=tmp_path, environ={})  # type: ignore[arg-type]
    return make_plan(options, settings, detect(name, description), taken_ids=set(),
                     now=datetime(2026, 11, 18, tzinfo=UTC))


@pytest.mark.parametrize(("profile", "domains", "check"), [
    ("backend-service", (), lambda t: t.p99_ms == 500 and t.availability == "99.9"),
    ("financial", (), lambda t: t.tps == 1000 and t.availability == "99.95"),
    ("backend-service", ("iot",), lambda t: t.tps == 10000 and t.p99_ms == 100),
    ("backend-service", ("logistics",), lambda t: float(t.availability) >= 99.9),
    ("backend-service", ("internal",), lambda t: t.availability == "99.5" and t.tps == 20),
    ("backend-service", ("internal", "healthcare"), lambda t: t.availability == "99.95"),
    ("backend-service", ("ai", "saas"), lambda t: t.p99_ms == 400 and t.tps == 800),
])
def test_targets_follow_profile_and_domains(profile: str, domains: tuple[str, ...],
                                            check: object) -> None:
    t = targets_for(profile, domains)
    assert check(t)  # type: ignore[operator]
    assert t.p50_ms <= t.p90_ms <= t.p95_ms <= t.p99_ms and t.tps < t.peak_tps


def test_per_service_targets_stay_inside_the_system_budget(tmp_path: object) -> None:
    plan = plan_for("payment-processing", "Credit, payment, billing and cost management "
                    "services with Stripe and PostgreSQL", tmp_path, profile="financial")
    t = targets_for(plan.profile, plan.domains)
    found = {s.name: s for s in service_targets(plan)}
    assert set(found) == {"Credit Service", "Payment Service", "Billing Service",
                          "Cost Management Service"}
    for s in found.values():
        assert s.tps <= t.tps and s.peak_tps <= t.peak_tps
        if s.user_facing:
            assert s.p99_ms <= t.p99_ms
    assert found["Payment Service"].external and found["Payment Service"].p999_ms
    assert found["Billing Service"].batch and not found["Billing Service"].user_facing


@pytest.mark.parametrize(("description", "language", "variant"), [
    ("Orders API", "typescript", "node"),
    ("Orders API in NestJS", "typescript", "nest"),
    ("Orders API with FastAPI", "python", "fastapi"),
    ("Orders API in Django", "python", "python"),
    ("Orders API in Go", "go", "go"),
    ("Orders API with Spring Boot", "java", "spring"),
    ("Orders API on .NET", "csharp", "aspnet"),
])
def test_stack_follows_the_description(description: str, language: str, variant: str,
                                       tmp_path: object) -> None:
    stack = stack_for(plan_for("order-service", description, tmp_path))
    assert (stack.language, stack.variant) == (language, variant)


def test_code_subject_names_the_description(tmp_path: object) -> None:
    subject = code_subject(plan_for("order-service", "Orders in PostgreSQL with a Kafka queue "
                                    "and the PromptPay API", tmp_path))
    assert subject.entity == "Order"
    # PromptPay is a scheme reached through a payment provider, not an API of its own; an
    # order without an amount is not charged, so no gateway is injected that the create
    # would never call (the sagas charge through the provider's port).
    assert [p.type for p in subject.ports] == ["OrderRepository", "EventPublisher",
                                               "IdGenerator", "Clock"]
    assert subject.provider == "PaymentProvider" and subject.ports[0].token == "ORDER_REPOSITORY"


def test_system_proposes_what_a_financial_spec_needs(tmp_path: object) -> None:
    system = describe_system(plan_for("wallet", "Wallet top-ups with Stripe", tmp_path,
                                      profile="financial"))
    assert [s.name for s in system.services] == ["Wallet Service", "Payment Service",
                                                 "Ledger Service"]
    assert not system.services_named and system.datastores == ("PostgreSQL",)
    # No broker is invented: the description names none.
    assert system.queue is None and not system.queue_named and system.breakdown


@pytest.mark.parametrize(("name", "kind"), [("Payment Service", "payment"),
                                            ("Cost Management Service", "analytics"),
                                            ("Billing Service", "billing"),
                                            ("Ledger Service", "ledger"),
                                            ("Frobnicator Service", "general")])
def test_service_kind(name: str, kind: str) -> None:
    assert service_kind(name) == kind


def test_entity_of_endpoint_paths() -> None:
    assert entity_of("/api/v1/payments/{id}") == "payment"
    assert entity_of("/api/v1/deliveries") == "delivery"
    assert entity_of("/health") is None
    assert entity_of("/api/v1/claims/{id}") == "claim"


@pytest.mark.parametrize(("description", "flags"), [
    ("Card payments with Stripe, invoices and subscriptions", {"profile": "financial"}),
    ("Wallet balances for tenants", {"profile": "financial", "domains": ("fintech", "saas")}),
    ("Orders and customers in PostgreSQL", {"profile": "full"}),
    ("Patients and appointments", {"profile": "full", "domains": ("healthcare", "saas")}),
])
def test_mermaid_shows_exactly_the_sql(description: str, flags: dict[str, object],
                                       tmp_path: object) -> None:
    schema = schema_for(plan_for("schema-check", description, tmp_path, **flags))
    diagram = schema.mermaid()
    ddl = "\n".join(t.sql() for t in schema.tables)
    for table in schema.tables:
        assert f"CREATE TABLE {table.name} (" in ddl and f"    {table.name} {{" in diagram
        for column in table.columns:
            assert f" {column.name}" in diagram
    assert diagram.count(" : \"") == sum(len(t.foreign_keys) for t in schema.tables)
    assert "INDEX idx_" in ddl and "\n  INDEX" not in ddl
    # Every referenced table is defined before the table that references it.
    seen: set[str] = set()
    for table in schema.tables:
        for fk in table.foreign_keys:
            assert fk.parent in seen | {table.name}, f"{table.name} references {fk.parent} too early"
        seen.add(table.name)
