"""Defects a reviewer found by reading the golden specs, each pinned so that it cannot come
back: webhook settings per provider, creates that set every NOT NULL column, the system's
main operation in every language, foreign keys for every reference, and one story for
document uploads."""

from __future__ import annotations

import re
import tempfile
from functools import cache
from pathlib import Path

import pytest

from smartspec import knowledge
from smartspec.content.code_lang import member
from smartspec.content.sql import schema_for, table_name
from smartspec.content.stacks import code_subject
from smartspec.plan import SpecPlan
from smartspec.render import context, render, render_section
from smartspec.rules import validate_text
from tests.content.cases import SYSTEMS
from tests.content.specs import columns_of, foreign_keys_of, section, spec, sql_of, tables_of
from tests.content.test_helpers import plan_for


def _config_names(text: str) -> set[str]:
    return set(re.findall(r"^\| `([A-Z0-9_]+)` \|", section(text, "Configuration"), re.M))


def test_every_party_that_calls_back_states_how_its_webhook_is_verified() -> None:
    for entry in knowledge.entries().values():
        if entry.calls_back:
            assert entry.webhook_check, entry.name
            for name, kind, description in entry.webhook_settings:
                assert re.fullmatch(r"[A-Z][A-Z0-9_]*", name), (entry.name, name)
                assert kind in ("secret", "string") and description, (entry.name, name)


@pytest.mark.parametrize(("provider", "verified_with", "setting"), [
    ("SendGrid", "ECDSA", "SENDGRID_WEBHOOK_PUBLIC_KEY"),
    ("Twilio", "HMAC-SHA1", "TWILIO_AUTH_TOKEN"),
    ("Stripe", "HMAC-SHA256", "STRIPE_WEBHOOK_SECRET"),
    ("Adyen", "HMAC", "ADYEN_HMAC_KEY"),
    ("PayPal", "verify-webhook-signature", "PAYPAL_WEBHOOK_ID"),
])
def test_webhook_facts_are_each_providers_own(provider: str, verified_with: str,
                                              setting: str) -> None:
    entry = knowledge.lookup(provider)
    assert entry is not None and entry.webhook_check is not None
    assert verified_with in entry.webhook_check
    assert [s[0] for s in entry.webhook_settings] == [setting]


def test_sendgrid_and_twilio_need_no_webhook_secret() -> None:
    names = _config_names(spec("system-notifications"))
    assert {"SENDGRID_WEBHOOK_PUBLIC_KEY", "TWILIO_AUTH_TOKEN"} <= names
    assert not {n for n in names if n.endswith("_WEBHOOK_SECRET")}, names
    # The public key is not a secret: the table says so.
    assert re.search(r"^\| `SENDGRID_WEBHOOK_PUBLIC_KEY` \| string \|",
                     spec("system-notifications"), re.M)


def test_stripe_keeps_its_signing_secret() -> None:
    assert "STRIPE_WEBHOOK_SECRET" in _config_names(spec("system-payments"))


# --- DI: the main operation, in every language, on the record its table stores -----------

LANGUAGES = ("typescript", "python", "go", "java", "csharp")


def _flags(argv: list[str]) -> dict[str, object]:
    found: dict[str, object] = {}
    for word in argv[3:]:
        key, _, value = word.lstrip("-").partition("=")
        if key == "profile":
            found["profile"] = value
        elif key == "domain":
            found["domains"] = tuple(value.split(","))
    return found


@cache
def _plan(name: str, language: str) -> SpecPlan:
    argv = SYSTEMS[name]
    plan = plan_for(argv[1], argv[2], Path(tempfile.mkdtemp()), **_flags(argv))
    return plan._replace(code_language=language)


@cache
def _di(name: str, language: str) -> str:
    plan = _plan(name, language)
    section = next(s for s in plan.sections if s.key == "di")
    return render_section(plan, section, context(plan))


def _service_code(name: str, language: str) -> str:
    """The code of the Constructor Injection subsection: the service itself."""
    text = _di(name, language)
    return text.split("Constructor Injection", 1)[1].split("Composition Root", 1)[0]


def _required_columns(plan: SpecPlan) -> list[str]:
    """The NOT NULL columns without a default of the table the code's record is stored in."""
    subject = code_subject(plan)
    entity = next(e for e in plan.model.entities if _pascal(e.name) == subject.entity)
    table = next(t for t in schema_for(plan).tables if t.name == table_name(entity.name))
    return [c.name for c in table.columns if not c.null and c.default is None
            and not c.generated and not c.identity]


def _pascal(name: str) -> str:
    return "".join(w.capitalize() for w in name.split("_"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_create_sets_every_not_null_column_without_a_default(language: str) -> None:
    # Only a main method that creates a record has columns to fill; the others (read,
    # search, transition) mint nothing. Most of the twelve systems create.
    creating = [name for name in sorted(SYSTEMS)
                if code_subject(_plan(name, language)).shape in ("create", "infer")]
    assert len(creating) >= 6, creating
    for name in creating:
        plan = _plan(name, language)
        code = _service_code(name, language)
        fields = {f.name for f in code_subject(plan).fields}
        for column in _required_columns(plan):
            if column == "id":
                continue  # the injected id generator mints it
            assert column in fields, f"{name}: {column} is NOT NULL and the create does not set it"
            # Java builds its record positionally: a component the record declares is one
            # the constructor call must pass (the compiler sees to it).
            where = (_di(name, language).split("Constructor Injection")[0] if language == "java"
                     else code)
            assert re.search(rf"\b{re.escape(member(column, language))}\b", where), (
                f"{name} ({language}): {member(column, language)} is not set in\n{where}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_user_accounts_takes_the_password_and_hashes_it_through_a_port(language: str) -> None:
    text = _di("system-user-accounts", language)
    code = _service_code("system-user-accounts", language)
    hasher = "IPasswordHasher" if language == "csharp" else "PasswordHasher"
    assert re.search(rf"\binterface {hasher}\b|\bclass {hasher}\(Protocol\)|type {hasher} interface",
                     text), language
    # The create takes the password and hands it to the hasher, never to the record.
    call = {"typescript": "passwordHasher.hash(input.password)",
            "python": "password_hasher.hash(password)", "go": "passwordHasher.Hash(in.Password)",
            "java": "passwordHasher.hash(input.password())",
            "csharp": "passwordHasher.HashAsync(input.Password, ct)"}[language]
    assert call in code, language
    assert "| Argon2id | `PasswordHasher` | Argon2id" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_injected_cache_is_read(language: str) -> None:
    cached = [name for name in sorted(SYSTEMS)
              if code_subject(_plan(name, language)).port("cache") is not None]
    assert len(cached) >= 2, cached  # user accounts and product search name Redis
    for name in cached:
        code = _service_code(name, language)
        assert re.search(r"\bcache\.(?:get|Get|GetAsync)\b", code), f"{name} ({language})"


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_every_language_performs_the_systems_main_operation(name: str) -> None:
    shapes = {(code_subject(_plan(name, lang)).verb, code_subject(_plan(name, lang)).shape)
              for lang in LANGUAGES}
    assert len(shapes) == 1, f"{name}: {shapes}"
    for language in LANGUAGES:
        subject = code_subject(_plan(name, language))
        code = _service_code(name, language)
        assert re.search(rf"\b{subject.method_in(language)}\(", code), (name, language)
        if subject.verb != "create":
            create = {"python": f"create_{subject.var_in('python')}("}.get(
                language, f"reate{subject.entity}(")
            assert create not in code, f"{name} ({language}) still shows a create"


def test_ride_dispatch_moves_a_ride_in_java_instead_of_sending_to_google_maps() -> None:
    code = _service_code("system-ride-dispatch", "java")
    assert "public Ride dispatchRide(String id, String driverId)" in code
    assert ".send(" not in code
    assert '"DRIVER_ASSIGNED"' in code


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_every_language_passes_the_code_rules(name: str, language: str) -> None:
    plan = _plan(name, language)
    result = validate_text(render(plan), path=f"{name}-{language}.md")
    assert not [f for f in result.findings if f.severity == "error"], result.findings


# --- Data model: references and one story for uploads ------------------------------------

def test_a_rides_driver_is_a_foreign_key_with_one_active_ride_per_driver() -> None:
    (ride,) = [b for b in sql_of(spec("system-ride-dispatch")) if "CREATE TABLE ride (" in b]
    assert "driver_id UUID REFERENCES driver(id)," in ride
    assert ("CREATE UNIQUE INDEX uq_ride_driver_id_active ON ride (driver_id) "
            "WHERE status IN ('DRIVER_ASSIGNED', 'IN_PROGRESS');") in ride
    tables = tables_of(sql_of(spec("system-ride-dispatch")))
    assert tables.index("driver") < tables.index("ride")


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_every_key_naming_another_entity_is_a_foreign_key(name: str) -> None:
    blocks = sql_of(spec(name))
    tables = set(tables_of(blocks))
    linked = {(child, column) for _, child, column in foreign_keys_of(blocks)}
    for table, columns in columns_of(blocks).items():
        for column in columns:
            target = column.removesuffix("_id")
            if column.endswith("_id") and target != table and (
                    target in tables or f"app_{target}" in tables):
                assert (table, column) in linked, f"{name}: {table}.{column} has no foreign key"


def test_document_vault_writes_the_row_first_and_confirms_the_upload() -> None:
    text = spec("system-document-vault")
    layout = section(text, "Data Model")
    assert "written only after" not in text
    assert "`POST /api/v1/documents` writes the row first, in status `PENDING_UPLOAD`" in layout
    assert "| Confirmation | the row becomes `ACTIVE` only after a HEAD on the object" in layout
    assert "'PENDING_UPLOAD', 'ACTIVE', 'ARCHIVED'" in layout


# Where each language keeps an injected collaborator, and how the service reaches it.
_FIELD_DECLARED = {"typescript": r"private readonly (\w+):", "python": r"self\.(\w+) = \w+$",
                   "go": r"^\t(\w+) +\w+$", "java": r"private final [\w.]+ (\w+);",
                   "csharp": r"^    I?[\w]+ (\w+)[,)]$"}
_FIELD_USED = {"typescript": r"this\.(\w+)\.", "python": r"self\.(\w+)\.", "go": r"\bs\.(\w+)\.",
               "java": r"(?<![\w.])(\w+)\.\w+\(", "csharp": r"await (\w+)\.\w+Async\("}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_the_service_uses_only_collaborators_it_was_given(name: str, language: str) -> None:
    code = _service_code(name, language)
    declared = set(re.findall(_FIELD_DECLARED[language], code, re.M))
    ports = {p.field for p in code_subject(_plan(name, language)).ports}
    if language == "python":
        ports = {p.snake for p in code_subject(_plan(name, language)).ports}
    assert declared == ports, (name, language, declared, ports)
    used = set(re.findall(_FIELD_USED[language], code, re.M))
    if language == "java":
        used &= ports | {"events", "cache", "ids"}  # calls on locals and classes are not fields
    assert used <= declared, f"{name} ({language}): {used - declared} is not injected"


PORT_KINDS = ("repository", "cache", "index", "publisher", "gateway", "hasher", "ids", "clock")


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_wires_and_fakes_every_port_kind_by_name(language: str) -> None:
    """No port kind falls into another's branch (a hasher built as a clock): the
    composition root and the test name each kind."""
    from smartspec.packagedata import read_data

    source = read_data("templates", "code", language, "di.j2").decode("utf-8")
    for kind in PORT_KINDS:
        assert source.count(f"p.kind == '{kind}'") >= 2, (language, kind)
    table = read_data("templates", "sections", "di.md.j2").decode("utf-8")
    for kind in PORT_KINDS:
        assert table.count(f"'{kind}': ") >= 2, kind  # production and test double


def test_a_refund_is_never_charged() -> None:
    di = section(spec("fintech-csharp"), "Dependency Injection")
    assert "public async Task<Refund> CreateRefundAsync(NewRefund input" in di
    assert "ChargeAsync(refund" not in di
