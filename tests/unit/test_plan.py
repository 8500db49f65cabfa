"""The plan: section sets per profile and mode, auto levels, domains, and decision sources."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from smartspec.catalog import COMPACT_SECTIONS, PROFILE_SECTIONS
from smartspec.config import load_settings
from smartspec.detect import detect
from smartspec.errors import UsageError
from smartspec.options import Options
from smartspec.plan import SpecPlan, make_plan

NOW = datetime(2026, 11, 18, 11, 6, 40, tzinfo=UTC)


def plan_for(project: Path, name: str = "svc", description: str = "", **given: object) -> SpecPlan:
    options = Options(name=name, description=description, **given)  # type: ignore[arg-type]
    settings = load_settings(options, cwd=project, environ={})
    return make_plan(options, settings, detect(name, description, settings.keywords),
                     taken_ids=set(), now=NOW)


def decision(plan: SpecPlan, setting: str) -> tuple[object, str]:
    found = next(d for d in plan.decisions if d.setting == setting)
    return found.value, found.source


def test_basic_profile_is_the_reference_list(project: Path) -> None:
    plan = plan_for(project, profile="basic")
    assert plan.section_keys == ("overview", "architecture", "api", "acceptance")
    assert (plan.security, plan.di, plan.performance) == ("none", "none", "none")


def test_basic_profile_chooses_data_model_for_a_data_description(project: Path) -> None:
    plan = plan_for(project, "ledger-store", "Keeps tables of accounts in a PostgreSQL database",
                    profile="basic")
    assert plan.section_keys == ("overview", "architecture", "data-model", "acceptance")
    assert plan.sections[2].title == "Data Model"


def test_basic_profile_adds_security_only_when_asked(project: Path) -> None:
    plan = plan_for(project, profile="basic", security="stride-basic")
    assert "security" in plan.section_keys
    assert plan.sections[plan.section_keys.index("security")].title == "Security Threat Model (STRIDE-Basic)"


def test_backend_service_is_the_ten_plus_its_levels(project: Path) -> None:
    plan = plan_for(project, profile="backend-service")
    base = PROFILE_SECTIONS["backend-service"]
    assert set(base) <= set(plan.section_keys)
    assert set(plan.section_keys) - set(base) == {"security", "performance"}
    assert (plan.security, plan.di, plan.performance) == ("basic", "full", "basic")


@pytest.mark.parametrize(("description", "extra"), [
    ("Reads its configuration from feature flags", {"config"}),
    ("Public REST API for orders", {"api"}),
    ("GraphQL gateway", {"api"}),
    ("Stores orders in PostgreSQL", {"data-model"}),
    ("REST API over a MySQL database with configurable limits", {"api", "data-model", "config"}),
])
def test_backend_service_includes_detected_sections(project: Path, description: str,
                                                    extra: set[str]) -> None:
    plan = plan_for(project, "orders", description, profile="backend-service")
    assert extra <= set(plan.section_keys)
    for key in extra:
        assert decision(plan, f"section:{key}")[1] == "detected"


def test_financial_profile_has_the_fifteen_and_auto_includes(project: Path) -> None:
    plan = plan_for(project, "billing", profile="financial")
    assert set(PROFILE_SECTIONS["financial"]) <= set(plan.section_keys)
    auto = {"audit", "idempotency", "data-integrity", "disaster-recovery", "compliance"}
    assert auto <= set(plan.section_keys)
    assert (plan.security, plan.di, plan.performance) == ("stride-full", "full", "full")
    assert [s.critical for s in plan.sections if s.critical] == ["di", "security", "config", "monitoring"]


def test_full_profile_detects_levels_from_the_description(project: Path) -> None:
    quiet = plan_for(project, "notes", "Keeps notes", profile="full")
    assert (quiet.security, quiet.performance) == ("stride-basic", "basic")
    loud = plan_for(project, "gateway", "Low latency API gateway; users login with JWT",
                    profile="full")
    assert (loud.security, loud.performance, loud.di) == ("stride-full", "full", "full")
    assert decision(loud, "security")[1] == "detected"
    assert set(PROFILE_SECTIONS["full"]) <= set(loud.section_keys)


@pytest.mark.parametrize("profile", sorted(PROFILE_SECTIONS))
def test_compact_mode_is_exactly_five_sections_for_every_profile(project: Path, profile: str) -> None:
    plan = plan_for(project, "svc", "REST API with PostgreSQL and a queue", profile=profile,
                    mode="compact", domains=("fintech",))
    assert plan.section_keys == COMPACT_SECTIONS
    assert [s.title for s in plan.sections] == ["Overview", "Architecture Summary",
                                                "Technical Specification",
                                                "Constraints & Risk Notes", "Acceptance Tests"]


def test_fintech_domain_implies_financial_profile_and_sagas(project: Path) -> None:
    plan = plan_for(project, "wallet", domains=("fintech",))
    assert plan.profile == "financial"
    assert decision(plan, "profile") == ("financial", "detected")
    assert "saga" in plan.section_keys
    explicit = plan_for(project, "wallet", profile="backend-service", domains=("fintech",))
    assert explicit.profile == "backend-service"
    assert explicit.security == "stride-full" and "data-model" in explicit.section_keys


def test_domains_are_detected_from_the_description(project: Path) -> None:
    plan = plan_for(project, "vitals", "Streams patient vitals from bedside sensors over MQTT")
    assert set(plan.domains) == {"healthcare", "iot"}
    assert decision(plan, "domains")[1] == "detected"
    assert {"privacy", "telemetry", "audit"} <= set(plan.section_keys)


def test_internal_domain_lowers_requirements(project: Path) -> None:
    plan = plan_for(project, "admin-panel", profile="full", domains=("internal",))
    assert plan.security == "basic" and plan.performance == "basic"
    assert "lowered" in next(d.reason for d in plan.decisions if d.setting == "security")


def test_domains_combine_without_duplicate_sections(project: Path) -> None:
    plan = plan_for(project, "care", domains=("healthcare", "logistics", "fintech"))
    assert len(plan.section_keys) == len(set(plan.section_keys))
    assert plan.section_keys.count("realtime") == 1


def test_auth_in_description_always_gets_a_security_section(project: Path) -> None:
    plan = plan_for(project, "portal", "Users log in with JWT", profile="basic")
    assert plan.security == "basic" and "security" in plan.section_keys
    assert "auth-security-section" in next(d.reason for d in plan.decisions if d.setting == "security")


def test_explicit_levels_win_over_auto(project: Path) -> None:
    plan = plan_for(project, "svc", profile="financial", security="stride-basic", performance="basic")
    assert (plan.security, plan.performance) == ("stride-basic", "basic")
    assert decision(plan, "security") == ("stride-basic", "flag")


def test_mandatory_di_in_financial_cannot_be_none(project: Path) -> None:
    with pytest.raises(UsageError, match="di=none is not allowed with the financial profile"):
        plan_for(project, "svc", profile="financial", di="none")


def test_dependencies_from_flag_and_description(project: Path) -> None:
    plan = plan_for(project, "svc", "Builds on spec-core-001-authentication",
                    depends_on=("spec-002-users",))
    assert plan.depends_on == ("spec-002-users", "spec-core-001-authentication")
    assert "related" in plan.section_keys


def test_every_section_decision_has_a_source_and_reason(project: Path) -> None:
    plan = plan_for(project, "svc", "REST API", profile="full", domains=("saas",))
    for key in plan.section_keys:
        value, source = decision(plan, f"section:{key}")
        assert value is True and source in {"default", "detected", "flag", "config",
                                            "project config", "org config"}


@pytest.mark.parametrize(("title", "key"), [
    ("3. Architecture", "architecture"), ("3) Architecture", "architecture"),
    ("สถาปัตยกรรม", "architecture"), ("Security Threat Model (STRIDE) — payments", "security"),
    ("Monitoring & Observability extra", "monitoring"), ("My Notes", None),
    ("Overview", "overview"),
])
def test_headings_map_to_section_keys(title: str, key: str | None) -> None:
    from smartspec.catalog import key_for_title

    assert key_for_title(title) == key
