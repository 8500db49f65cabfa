"""What each section must contain (reference §4–§7, §13.1) and where the description's named
technologies, services and APIs must appear (issue 3, reference §10.1)."""

from __future__ import annotations

import re

import pytest

from smartspec.rules import validate_text
from tests.content.cases import CASES
from tests.content.specs import ALL_CASES, fences, section, sections, spec

STRIDE = ("Spoofing", "Tampering", "Repudiation", "Information Disclosure", "Denial of Service",
          "Elevation of Privilege")


@pytest.mark.parametrize("name", sorted(ALL_CASES))
def test_generated_spec_passes_its_own_rules(name: str) -> None:
    result = validate_text(spec(name), path=f"specs/feature/{name}/spec.md")
    findings = [f"{f.rule} (line {f.line}): {f.message}" for f in result.findings]
    assert not findings, f"{name}: {findings}"


@pytest.mark.parametrize("name", sorted(ALL_CASES))
def test_markdown_is_clean(name: str) -> None:
    text = spec(name)
    # Python code keeps the two empty lines PEP 8 puts between top-level definitions (at
    # most two: the block as a whole is checked by ruff's E30 rules in test_defects2).
    prose = re.sub(r"^```python\n.*?^```$", "```python\n```", text, flags=re.M | re.S)
    assert "\n\n\n\n" not in text
    assert "\n\n\n" not in prose and not re.search(r"[ \t]+$", text, re.MULTILINE)
    assert text.endswith("\n") and not text.endswith("\n\n")
    for opening in re.findall(r"^```(.*)$", text, re.MULTILINE)[::2]:
        assert opening, f"{name}: a fenced block without a language"
    for table in re.findall(r"(?:^\|.*\|\n)+", text, re.MULTILINE):
        widths = {row.count("|") - row.count("\\|") for row in table.splitlines()}
        assert len(widths) == 1, f"{name}: ragged table:\n{table}"


# --- Security (reference §4) ---------------------------------------------------------------


def test_security_none_has_no_section() -> None:
    assert not section(spec("security-none"), "Security")


def test_security_basic() -> None:
    body = section(spec("security-basic"), "Security Considerations")
    for label in ("**Authentication:**", "**Authorization:**", "**Data Protection:**",
                  "**Key Risks:**"):
        assert label in body
    assert "JWT" in body


def test_stride_basic_table_has_all_six_categories() -> None:
    body = section(spec("security-stride-basic"), "Security Threat Model (STRIDE-Basic)")
    for category in STRIDE:
        assert f"| **{category}** |" in body
    assert "**Implementation:**" in body


@pytest.mark.parametrize("name", ["security-stride-full", "fintech-multi-service",
                                  "golden-example-5-patient-records-api"])
def test_stride_full_is_complete(name: str) -> None:
    body = section(spec(name), "Security Threat Model (STRIDE-Full)")
    headings = re.findall(r"^### \d+\.\d+ (.+)$", body, re.MULTILINE)
    for part in (*STRIDE, "Threat Summary", "Implementation Requirements", "Security Testing",
                 "Compliance Requirements"):
        assert part in headings, f"{name}: no '{part}' subsection"


@pytest.mark.parametrize("name", ["fintech-multi-service", "fintech-java", "fintech-csharp",
                                  "domain-fintech"])
def test_fintech_security_material(name: str) -> None:
    body = section(spec(name), "Security Threat Model")
    for needle in ("Ledger Tamper-Proof Design", "Replay Attack Mitigation", "Idempotency key",
                   "TOCTOU Race Condition Prevention", "Saga-Specific Security",
                   "Financial-Specific Threats", "Unauthorized Refunds", "PCI DSS", "SOC 2",
                   "GDPR", "Data Residency", "Penetration Testing"):
        assert needle in body, f"{name}: security lacks {needle!r}"
    # Double spending is a threat to a balance; without one, the threat is a double refund.
    stored = "CREATE TABLE credit_balance" in spec(name) or "CREATE TABLE wallet_balance" in spec(name)
    assert ("Double-Spending" if stored else "Double Refund") in body, name


def test_threats_name_the_specs_own_components() -> None:
    body = section(spec("fintech-multi-service"), "Security Threat Model")
    for component in ("Credit Service", "Payment Service", "PostgreSQL", "Redis queue",
                      "Stripe", "PromptPay", "POST /api/v1/payments"):
        assert component in body


# --- Dependency injection (reference §5) ----------------------------------------------------


def test_di_none_has_no_section() -> None:
    assert not section(spec("di-none"), "Dependency Injection")


@pytest.mark.parametrize(("name", "fence"), [("di-minimal", "typescript"),
                                             ("di-minimal-python", "python")])
def test_di_minimal(name: str, fence: str) -> None:
    body = section(spec(name), "Dependency Injection")
    assert "constructor" in body and "**Testing:**" in body
    assert fences(body, fence), f"{name}: no {fence} example"


@pytest.mark.parametrize(("name", "fence", "idiom"), [
    ("di-full-typescript", "typescript", "export function buildOrderService"),
    ("di-full-nestjs", "typescript", "@Module({"),
    ("di-full-python", "python", "Depends(get_order_service)"),
    ("di-full-go", "go", "func NewOrderService("),
    ("di-full-java", "java", "@Configuration"),
    ("di-full-csharp", "csharp", "builder.Services.AddScoped<OrderService>();"),
])
def test_di_full_in_the_named_stack(name: str, fence: str, idiom: str) -> None:
    body = section(spec(name), "Dependency Injection")
    for part in ("Core Requirements", "Interface-Based Dependencies", "Constructor Injection",
                 "Composition Root", "Testing Requirements", "Benefits"):
        assert re.search(rf"^### \d+\.\d+ {part}$", body, re.MULTILINE), f"{name}: {part}"
    code = fences(body, fence)
    assert len(code) == 4, f"{name}: expected 4 {fence} examples, found {len(code)}"
    assert not [f for f in ("typescript", "python", "go", "java", "csharp") if f != fence
                and fences(body, f)], f"{name}: examples in another language"
    assert idiom in "\n".join(code)
    # The description's dependencies are the injected ports.
    assert "AcmeShippingGateway" in "\n".join(code) and "Kafka" in body


# --- Performance (reference §6) -------------------------------------------------------------


def test_performance_none_and_basic() -> None:
    assert not section(spec("performance-none"), "Performance")
    body = section(spec("performance-basic"), "Performance")
    assert re.search(r"\*\*Latency:\*\* P99 < \d+ms", body)
    assert re.search(r"\*\*Throughput:\*\* \d+ TPS", body)
    assert re.search(r"\*\*Availability:\*\* [\d.]+% uptime", body)
    assert "**Queue (Kafka):**" in body


def test_performance_full() -> None:
    body = section(spec("performance-full"), "Performance")
    for needle in ("P50:", "P90:", "P95:", "P99:", "Normal load:", "Peak load:", "SLA:",
                   "Scalability", "Database Performance", "Queue Performance", "Kafka",
                   "Monitoring & Alerting", "Load Testing Requirements", "Acceptance Criteria",
                   "Spike Test", "Acme Shipping"):
        assert needle in body, needle


def test_per_service_breakdown_for_each_service() -> None:
    body = section(spec("fintech-multi-service"), "Performance")
    for service in ("Credit Service", "Payment Service", "Billing Service",
                    "Cost Management Service"):
        assert f"#### {service}" in body
    payment = body.split("#### Payment Service")[1].split("####")[0]
    assert "P99.9" in payment and "Stripe API timeout" in payment
    billing = body.split("#### Billing Service")[1].split("####")[0]
    assert "**Batch Jobs:**" in billing


def test_figures_are_consistent_across_the_document() -> None:
    text = spec("fintech-multi-service")
    p99 = int(re.search(r"^- P99: < (\d+)ms", section(text, "Performance"), re.MULTILINE).group(1))  # type: ignore[union-attr]
    tps = int(re.search(r"Normal load: (\d+) TPS", text).group(1))  # type: ignore[union-attr]
    assert f"P99 < {p99}ms" in section(text, "Testing")
    assert f"P99 latency > {p99 * 2}ms" in section(text, "Monitoring")
    assert f"at {tps} TPS" in section(text, "Testing")
    # Every per-service user-facing P99 fits in the system budget.
    perf = section(text, "Performance")
    for block in perf.split("#### ")[1:]:
        if "(batch" in block or "(asynchronous" in block:
            continue
        service_p99 = int(re.search(r"- P99: < (\d+)ms", block).group(1))  # type: ignore[union-attr]
        assert service_p99 <= p99


@pytest.mark.parametrize(("name", "sla"), [("domain-logistics", 99.9), ("domain-healthcare", 99.9),
                                           ("domain-internal", 99.0)])
def test_domain_hints_set_the_targets(name: str, sla: float) -> None:
    text = spec(name)
    availability = float(re.search(r"([\d.]+)% uptime", text).group(1))  # type: ignore[union-attr]
    if name == "domain-internal":
        assert availability < 99.9
    else:
        assert availability >= sla


# --- Domains (reference §7) -----------------------------------------------------------------


@pytest.mark.parametrize(("name", "needles"), [
    ("domain-healthcare", ("HIPAA", "PHI", "Real-Time Requirements", "Audit Logging",
                           "Data retention")),
    ("domain-iot", ("Telemetry patterns", "Edge computing", "Batch processing", "messages/s")),
    ("domain-logistics", ("Geographic distribution", "Real-time tracking", "Integration complexity",
                          "99.95%")),
    # A model the service runs itself, and one it calls at a provider (OpenAI).
    ("system-model-serving", ("Model versioning", "Inference performance", "GPU/compute",
                              "Latency sensitivity")),
    ("domain-ai", ("Model versioning", "Prompts", "Token budget", "Provider limits")),
    ("domain-saas", ("Tenant isolation", "Noisy neighbours", "Per-tenant limits", "Scalability",
                     "ROW LEVEL SECURITY")),
    ("domain-internal", ("Internal tool", "lower requirements")),
    ("domain-fintech", ("Saga Orchestration Patterns", "ledger", "Idempotency")),
])
def test_domain_material(name: str, needles: tuple[str, ...]) -> None:
    text = spec(name)
    for needle in needles:
        assert needle in text, f"{name}: no {needle!r}"


@pytest.mark.parametrize("name", ["domains-healthcare-logistics", "domains-saas-ai",
                                  "fintech-saas-go"])
def test_domains_combine_without_duplicates(name: str) -> None:
    text = spec(name)
    titles = list(sections(text))
    assert len(titles) == len(set(titles))
    for body in sections(text).values():
        for part in re.split(r"^#+ .*$", body, flags=re.MULTILINE):
            # Labels such as "- **Prevention:**" head a sub-list and may repeat.
            lines = [line for line in part.splitlines()
                     if line.startswith("- ") and not line.endswith(":**")]
            repeated = {line for line in lines if lines.count(line) > 1}
            assert not repeated, f"{name}: repeated lines {repeated}"


# --- Sagas (reference §7.5) -----------------------------------------------------------------

# The reference's six sagas belong to a system that holds credit for its customers; a
# payments system without stored value has a payment saga, a refund saga and replay.
SAGAS = ("Credit Purchase Saga", "Cost Deduction Saga", "Refund Saga",
         "Failed Payment Compensation Saga", "Partial Apply Scenario", "Idempotent Replay Flow")
PAYMENT_SAGAS = ("Payment Saga", "Refund Saga", "Idempotent Replay Flow")


@pytest.mark.parametrize(("name", "fence", "stored_value"), [
    ("fintech-multi-service", "typescript", True),
    ("fintech-subscriptions-python", "python", False),
    ("fintech-saas-go", "go", True), ("fintech-java", "java", True),
    ("fintech-csharp", "csharp", False)])
def test_sagas_follow_the_system_in_the_specs_stack(name: str, fence: str,
                                                    stored_value: bool) -> None:
    body = section(spec(name), "Saga Orchestration Patterns")
    parts = re.split(r"^### \d+\.\d+ ", body, flags=re.MULTILINE)
    by_title = {p.split("\n", 1)[0]: p for p in parts[1:]}
    wanted = SAGAS if stored_value else PAYMENT_SAGAS
    for saga in wanted:
        text = by_title[saga]
        assert "**Flow:**" in text and re.search(r"\*\*Retry [Ss]trategy", text), saga
        assert "**Implementation:**" in text and fences(text, fence), f"{saga}: no {fence} code"
    for saga in set(SAGAS) - set(wanted):
        assert saga not in by_title, f"{name}: {saga} without credits or a wallet"
    purchase = by_title["Credit Purchase Saga" if stored_value else "Payment Saga"]
    assert "**Compensation:**" in purchase
    # A refund is final: no saga reverses one, and the refund saga never both refunds the
    # card and credits a balance in sequence.
    assert not re.search(r"[Rr]everse ?[Rr]efund|reverse_refund|ReverseRefund", body)
    refund = by_title["Refund Saga"]
    assert "Add Credit →" not in refund
    practices = by_title["Saga Best Practices"]
    assert len(re.findall(r"^\d+\. \*\*", practices, re.MULTILINE)) == 8


# --- Data model (reference §13.1.2) ---------------------------------------------------------


@pytest.mark.parametrize(("name", "tables", "absent"), [
    ("fintech-multi-service", ("payment", "payment_method", "refund", "invoice", "ledger"),
     ("subscription",)),
    ("fintech-subscriptions-python", ("subscription", "invoice", "refund", "payment"),
     ("credit_balance", "wallet_balance")),
    ("fintech-saas-go", ("tenant", "wallet_balance", "invoice"), ("payment",)),
    ("fintech-java", ("credit_balance", "payment"), ("invoice", "subscription")),
])
def test_financial_tables_follow_the_description(name: str, tables: tuple[str, ...],
                                                 absent: tuple[str, ...]) -> None:
    ddl = "\n".join(fences(section(spec(name), "Data Model"), "sql"))
    for table in tables:
        assert f"CREATE TABLE {table} (" in ddl, f"{name}: no {table} table"
    for table in absent:
        assert f"CREATE TABLE {table} (" not in ddl, f"{name}: unexpected {table} table"
    assert " INDEX idx_" in ddl and not re.search(r"^\s+INDEX ", ddl, re.MULTILINE)
    assert "PARTITION BY RANGE (created_at)" in ddl and "PRIMARY KEY (id, created_at)" in ddl
    assert "BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger" in ddl
    assert "previous_hash CHAR(64)" in ddl
    # A balance exists only where the description asks for credits or a wallet.
    if any(table.endswith("_balance") for table in tables):
        assert "CHECK (balance >= 0)" in ddl


# --- Related specs (reference §13.1.1) ------------------------------------------------------


def test_related_specs_without_index(tmp_path: object) -> None:
    from tests.helpers import render_case

    text = render_case(["new", "payment-processing", "Payments for spec-core-001-authentication",
                        "--profile=financial", "--depends-on", "spec-002-user-management"])
    body = section(text, "Related Specs")
    assert "⚠️ Warning: SPEC_INDEX.json not found. Dependencies listed without path/repo information." in body
    assert "- **spec-002-user-management**" in body and "- **spec-core-001-authentication**" in body
    assert "###" not in body


# --- Tailoring (reference §10.1) ------------------------------------------------------------


def _called(api: str) -> bool:
    """Whether the service calls ``api`` as an API: identity providers (OIDC issuers),
    standards (FHIR) and schemes reached through a provider (PromptPay) have no retry
    policy of their own."""
    from smartspec.content.system import CALLED_ROLES
    from smartspec.knowledge import lookup

    entry = lookup(api)
    return entry is None or entry.role in CALLED_ROLES


@pytest.mark.parametrize("name", sorted(CASES))
def test_named_things_appear_where_they_belong(name: str) -> None:
    from smartspec.detect import detect

    argv = CASES[name]
    text = spec(name)
    facts = detect(argv[1], argv[2] if len(argv) > 2 and not argv[2].startswith("--") else "")
    compact = "--mode=compact" in argv
    architecture = section(text, "Architecture Summary" if compact else "Architecture")
    for api in facts.external_apis:
        assert api in architecture, f"{name}: {api} not in Architecture"
        implementation = section(text, "Implementation Guide")
        if implementation and _called(api):
            assert api in implementation and "backoff" in implementation, f"{name}: {api} retry"
        stack = section(text, "Technology Stack")
        if stack:
            assert api in stack, f"{name}: {api} not in Technology Stack"
    for store in facts.datastores:
        assert store in architecture, f"{name}: {store} not in Architecture"
    for service in facts.services:
        assert service in architecture, f"{name}: {service} not in Architecture"
        performance = section(text, "Performance")
        if performance and len(facts.services) > 1 and "### " in performance:
            assert f"#### {service}" in performance, f"{name}: {service} has no targets"
    if not compact:
        examples = section(text, "Examples")
        # The endpoints are the system model's (detect's word list is only its input).
        from smartspec.runs.model import model_for

        model = model_for(argv[1], argv[2] if len(argv) > 2 and not argv[2].startswith("--")
                          else "")
        for endpoint in model.endpoints if examples else ():
            assert f"{endpoint.method} {endpoint.path.split('{')[0]}" in examples, (
                f"{name}: no example for {endpoint.method} {endpoint.path}")
        if facts.has("queue") and section(text, "Performance"):
            # A log (Kafka) is measured by consumer lag, a work queue by depth and processing.
            assert re.search(r"[Qq]ueue.*(depth|processing)|[Cc]onsumer lag",
                             section(text, "Performance"))
        if facts.has("auth"):
            assert section(text, "Security"), f"{name}: auth mentioned, no security section"
        if facts.has("transaction") and section(text, "Testing"):
            assert "Integration Tests" in section(text, "Testing")
