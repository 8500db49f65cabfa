"""Mutation test of the semantic rules: plant each defect class in generated specs and count
how many validate catches.

Specs of every profile are generated through the Python API (fixed clock, empty
environment). Each mutator plants one defect class wherever the spec gives it a place
(rename a method an interface declares and the code calls, add a status value, add an
example field, break a cross-reference, stretch a retry schedule, drop an ER entity, add an
endpoint only to the tests, push pool x instances over a limit, invert percentiles, ...). A
mutant is caught when validate reports a finding of the expected rule that the unmutated
spec did not have. The catch rate per rule is printed; overall it must be at least 95%.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import smartspec
from smartspec.options import PROFILES
from smartspec.rules import ValidationResult, render_text, validate_text

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
# Descriptions that make the generator write every part the mutators need: ports and
# sagas, tables with CHECK lists, examples, a queue, performance figures.
SPECS: list[tuple[str, str, tuple[str, ...] | None]] = [
    (profile, "Card payments with refunds, a PostgreSQL ledger, a RabbitMQ worker queue, "
              "JWT login and Stripe as a third-party API", None)
    for profile in PROFILES
] + [("financial", "Credit purchase and cost deduction sagas with PromptPay and a ledger",
      ("fintech",))]

Mutant = tuple[str, str]  # (rule expected to catch it, mutated text)
Mutator = Callable[[str], Iterator[str]]

_INTERFACE_RE = re.compile(r"^export interface (\w+)\s*(?:<[^>]*>)?\s*\{(.*?)^\}", re.M | re.S)
_ONE_LINE_INTERFACE_RE = re.compile(r"^export interface (\w+)\s*\{([^\n]*)\}\s*$", re.M)
_METHOD_DECL_RE = re.compile(r"\b(\w+)\s*\(")


def rename_interface_method(text: str) -> Iterator[str]:
    """Rename a method an interface declares and the code calls on an injected field."""
    done = 0
    for regex in (_INTERFACE_RE, _ONE_LINE_INTERFACE_RE):
        for match in regex.finditer(text):
            body = match.group(2)
            for method in dict.fromkeys(_METHOD_DECL_RE.findall(body)):
                if not re.search(rf"\b(?:this\.)?\w+\.{method}\(", text):
                    continue
                start = match.start(2)
                new_body = re.sub(rf"\b{method}\s*\(", f"{method}Renamed(", body, count=1)
                yield text[:start] + new_body + text[start + len(body):]
                done += 1
                if done >= 3:
                    return


def add_status_value(text: str) -> Iterator[str]:
    """A status value no CHECK list allows, in an example and in code."""
    for pattern, repl in ((r'"status": "[A-Z_]+"', '"status": "ON_HOLD"'),
                          (r"status: '[A-Z_]+'", "status: 'ON_HOLD'"),
                          (r"updateStatus\((\w+), '[A-Z_]+'\)", r"updateStatus(\1, 'ON_HOLD')")):
        match = re.search(pattern, text)
        if match:
            yield text[:match.start()] + re.sub(pattern, repl, match.group(0)) + text[
                match.end():]


def _columns(text: str) -> set[str]:
    found = set()
    for body in re.findall(r"CREATE TABLE \w+ \((.*?)\n\);", text, re.S):
        found.update(re.findall(r"^\s+(\w+) [A-Z]", body, re.M))
    return found - {"id", "status", "created_at", "updated_at", "version", "currency",
                    "metadata"}


def add_example_field(text: str) -> Iterator[str]:
    """A field in a JSON example of a table's entity that no column or text documents."""
    columns = _columns(text)
    done = 0
    for match in re.finditer(r"```json\n\{\n(.*?)\n\}\n```", text, re.S):
        keys = set(re.findall(r'^  "(\w+)":', match.group(1), re.M))
        if len(keys & columns) < 2:
            continue
        at = match.start(1)
        yield text[:at] + '  "loyalty_tier_code": "GOLD",\n' + text[at:]
        done += 1
        if done >= 2:
            return


def break_cross_reference(text: str) -> Iterator[str]:
    """A reference to a section title or number the spec does not have."""
    seen: set[str] = set()
    for match in re.finditer(r"\(section ([A-Z][^()\n]*)\)|see section (\d+(?:\.\d+)*)", text):
        if match.group(0) in seen or len(seen) >= 3:
            continue
        seen.add(match.group(0))
        broken = "(section Capacity Planning)" if match.group(1) else "see section 97.3"
        yield text[:match.start()] + broken + text[match.end():]


def stretch_retry_schedule(text: str) -> Iterator[str]:
    """A retry schedule that no longer fits the deadline of its section."""
    for match in re.finditer(r"\((\d+s(?:, \d+s)+)\)", text):
        section_start = text.rfind("\n## ", 0, match.start())
        section_end = text.find("\n## ", match.end())
        section = text[section_start:section_end if section_end > 0 else len(text)]
        if re.search(r"(?:finished|completed?) within \d+ minutes", section):
            yield text[:match.end() - 1] + ", 10m, 30m)" + text[match.end():]
            return


def drop_er_entity(text: str) -> Iterator[str]:
    """Remove one table's entity (its relations and attribute block) from the ER diagram."""
    match = re.search(r"```mermaid\nerDiagram\n(.*?)```", text, re.S)
    if not match:
        return
    body = match.group(1)
    entities = re.findall(r"^    (\w+) \{$", body, re.M)
    if len(entities) < 2:
        return
    victim = entities[-1]
    kept = re.sub(rf"^    {victim} \{{\n.*?^    \}}\n", "", body, flags=re.M | re.S)
    kept = "".join(line for line in kept.splitlines(keepends=True)
                   if not re.search(rf"\b{victim}\b", line))
    yield text[:match.start(1)] + kept + text[match.end(1):]


def endpoint_only_in_tests(text: str) -> Iterator[str]:
    """An endpoint the tests call that the API table does not define."""
    heading = re.search(r"^## \d+\. Testing[^\n]*\n", text, re.M)
    if heading is None or ("| GET |" not in text and "| POST |" not in text):
        return
    yield (text[:heading.end()] + "\n- `DELETE /api/v1/archived-batches/{id}` returns 204\n"
           + text[heading.end():])


def pool_over_limit(text: str) -> Iterator[str]:
    """A stated connection limit below pool size x max instances, with no pooler in between
    (a spec that routes connections through PgBouncer is right not to be flagged, so the
    mutant also drops the lines that name one)."""
    text = "".join(line for line in text.splitlines(keepends=True)
                   if not re.search(r"(?i)pgbouncer|pgpool|pooler|connection proxy", line))
    pool = re.search(r"^- Connection pool: [^\n]*per instance[^\n]*\n", text, re.M)
    if pool is None or not re.search(r"Max instances: \d+", text):
        return
    yield text[:pool.end()] + "- PostgreSQL max_connections: 100\n" + text[pool.end():]


def invert_percentiles(text: str) -> Iterator[str]:
    """P99 stated below P95."""
    match = re.search(r"^- P95: < (\d+)ms\n- P99: < (\d+)ms$", text, re.M)
    if match:
        lower = int(match.group(1)) // 2
        yield text[:match.start(2)] + str(lower) + text[match.end(2):]


def availability_mismatch(text: str) -> Iterator[str]:
    """An availability figure its stated downtime does not match."""
    match = re.search(r"(99\.9+)% uptime\n- Max downtime", text)
    if match:
        yield text[:match.start(1)] + "99.999" + text[match.end(1):]


def rename_service_target(text: str) -> Iterator[str]:
    """A per-service target for a service the architecture does not have."""
    heading = re.search(r"Per-Service Performance Targets\n\n#### ([^\n]+)\n", text)
    if heading:
        yield text[:heading.start(1)] + "Billing Reconciliation Service" + text[heading.end(1):]


def money_as_float(text: str) -> Iterator[str]:
    """An amount column typed as a floating-point number."""
    match = re.search(r"^  (\w*amount\w*) DECIMAL\(19,4\)", text, re.M)
    if match:
        yield text[:match.start()] + f"  {match.group(1)} DOUBLE PRECISION" + text[match.end():]


def empty_document(text: str) -> Iterator[str]:
    """Only the headings left."""
    yield "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))


MUTATORS: list[tuple[str, str, Mutator]] = [
    ("interface-coverage", "rename an interface method", rename_interface_method),
    ("schema-agreement", "add a status value", add_status_value),
    ("schema-agreement", "add an example field", add_example_field),
    ("schema-agreement", "type money as float", money_as_float),
    ("cross-references", "break a cross-reference", break_cross_reference),
    ("endpoint-agreement", "add an endpoint only to the tests", endpoint_only_in_tests),
    ("diagram-agreement", "drop an ER entity", drop_er_entity),
    ("diagram-agreement", "rename a per-service target", rename_service_target),
    ("figures", "stretch the retry schedule", stretch_retry_schedule),
    ("figures", "pool x instances over the limit", pool_over_limit),
    ("figures", "P99 below P95", invert_percentiles),
    ("figures", "availability vs downtime", availability_mismatch),
    ("document-content", "empty the document", empty_document),
]


def _generate(profile: str, description: str, domains: tuple[str, ...] | None,
              root: Path) -> str:
    root.mkdir(parents=True, exist_ok=True)
    outcome = smartspec.generate(
        smartspec.Options(name="payment-hub", description=description, profile=profile,
                          domains=domains, no_report=True, no_validation=True),
        cwd=root, now=NOW, environ={})
    return outcome.text


def _signature(result: ValidationResult, rule: str) -> Counter[str]:
    return Counter(f.message for f in result.findings if f.rule == rule)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    specs = []
    for number, (profile, description, domains) in enumerate(SPECS):
        root = tmp_path_factory.mktemp(f"mutation-{number}")
        label = profile + (f"+{','.join(domains)}" if domains else "")
        specs.append((label, _generate(profile, description, domains, root)))
    return specs


def test_mutants_are_caught(generated: list[tuple[str, str]],
                            capsys: pytest.CaptureFixture[str]) -> None:
    caught: Counter[str] = Counter()
    total: Counter[str] = Counter()
    missed: list[str] = []
    for label, text in generated:
        base = validate_text(text, path=f"{label}.md")
        for rule, defect, mutate in MUTATORS:
            for mutant in mutate(text):
                assert mutant != text, f"{defect} on {label} changed nothing"
                total[rule] += 1
                result = validate_text(mutant, path=f"{label}.md")
                if _signature(result, rule) - _signature(base, rule):
                    caught[rule] += 1
                else:
                    missed.append(f"{label}: {defect}")
    with capsys.disabled():
        print("\nmutation catch rate per rule:")
        for rule in dict.fromkeys(r for r, _, _ in MUTATORS):
            print(f"  {rule:22} {caught[rule]:3}/{total[rule]:<3} "
                  f"{100 * caught[rule] / max(total[rule], 1):5.1f}%")
        print(f"  {'overall':22} {sum(caught.values()):3}/{sum(total.values()):<3} "
              f"{100 * sum(caught.values()) / max(sum(total.values()), 1):5.1f}%")
        for line in missed:
            print(f"  missed: {line}")
    # Every rule met its defects somewhere, and the whole family catches >= 95%.
    assert all(total[rule] for rule, _, _ in MUTATORS), total
    assert sum(caught.values()) >= 0.95 * sum(total.values()), missed


def test_unmutated_specs_have_no_semantic_errors(generated: list[tuple[str, str]]) -> None:
    failures = []
    for label, text in generated:
        result = validate_text(text, path=f"{label}.md")
        semantic = [f for f in result.findings if f.code.startswith("SS2")
                    and f.severity == "error"]
        if semantic:
            failures.append(f"{label}:\n{render_text(result)}")
    assert not failures, "\n".join(failures)
