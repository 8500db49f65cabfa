"""More defects a reviewer found by reading the golden specs, each pinned over every system
and language where it can be: Python code laid out as PEP 8 says, every injected port used,
idempotency keys that do something, notifications routed by channel, test doubles that
exist, entity types that are their tables, environment names a shell accepts, and STRIDE rows
that state each provider's own webhook check."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.content.specs import FENCE_RE

ROOT = Path(__file__).resolve().parents[2]
GOLDENS = sorted((ROOT / "tests" / "content" / "golden").glob("*.md")) + sorted(
    (ROOT / "tests" / "data" / "golden").glob("*.md"))


def test_python_blocks_keep_pep_8_blank_lines(tmp_path: Path) -> None:
    """ruff's pycodestyle rules (E30x: two empty lines around top-level definitions, at
    most one inside them) pass on every Python block of every golden spec."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff is not None, "ruff is a dev dependency"
    count = 0
    for golden in GOLDENS:
        for number, match in enumerate(FENCE_RE.finditer(golden.read_text("utf-8"))):
            if match.group("lang") == "python":
                (tmp_path / f"{golden.stem.replace('-', '_')}_{number}.py").write_text(
                    match.group("body"), "utf-8")
                count += 1
    assert count >= 20
    result = subprocess.run(
        [ruff, "check", "--preview", "--isolated", "--no-cache", "--select", "E30",
         "--output-format", "concise", str(tmp_path)],
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


# --- Configuration: every setting is a name a shell accepts --------------------------------

ENV_NAME_RE = re.compile(r"[A-Z_][A-Z0-9_]*")
# The suffixes the Configuration section puts after a technology's name.
_SETTING_SUFFIXES = ("_URL", "_API_KEY", "_TIMEOUT_MS", "_CONSUMER_GROUP", "_BUCKET", "_REGION",
                     "_WEBHOOK_SECRET")


def test_every_knowledge_entrys_settings_are_environment_names() -> None:
    from smartspec import knowledge
    from smartspec.template_runtime import env

    for entry in knowledge.entries().values():
        for suffix in _SETTING_SUFFIXES:
            assert ENV_NAME_RE.fullmatch(env(entry.name) + suffix), (entry.name, suffix)
        for name, _, _ in entry.webhook_settings:
            assert ENV_NAME_RE.fullmatch(name), (entry.name, name)
    assert env("2C2P") == "TWO_C2P"


def _configuration_names(text: str) -> list[str]:
    from tests.content.specs import section

    return re.findall(r"^\| `([^`]+)` \|", section(text, "Configuration"), re.M)


# The goldens with a Configuration section (a basic or compact spec has none).
CONFIGURED = [p for p in GOLDENS
              if re.search(r"^## \d+\. Configuration", p.read_text("utf-8"), re.M)]


def test_most_goldens_have_a_configuration_section() -> None:
    assert len(CONFIGURED) >= 25, len(CONFIGURED)


@pytest.mark.parametrize("golden", CONFIGURED, ids=lambda p: p.stem)
def test_every_golden_setting_is_an_environment_name(golden: Path) -> None:
    text = golden.read_text("utf-8")
    names = _configuration_names(text)
    assert names
    assert [n for n in names if not ENV_NAME_RE.fullmatch(n)] == []


def test_a_provider_whose_name_starts_with_a_digit_gets_valid_names(tmp_path: Path) -> None:
    from smartspec.render import render
    from tests.content.test_helpers import plan_for

    plan = plan_for("pay-th", "Card payments through 2C2P with a PostgreSQL ledger", tmp_path,
                    profile="financial")
    text = render(plan)
    names = _configuration_names(text)
    assert "TWO_C2P_API_KEY" in names
    assert [n for n in names if not ENV_NAME_RE.fullmatch(n)] == []
    # Code identifiers cannot start with a digit either.
    assert not re.search(r"\b2C2P\w*Gateway\b|\b2c2p\w*Gateway\b", text)


# --- DI: every injected port is used by the code shown ------------------------------------

from smartspec.content.stacks import code_subject  # noqa: E402
from tests.content.cases import SYSTEMS  # noqa: E402
from tests.content.test_defects import LANGUAGES, _di, _plan, _service_code  # noqa: E402


def _methods(code: str, language: str) -> str:
    """The service's methods: its code after the constructor that stores the ports (a
    field named there and nowhere after is a port the service never uses)."""
    if language == "typescript":
        return code.split(") {}", 1)[1]
    if language == "python":
        return code.split("def __init__", 1)[1].split("\n\n", 1)[1]
    if language == "go":
        return code.split("func New", 1)[1].split("\n}\n", 1)[1]
    if language == "java":
        return code.split("\n    }\n", 1)[1]
    return code.split("\n{\n", 1)[1]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_every_injected_port_is_used(name: str, language: str) -> None:
    subject = code_subject(_plan(name, language))
    body = _methods(_service_code(name, language), language)
    for port in subject.ports:
        field = port.snake if language == "python" else port.field
        assert re.search(rf"\b{field}\b", body), (
            f"{name} ({language}): {port.type} ({port.tech}) is injected and never used")


def _routes_by_channel(name: str, language: str) -> bool:
    subject = code_subject(_plan(name, language))
    channels = {g.channel for g in subject.gateways if g.channel}
    return "channel" in {f.name for f in subject.fields} and len(channels) >= 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_message_goes_through_the_provider_of_its_channel(language: str) -> None:
    """A record that names its channel is sent through that channel's provider, and a
    channel no provider delivers is refused."""
    routing = [name for name in sorted(SYSTEMS) if _routes_by_channel(name, language)]
    assert routing, "notifications sends email through SendGrid and SMS through Twilio"
    for name in routing:
        subject = code_subject(_plan(name, language))
        assert subject.routed
        body = _methods(_service_code(name, language), language)
        for gateway in subject.called:
            field = gateway.snake if language == "python" else gateway.field
            assert re.search(
                rf"['\"]?{gateway.channel}['\"]?[^'\"\n]*\n?[^'\"\n]*\b{field}\b",
                body), (name, language, gateway.type)
    assert "no provider sends" in body


def test_an_sms_goes_through_twilio_and_an_email_through_sendgrid() -> None:
    subject = code_subject(_plan("system-notifications", "typescript"))
    assert {g.channel: g.type for g in subject.called} == {
        "email": "SendGridGateway", "sms": "TwilioGateway"}


# --- DI: names each language would write, and test doubles that exist -----------------------

_GO_MIXED_INITIALISM_RE = re.compile(r"\b[A-Za-z]*?(?:Id|Url|Api|Http|Json|Uuid|Sql)(?=[A-Z0-9]|\b)\w*")


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_go_writes_initialisms_in_one_case(name: str) -> None:
    """Go style: IDGenerator, FindByID, APIKey; never IdGenerator."""
    code = "\n".join(m.group("body") for m in FENCE_RE.finditer(_di(name, "go"))
                     if m.group("lang") == "go")
    code = re.sub(r'"[^"\n]*"|//[^\n]*', "", code)  # words in strings and comments are prose
    assert _GO_MIXED_INITIALISM_RE.findall(code) == [], name
    assert "IDGenerator" in _di(name, "go") or not code_subject(_plan(name, "go")).port("ids")


# --- DI: an idempotency key the method takes is one it uses --------------------------------

_KEY = {"typescript": "idempotencyKey", "python": "idempotency_key", "go": "idempotencyKey",
        "java": "idempotencyKey", "csharp": "idempotencyKey"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_an_idempotency_key_the_method_takes_is_used(name: str, language: str) -> None:
    """The key is handed to the provider called or stored in the record's unique column;
    a create that does neither does not take one (the API's Idempotency-Key handling
    answers a replay before the service runs)."""
    subject = code_subject(_plan(name, language))
    body = _methods(_service_code(name, language), language)
    key = _KEY[language]
    signature = re.search(rf"\b{subject.method_in(language)}\((.*?)\)\s*(?:->|:|\(|\{{|\n)",
                          body, re.S)
    assert signature is not None, (name, language)
    takes = bool(re.search(rf"\b{key}\b", signature.group(1)))
    assert takes == subject.keyed, (name, language, signature.group(1))
    if takes:
        uses = body.count(key) - 1
        assert uses >= 1, f"{name} ({language}): {key} is taken and never used"
    if name == "system-user-accounts":
        assert not takes  # nothing is called and the row has no idempotency column


# --- DI vs schema: the entity type is its table ---------------------------------------------

def _entity_fields(text: str, entity: str, language: str) -> list[str]:
    """The fields of the DI example's record type, in snake_case."""
    patterns = {
        "typescript": rf"export interface {entity} \{{(.*?)\}}\n",
        "python": rf"@dataclass\nclass {entity}:\n(.*?)\n\n",
        "go": rf"type {entity} struct \{{\n(.*?)\n\}}",
        "java": rf"public record {entity}\((.*?)\) \{{\}}",
        "csharp": rf"public sealed record {entity}\((.*?)\);",
    }
    found = re.search(patterns[language], text, re.S)
    assert found is not None, (entity, language)
    body = found.group(1)
    if language == "typescript":
        names = re.findall(r"(\w+)\??:", body)
    elif language == "python":
        names = re.findall(r"^    (\w+):", body, re.M)
    elif language == "go":
        names = re.findall(r"^\t(\w+) ", body, re.M)
    else:
        body = re.sub(r"<[^<>]*>", "", body)  # Map<String, Object>: one type, not two fields
        names = [item.strip().split()[-1] for item in body.split(",") if item.strip()]
    return [re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", n).lower()
            for n in names]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_the_entity_type_is_its_table(name: str, language: str) -> None:
    """Every field of the DI record is a column of its table, and every NOT NULL column
    without a default is a field (a record that cannot be stored, or a column the code
    never fills, is a contradiction a reviewer finds at once)."""
    from smartspec.content.sql import schema_for, table_name

    plan = _plan(name, language)
    subject = code_subject(plan)
    entity = next((e for e in plan.model.entities
                   if "".join(w.capitalize() for w in e.name.split("_")) == subject.entity),
                  None)
    if entity is None:
        pytest.skip("the example's record is no entity of the model")
    table = next(t for t in schema_for(plan).tables if t.name == table_name(entity.name))
    columns = {c.name for c in table.columns}
    fields = _entity_fields(_di(name, language), subject.entity, language)
    assert [f for f in fields if f not in columns] == [], (name, language, sorted(columns))
    required = {c.name for c in table.columns if not c.null and c.default is None
                and not c.generated and not c.identity}
    assert required - set(fields) == set(), (name, language)


# --- Security: each provider's callbacks are checked its own way ----------------------------

@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: p.stem)
def test_a_callback_spoofing_row_states_the_providers_own_check(golden: Path) -> None:
    """A STRIDE row or spoofing measure about a provider's callbacks states how that
    provider signs them (from the knowledge base), never a generic "verify signatures"."""
    from smartspec import knowledge

    text = golden.read_text("utf-8")
    assert "Verify callback signatures" not in text
    assert "signature verified on every callback" not in text
    rows = re.findall(r"^(?:\| \*\*Spoofing[^|]*\*\* \| (?:A forged|Forged) (.+?) callbacks? .*"
                      r"|- \*\*(.+?) callbacks:\*\* .*)$", text, re.M)
    lines = [m.group(0) for m in re.finditer(
        r"^(?:\| \*\*Spoofing[^|]*\*\* \| (?:A forged|Forged) .+? callbacks? .*"
        r"|- \*\*.+? callbacks:\*\* .*)$", text, re.M)]
    for (row_party, bullet_party), line in zip(rows, lines, strict=True):
        party = row_party or bullet_party
        entry = knowledge.lookup(party)
        if entry is None:
            assert "_WEBHOOK_SECRET" in line, line
            continue
        assert entry.webhook_check is not None, party
        # The provider's own words: its header, algorithm and key, as the knowledge base has them.
        assert entry.webhook_check[1:60] in line, line


def test_stripe_sendgrid_and_twilio_callbacks_are_each_checked_their_own_way() -> None:
    from tests.content.specs import section, spec

    payments = section(spec("system-payments"), "Security")
    assert "signing secret (Stripe-Signature header" in payments
    assert "events older than 5 minutes are rejected" in payments
    notifications = spec("system-notifications")
    assert re.search(r"forged SendGrid callback .* an ECDSA signature .* public key", notifications)
    assert re.search(r"forged Twilio callback .* X-Twilio-Signature: HMAC-SHA1 .* auth token",
                     notifications)


_DOUBLE_RE = re.compile(r"(?<![\w.])((?:InMemory|Stub|Fake|Fixed|Recording)[A-Z]\w*)")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_every_test_double_is_defined_or_imported(name: str, language: str) -> None:
    """A double the unit test uses is written in the section or imported by name from a
    test-support module (Go names its fakes package at each use: fakes.FixedIDs)."""
    text = _di(name, language)
    test = text.split("Testing Requirements", 1)[1]
    test = next(m.group("body") for m in FENCE_RE.finditer(test))
    imported = " ".join(line for line in test.splitlines()
                        if re.match(r"(?:import|from|using) ", line))
    for double in set(_DOUBLE_RE.findall(test)):
        defined = re.search(rf"\b(?:class|interface|record|struct|type) {double}\b", text)
        assert defined or re.search(rf"\b{double}\b", imported), (
            f"{name} ({language}): {double} is neither defined nor imported")


# How each language keeps a secret column out of what its cache holds: a view type without
# it (TypeScript, Python), or a field the JSON serialiser skips (Go, Java, C#).
_SKIPPED_WHEN_SERIALISED = {"go": r'{member} +string `json:"-"`', "java": r"@JsonIgnore String {member}\b",
                            "csharp": r"\[property: JsonIgnore\] string {member}\b"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cache_never_holds_a_secret(language: str) -> None:
    cached_secrets = [name for name in sorted(SYSTEMS)
                      if code_subject(_plan(name, language)).port("cache")
                      and code_subject(_plan(name, language)).secrets]
    assert cached_secrets, "user accounts caches users, whose password hash is secret"
    for name in cached_secrets:
        _check_cache_holds_no_secret(name, language)


def _check_cache_holds_no_secret(name: str, language: str) -> None:
    from smartspec.content.code_lang import member

    subject = code_subject(_plan(name, language))
    text = _di(name, language)
    code = _service_code(name, language)
    for secret in subject.secrets:
        name_in = member(secret, language)
        if language in _SKIPPED_WHEN_SERIALISED:
            assert re.search(_SKIPPED_WHEN_SERIALISED[language].format(member=name_in), text), (
                name, language)
            continue
        view = f"Public{subject.entity}"
        cached = re.findall(r"cache\.set\([^,]+, (\w+)", code)
        assert cached and set(cached) == {"view"}, (name, language, cached)
        declared = (re.search(rf"export type {view} = Omit<{subject.entity}, '{name_in}'>", text)
                    if language == "typescript" else
                    re.search(rf"class {view}:\n(.*?)\n\n", text + "\n\n", re.S))
        assert declared is not None, (name, language)
        if language == "python":
            assert not re.search(rf"^    {name_in}:", declared.group(1), re.M)


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: p.stem)
def test_di_prose_names_a_record_in_words(golden: Path) -> None:
    """"a test that creates one usage record", not "one usageRecord"."""
    found = re.search(r"a test that \w+ one ([a-z]+[A-Z]\w*)", golden.read_text("utf-8"))
    assert found is None, found and found.group(0)
