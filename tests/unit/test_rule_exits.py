"""Early exits of the figures and consistency rules: each answers exactly as the longer way
it skips. ``Context.holds`` is held to ``lines_with``, the figures rule's "%" lines to the
lines ``lines_with`` finds, the pool check's exit on a named multiplexer to the full pool
check, and the consistency rules that now read their sections before looking for a mention
to the order they had before (kept below as the definition), on generated specs and on the
golden and corpus specs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec.document import Section, parse
from smartspec.rules import Validator, consistency, figures
from smartspec.rules.base import Hit
from smartspec.rules.context import (
    ARCHITECTURE,
    IMPLEMENTATION,
    PERFORMANCE,
    SECURITY,
    TESTING,
    Context,
)

_VALIDATOR = Validator()


def _context(text: str) -> Context:
    return Context(parse(text), path="spec.md", matchers=_VALIDATOR.matchers)


_ROOT = Path(__file__).resolve().parents[1]
_REAL_SPECS = [path.read_text(encoding="utf-8")
               for pattern in ("corpus/specs/**/*.md", "data/golden/*.md", "content/golden/*.md")
               for path in sorted(_ROOT.glob(pattern))]

# Section headings the rules look for (and one they do not), and body lines that hold the
# rules' words in prose, in code, in comments and URLs (blanked from the prose), in other
# cases, next to letters that lower-case to ASCII (İ, the Kelvin sign) or to two characters.
_HEADINGS = ["## 1. Architecture", "## Security", "## Testing Strategy", "## Implementation Guide",
             "## Performance Requirements", "## API Specification", "## Notes",
             "### Security Considerations", "## 8. Security"]
_LINES = [
    "Users log in with JWT; the Auth plugin is a tool.", "The `login` helper is not ours.",
    "Risk: dependency on the third-party API.", "Calls an external API for rates.",
    "Each payment is one database transaction (ACID).", "Integration tests run on every merge.",
    "Retry with exponential backoff 1s, 5s, 30s.", "Finish within 10 seconds.",
    "A queue of workers drains the outbox.", "Queue depth: alert if > 1000.",
    "Consumer lag < 10 seconds.", "Kafka consumers read the events.",
    "- Connection pool: 50 connections per instance", "- Instances: up to 20 instances",
    "- max_connections: 100 (PostgreSQL)", "PgBouncer pools the connections.",
    "See https://pgbouncer.example.com/pool for the pool.", "<!-- pgbouncer, connection limit -->",
    "RDS Proxy sits in front.", "rds  proxy", "odyſſey pooler", "PGPOOL", "İSTANBUL pool",
    "\u212aelvin connection limit of 10", "SLA: 99.9% uptime", "Max downtime: 8.76 hours/year",
    "Encoded%20path", "100 %", "P95 < 200ms, P99 < 150ms", "ลองใหม่ 3 ครั้ง", "คิวงาน",
    "```", "```sql", "plain words", "",
]
_SPECS = st.lists(st.sampled_from(_HEADINGS + _LINES * 2), max_size=30).map(
    lambda lines: "# SPEC-001: Exits\n\n" + "\n".join(lines) + "\n")
_ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])
_WORDS = ("pgbouncer", "connection", "pool holds", "rds proxy", "retr", "ลองใหม่", "kelvin",
          "istanbul", "%", "missing")


def _with_endings(text: str, ending: str) -> str:
    return text.replace("\n", ending)


# --- Context.holds ------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(_SPECS, _ENDINGS, st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(tuple))
@example("# T\n\nPgBouncer\n```\npool holds\n```\n", "\n", ("pool holds",))
@example("# T\n\n\u212aelvin and İstanbul\n", "\n", ("kelvin", "istanbul"))
def test_holds_says_what_lines_with_finds(text: str, ending: str,
                                          words: tuple[str, ...]) -> None:
    spec = _with_endings(text, ending)
    assert _context(spec).holds(words) == bool(_context(spec).lines_with(words))


@pytest.mark.parametrize("text", _REAL_SPECS[:40])
def test_holds_says_what_lines_with_finds_in_real_specs(text: str) -> None:
    for words in (figures._MULTIPLEXER_WORDS, ("connection",), ("pool holds",), ("retr",)):
        assert _context(text).holds(words) == bool(_context(text).lines_with(words))


# --- figures ------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(_SPECS, _ENDINGS)
@example("# T\n\nSee https://x.io/a%20b and 5% <!-- 7% -->\n```\n9%\n```\n", "\n")
def test_percent_lines_are_the_lines_lines_with_finds(text: str, ending: str) -> None:
    spec = _with_endings(text, ending)
    assert figures._lines_holding(_context(spec), "%") == _context(spec).lines_with(("%",))


def _pool_hits_in_full(ctx: Context) -> list[Hit]:
    """The pool check as it ran before the multiplexer exit: every pool line read."""
    return list(figures._pool_limit(figures._pool_lines(ctx))) if figures._states_limit(ctx) else []


_OVER_LIMIT = ("# SPEC-001: Pools\n\n## Architecture\n\n- Connection pool: 50 connections per "
               "instance\n- Instances: up to 20 instances\n- max_connections: 100\n")


@settings(max_examples=300, deadline=None)
@given(_SPECS, _ENDINGS)
@example(_OVER_LIMIT, "\n")
@example(_OVER_LIMIT + "See https://pgbouncer.example.com/ for the pool\n", "\n")
@example(_OVER_LIMIT + "odyſſey pooler\n", "\n")
def test_the_pool_check_answers_as_it_did_when_it_read_every_pool_line(text: str,
                                                                        ending: str) -> None:
    spec = _with_endings(text, ending)
    found = [hit for hit in figures.figures(_context(spec))
             if hit.message_id == "pool-over-limit"]
    assert found == _pool_hits_in_full(_context(spec))


def test_a_multiplexer_only_in_a_link_still_stops_the_pool_check() -> None:
    # The prose blanks the address, so the early exit does not see it; the pool lines do.
    assert [hit.message_id for hit in figures.figures(_context(_OVER_LIMIT))] == [
        "pool-over-limit"]
    linked = _OVER_LIMIT + "Pooled by https://pgbouncer.example.com/ pool\n"
    assert list(figures.figures(_context(linked))) == []
    named = _OVER_LIMIT + "PgBouncer sits between them.\n"
    assert list(figures.figures(_context(named))) == []


# --- consistency: sections read before the mention ----------------------------------------

def _mention_first(ctx: Context, mention: tuple[str, int] | None, keys: tuple[str, ...],
                   satisfied: Callable[[list[Section]], bool], missing_section: str,
                   missing_content: str) -> Iterator[Hit]:
    """Rules 2-4 as they were: the mention first, then the sections."""
    if mention is None:
        return
    word, line = mention
    found = ctx.sections_for(keys)
    if not found:
        yield Hit(line, missing_section, {"word": word})
    elif not satisfied(found):
        yield Hit(line, missing_content, {"word": word})


def _as_before(ctx: Context) -> dict[str, list[Hit]]:
    c = consistency
    auth: list[Hit] = []
    mention = c._first_accepted(ctx, "auth", c._is_not_this_services_auth)
    if mention is not None and not ctx.sections_for(SECURITY):
        auth = list(c.auth_security_section(ctx))  # its remaining checks are unchanged
    return {
        "queue": list(_mention_first(
            ctx, ctx.first_mention("queue", ctx.sections_for(ARCHITECTURE)), PERFORMANCE,
            lambda found: c._has_queue_metric(ctx, found),
            "queue-no-performance-section", "queue-no-metrics")),
        "transaction": list(_mention_first(
            ctx, ctx.first_mention("transaction"), TESTING,
            lambda found: c._sections_say(ctx, found, c._INTEGRATION_RE, c._INTEGRATION_WORDS),
            "transaction-no-testing-section", "transaction-no-integration-tests")),
        "external": list(_mention_first(
            ctx, c._first_accepted(ctx, "external-api", c._is_risk_line), IMPLEMENTATION,
            lambda found: c._sections_say(ctx, found, c._RETRY_RE, c._RETRY_WORDS),
            "external-api-no-implementation-section", "external-api-no-retry")),
        "auth": auth,
    }


def _now(ctx: Context) -> dict[str, list[Hit]]:
    c = consistency
    return {"queue": list(c.queue_metrics(ctx)),
            "transaction": list(c.transaction_integration_tests(ctx)),
            "external": list(c.external_api_retry(ctx)),
            "auth": list(c.auth_security_section(ctx))}


@settings(max_examples=400, deadline=None)
@given(_SPECS, _ENDINGS)
@example("# T\n\n## Architecture\nA queue of workers.\n## Performance Requirements\nplain\n", "\n")
@example("# T\n\nOne database transaction.\n## Testing Strategy\nUnit tests only.\n", "\n")
@example("# T\n\nCalls an external API.\n## Implementation Guide\nRetry with backoff.\n", "\n")
@example("# T\n\nUsers log in with JWT.\n## Notes\nplain\n", "\n")
def test_consistency_rules_report_what_they_reported_with_the_mention_first(
        text: str, ending: str) -> None:
    spec = _with_endings(text, ending)
    assert _now(_context(spec)) == _as_before(_context(spec))


@pytest.mark.parametrize("text", _REAL_SPECS)
def test_consistency_rules_report_on_real_specs_what_they_reported_before(text: str) -> None:
    assert _now(_context(text)) == _as_before(_context(text))
