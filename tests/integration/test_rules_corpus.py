"""validate over specs nobody here wrote (``tests/corpus``, sources in its SOURCES.md): every
error it reports is one a reader has judged.

``JUDGED`` lists each error validate reports on the corpus, with the verdict of a person who
read the line: ``True`` when the spec really says what the finding says (a broken link, an
auth-heavy document without a security section), ``False`` when a reader would call the
finding wrong. A new error, a vanished one, or a False verdict fails the test: a false
error is a rule bug to fix, not a line to add here. The count of false errors is printed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from smartspec.rules import validate_text

SPECS = Path(__file__).resolve().parents[1] / "corpus" / "specs"


def _spec_files() -> list[Path]:
    """Every corpus document but READMEs: a README describes a tool, not a service, and
    validate's own folder walk never picks one up (it looks for spec files)."""
    return [p for p in sorted(SPECS.rglob("*.md")) if p.name.lower() != "readme.md"]

# (file under specs/, rule code, line) -> (verdict, why)
JUDGED: dict[tuple[str, str, int], tuple[bool, str]] = {
    ("cloudevents/subscriptions/spec.md", "SS005", 643):
        (True, "sink credentials carry authentication; the spec has no security section"),
    ("kiroween-dashtact/jwt-authentication-system/tasks.md", "SS005", 3):
        (True, "a JWT auth task list with no security section of its own"),
    ("kiroween-dashtact/two-factor-authentication/tasks.md", "SS005", 57):
        (True, "a 2FA task list with no security section of its own"),
    ("ms-community-spec-kit/001-event-discovery-rsvp/plan.md", "SS005", 8):
        (True, "RSVP needs sign-in via Entra External ID; no security section"),
    ("ms-community-spec-kit/001-event-discovery-rsvp/spec.md", "SS005", 119):
        (True, "FR-05 requires authentication; no security section"),
    ("ms-community-spec-kit/001-event-discovery-rsvp/tasks.md", "SS005", 10):
        (True, "depends on an auth session (next-auth); no security section"),
    ("ms-community-spec-kit/004-permissions-creator-accounts/spec.md", "SS005", 53):
        (True, "a permissions spec with an OAuth flow and no security section"),
    ("oci-distribution-spec/spec.md", "SS005", 775):
        (True, "registry authorization credentials; the spec has no security section"),
    ("otel-oteps/0035-opentelemetry-protocol.md", "SS203", 53):
        (True, "links #grpc-transport; no heading has that anchor (the link is broken on "
               "GitHub too)"),
    ("paynexus/LLD.md", "SS005", 6):
        (True, "the gateway validates auth; the LLD has no security section"),
    ("smartspec/sample-tech-spec.md", "SS005", 5):
        (True, "a spec for an authentication API without a security section"),
    ("smartspec/smartspec_generate_spec.md", "SS202", 1011):
        (True, "RefundSaga takes amount: number, a float for money"),
    ("smartspec/smartspec_generate_spec.md", "SS202", 1097):
        (True, "requestedAmount: number, a float for money"),
    ("smartspec/smartspec_generate_spec.md", "SS202", 1451):
        (True, "the balance example returns currency; credit_balance has no such column"),
    ("smartspec/smartspec_generate_spec.md", "SS203", 1584):
        (True, "#rate-limiting-strategy names bold text, not a heading: the link is broken"),
    ("smartspec/smartspec_generate_spec.md", "SS205", 2587):
        (True, "the ER diagram draws USER; the schema creates no user table"),
    ("spec-kit/tasks-template.md", "SS005", 67):
        (True, "the template's sample task builds an auth framework; no security section"),
}


def _errors() -> dict[tuple[str, str, int], str]:
    found = {}
    for path in _spec_files():
        result = validate_text(path.read_bytes().decode("utf-8-sig"), path=str(path))
        for finding in result.findings:
            if finding.severity == "error":
                key = (path.relative_to(SPECS).as_posix(), finding.code, finding.line or 0)
                found[key] = finding.message
    return found


def test_corpus_errors_are_the_judged_ones(capsys: pytest.CaptureFixture[str]) -> None:
    found = _errors()
    false = [key for key, (verdict, _) in JUDGED.items() if not verdict]
    with capsys.disabled():
        files = len(_spec_files())
        print(f"\ncorpus: {files} specs, {len(found)} errors, {len(false)} judged false")
    unjudged = {k: v for k, v in found.items() if k not in JUDGED}
    assert not unjudged, f"errors nobody has judged yet (read each line): {unjudged}"
    gone = [k for k in JUDGED if k not in found]
    assert not gone, f"judged errors no longer reported (update the table): {gone}"
    assert not false, f"false errors are rule bugs: {false}"


def test_errors_per_corpus_file() -> None:
    per_file: dict[str, int] = {}
    for file, _, _ in _errors():
        per_file[file] = per_file.get(file, 0) + 1
    expected: dict[str, int] = {}
    for file, _, _ in JUDGED:
        expected[file] = expected.get(file, 0) + 1
    assert per_file == expected
