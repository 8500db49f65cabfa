"""The five consistency rules of the original description, with their names and default severities.

Each rule is "if the spec mentions X (in prose: never in a code block, a comment or a URL),
then section Y must say Z". Sections are found by title through the catalog, so numbered,
unnumbered and Thai headings all work; a compact spec's five sections stand in for the
standard ones they condense.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from smartspec import catalog
from smartspec.document import Heading, Section
from smartspec.lazyre import holds_words, is_word_char, lazy_re, may_hold, search_words
from smartspec.rules.base import RULES, Hit
from smartspec.rules.context import (
    ARCHITECTURE,
    ENDPOINT_SOURCES,
    EXAMPLES,
    IMPLEMENTATION,
    PERFORMANCE,
    SECURITY,
    TESTING,
    Context,
    code_spans,
)
from smartspec.rules.keywords import WordMatcher
from smartspec.rules.messages import rule_words
from smartspec.wordgroups import word_pattern

# What counts as queue metrics in a performance section: a line naming a queue (or worker,
# consumer, message) together with something measured about it.
#   "Queue depth: alert if > 1000", "Consumer lag < 10 seconds", "Message processing: < 100ms"
# The queue words (these nouns and the "queue" keyword group, config included) are found first
# by a case-insensitive search of the section; only their lines are tested for a measure.
_QUEUE_NOUNS = ("queue", "queues", "worker", "workers", "consumer", "consumers", "message",
                "messages", "job", "jobs", "dlq", "dead letter", "dead-letter", "คิว")
_MEASURE_RE = lazy_re(
    r"(?i)\b(?:depth|lag|backlog|latency|throughput|processing|age|rate|size|retries|"
    r"per (?:second|message|minute))\b|\d\s*(?:ms|s|msg/s|/s)\b|[<>≤≥]\s*\d|ความล่าช้า|ความยาว")
# The same, read without the pattern (``_states_measure``): the words, the units after a
# number, the comparison signs before one, and the Thai words.
_MEASURE_WORDS = ("depth", "lag", "backlog", "latency", "throughput", "processing", "age",
                  "rate", "size", "retries", "per second", "per message", "per minute")
_MEASURE_UNITS = ("ms", "s", "msg/s", "/s")
_MEASURE_THAI = ("ความล่าช้า", "ความยาว")
# Integration tests in a testing section: "Integration Tests", "integration testing", Thai.
_INTEGRATION_RE = lazy_re(r"(?i)\bintegration\b|บูรณาการ|การรวมระบบ")
# A retry policy: retry/retries/retried/retrying, backoff/back-off, Thai "ลองใหม่"/"ลองซ้ำ".
_RETRY_RE = lazy_re(r"(?i)\bretr(?:y|ies|ied|ying)\b|\bback-?off\b|ลองใหม่|ลองซ้ำ")
# The two patterns above as their words, loose and whole (``lazyre.search_words``).
_INTEGRATION_WORDS = (("บูรณาการ", "การรวมระบบ"), ("integration",))
_RETRY_WORDS = (("ลองใหม่", "ลองซ้ำ"),
                ("retry", "retries", "retried", "retrying", "backoff", "back-off"))
# The security part of a compact spec's Constraints & Risk Notes: "**Security:**" or a
# "### Security" heading.
_COMPACT_SECURITY_RE = lazy_re(r"(?im)^\s*(?:\*\*security\b|#{3,6}\s+security\b|\*\*ความปลอดภัย)")


# A security heading below level 2: "### Security", "#### 7.3 Security Considerations".
# A heading of any level that covers security: "### Security", "## 3. Authorization",
# "#### Authentication and Access Control".
_SECURITY_TITLE_RE = lazy_re(
    r"(?i)\bsecurity\b|\bauthenticat|\bauthori[sz]ation\b|\baccess\s+control\b|"
    r"ความปลอดภัย|ยืนยันตัวตน")
# Bracketed template slots ("[key interaction, e.g., \"reset their password\"]") and quoted
# text (a message the system shows: "GitHub authentication required") hold words that do
# not describe this service's own authentication.
_SLOT_OR_QUOTE_RE = lazy_re(r"\[[^\]\n]*\](?![(\[:])|\"[^\"\n]*\"|“[^”\n]*”")
# An auth word that names a tool ("Auth generator helper", "the Auth plugin") rather than
# this service's authentication: a capitalised word followed by a tool noun.
_TOOL_NAME_RE = lazy_re(r"(?:generator|helper|plugin|tool|command|script|template|module|"
                           r"package|library|extension|wizard|skill|hook)s?\b")
# Another program's login: "`gh` is not authenticated", "the CLI is logged in".
_OTHER_PROGRAM_RE = lazy_re(
    r"`[^`]+`\s+(?:is|isn't|is\s+not|was|wasn't|must\s+be|needs\s+to\s+be|gets)\s+"
    r"(?:not\s+)?(?:authenticated|authorized|logged\s+in|signed\s+in)\b", re.I)
# A parenthetical list of examples ("(e.g., database setup, CRUD endpoints, basic
# authentication)") illustrates kinds of work; it does not state this service's login.
_EXAMPLE_LIST_RE = lazy_re(r"\((?:e\.g\.|eg\.|for example|such as)[^)\n]*\)", re.I)
# A line that names a risk or an outside dependency rather than a call this service makes:
# "Dependency on third-party LLM availability", "Risk: third-party outage".
_RISK_LINE_RE = lazy_re(r"(?i)\brisks?\b|\bdependency\s+on\b|\bdepends\s+on\b|"
                           r"\bavailability\s+of\b|\bassumptions?\b")
# A word every match of the pattern above (or of the example list's) holds.
_RISK_WORDS = ("risk", "dependency", "depends", "availability", "assumption")
_EXAMPLE_LIST_WORDS = ("e.g.", "eg.", "for example", "such as")
_LOGIN_WORDS = ("authenticated", "authorized", "logged", "signed")
# The nouns the tool-name pattern starts with (it matches at the start of the text).
_TOOL_NOUNS = ("generator", "helper", "plugin", "tool", "command", "script", "template",
               "module", "package", "library", "extension", "wizard", "skill", "hook")


def _line_text(ctx: Context, line: int) -> str:
    return ctx.doc.lines[line]


def _in_code_span(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies in inline code: a keyword there is code
    ("`createChange(root, 'Add Auth')`")."""
    return "`" in text and any(opened <= start and end <= closed
                               for opened, closed in code_spans(text))


def _is_not_this_services_auth(ctx: Context, word: str, line: int, column: int) -> bool:
    text = _line_text(ctx, line)
    if _in_code_span(text, column, column + len(word)):
        return True
    # Each pattern runs only on a line holding a literal every match of it holds: most lines
    # hold none, and then the pattern is never compiled.
    if (_may_hold_slot_or_quote(text)
            and any(m.start() < column < m.end() for m in _SLOT_OR_QUOTE_RE.finditer(text))):
        return True
    if (_may_hold_example_list(text)
            and any(m.start() < column < m.end() for m in _EXAMPLE_LIST_RE.finditer(text))):
        return True
    after = text[column + len(word):]
    if (text[column:column + 1].isupper() and after[:1] == " "
            and after.lstrip().startswith(_TOOL_NOUNS) and _TOOL_NAME_RE.match(after.lstrip())):
        return True
    return _may_name_other_program(text) and bool(_OTHER_PROGRAM_RE.search(text))


def _may_hold_slot_or_quote(text: str) -> bool:
    return "[" in text or '"' in text or "\u201c" in text


def _may_hold_example_list(text: str) -> bool:
    return "(" in text and may_hold(text, _EXAMPLE_LIST_WORDS)


def _may_name_other_program(text: str) -> bool:
    return "`" in text and may_hold(text, _LOGIN_WORDS)


def _may_be_risk_line(text: str) -> bool:
    return may_hold(text, _RISK_WORDS)


def _is_risk_line(ctx: Context, word: str, line: int, column: int) -> bool:
    text = _line_text(ctx, line)
    return _may_be_risk_line(text) and bool(_RISK_LINE_RE.search(text))


def _first_accepted(ctx: Context, group: str,
                    rejected: Callable[[Context, str, int, int], bool]) -> tuple[str, int] | None:
    """The first mention of ``group`` in the prose that ``rejected`` does not set aside (a
    word in inline code, in a tool's name, on a risk line). The fast search finds the first
    mention; only when that one is set aside are the rest walked with the group's regex
    (whose compiling costs a one-spec run more than the search)."""
    first = ctx.first_mention(group)
    if first is None:
        return None
    on_line = ctx.mention_on(group, first[1])
    if on_line is not None and not rejected(ctx, on_line[0], first[1], on_line[1]):
        return on_line[0].lower(), first[1]
    matcher = ctx.matchers[group]
    pattern = matcher.pattern or word_pattern(matcher.words)
    if pattern is None:
        return None
    prose = ctx.prose
    for match in pattern.finditer(prose, ctx.offsets[first[1]]):
        line = ctx.line_of(match.start())
        column = match.start() - ctx.offsets[line]
        if not rejected(ctx, match.group(0), line, column):
            return match.group(0).lower(), line
    return None


@lru_cache(maxsize=64)
def _queue_nouns(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*_QUEUE_NOUNS, *words)))


@lru_cache(maxsize=64)
def _queue_noun_matcher(nouns: tuple[str, ...]) -> WordMatcher:
    return WordMatcher(nouns)


def _queue_noun_lines(ctx: Context, nouns: tuple[str, ...], section: Section) -> list[int]:
    """The lines of ``section`` where a queue noun starts: by the fast search where it reads
    the text exactly (the nouns' pattern, a large alternation, is then never compiled), else
    by the pattern."""
    found = ctx.word_lines(_queue_noun_matcher(nouns), section)
    if found is not None:
        return found
    pattern = word_pattern(nouns)
    assert pattern is not None
    start, end = ctx.span(section)
    return list(dict.fromkeys(ctx.line_of(m.start()) for m in pattern.finditer(ctx.prose, start, end)))


def _states_measure(text: str) -> bool:
    """``_MEASURE_RE.search(text)`` answered with str methods, so that a spec's few queue
    lines do not pay for compiling the pattern: a measure word standing as a whole word, a
    unit after a number, a comparison sign before one, or a Thai word. A text holding a
    letter that IGNORECASE takes for an ASCII one (İ, ı, ſ, the Kelvin sign) is asked of the
    pattern itself."""
    words = holds_words(text, _MEASURE_THAI, _MEASURE_WORDS)
    if words is None:
        return _MEASURE_RE.search(text) is not None
    if words:
        return True
    lowered = text.lower()  # as long as ``text`` (no İ), so offsets agree
    size = len(text)
    for index, char in enumerate(text):
        if char.isdecimal():
            unit = index + 1
            while unit < size and text[unit].isspace():
                unit += 1
            for spelling in _MEASURE_UNITS:
                end = unit + len(spelling)
                if (lowered.startswith(spelling, unit)
                        and (end == size or not is_word_char(text[end]))):
                    return True
        elif char in "<>≤≥":
            number = index + 1
            while number < size and text[number].isspace():
                number += 1
            if number < size and text[number].isdecimal():
                return True
    return False


def _has_queue_metric(ctx: Context, sections: list[Section]) -> bool:
    prose = ctx.prose
    nouns = _queue_nouns(ctx.matchers["queue"].words if "queue" in ctx.matchers else ())
    for section in sections:
        for line in _queue_noun_lines(ctx, nouns, section):
            if _states_measure(prose[ctx.offsets[line]:ctx.offsets[line + 1]]):
                return True
    return False


def _expects_examples(ctx: Context) -> bool:
    """Whether this spec is meant to carry an Examples section: the generated section list
    says so, else the profile does; a hand-written spec without a profile always is."""
    if ctx.generated_sections is not None:
        return "examples" in ctx.generated_sections
    if ctx.profile is not None:
        return not ctx.compact and "examples" in catalog.PROFILE_SECTIONS[ctx.profile]
    return True


def _example_under(ctx: Context, heading: Heading) -> bool:
    """Whether a code block stands under an endpoint's own heading ("### POST /orders"),
    before the next heading of its level or above: an example given with the endpoint."""
    following = [h.line for h in ctx.doc.headings
                 if h.line > heading.line and h.level <= heading.level]
    end = following[0] if following else len(ctx.doc.lines)
    return any(ctx.doc.fenced[heading.line + 1:end])


@RULES.rule(
    "SS001", "api-example-coverage", severity="warn",
    description="Each endpoint defined in the Architecture or API section has an example "
                "in the Examples section.",
    **rule_words("api-example-coverage")
)
def api_example_coverage(ctx: Context) -> Iterator[Hit]:
    endpoints = ctx.endpoints_in(ctx.sections_for(ENDPOINT_SOURCES))
    if not endpoints:
        return
    examples = ctx.sections_for(EXAMPLES)
    if not examples and not _expects_examples(ctx):
        return
    shown = ctx.example_paths(examples)
    for endpoint in endpoints:
        heading = ctx.heading_on(endpoint.line)
        if heading is not None and _example_under(ctx, heading):
            continue
        if not any(endpoint.matches(token) for token in shown.get(endpoint.method, ())):
            yield Hit(endpoint.line, "api-no-example", {"endpoint": str(endpoint)})


@RULES.rule(
    "SS002", "queue-metrics", severity="error",
    description="A queue or worker in the Architecture comes with queue metrics in the "
                "Performance Requirements.",
    **rule_words("queue-metrics")
)
def queue_metrics(ctx: Context) -> Iterator[Hit]:
    # The mention is looked for in the Architecture alone, which costs less than reading the
    # Performance Requirements for queue metrics, and most specs name no queue there: it is
    # asked first.
    mention = ctx.first_mention("queue", ctx.sections_for(ARCHITECTURE))
    if mention is None:
        return
    yield from _mention_needs(ctx, lambda: mention, PERFORMANCE,
                              lambda found: _has_queue_metric(ctx, found),
                              "queue-no-performance-section", "queue-no-metrics")


@RULES.rule(
    "SS003", "transaction-integration-tests", severity="warn",
    description="A spec that mentions transactions or ACID defines integration tests in "
                "its Testing section.",
    **rule_words("transaction-integration-tests")
)
def transaction_integration_tests(ctx: Context) -> Iterator[Hit]:
    yield from _mention_needs(ctx, lambda: ctx.first_mention("transaction"), TESTING,
                              lambda found: _sections_say(ctx, found, _INTEGRATION_RE,
                                                          _INTEGRATION_WORDS),
                              "transaction-no-testing-section", "transaction-no-integration-tests")


@RULES.rule(
    "SS004", "external-api-retry", severity="warn",
    description="A spec that mentions an external or third-party API defines a retry "
                "policy in its Implementation Guide.",
    **rule_words("external-api-retry")
)
def external_api_retry(ctx: Context) -> Iterator[Hit]:
    yield from _mention_needs(ctx, lambda: _first_accepted(ctx, "external-api", _is_risk_line),
                              IMPLEMENTATION,
                              lambda found: _sections_say(ctx, found, _RETRY_RE, _RETRY_WORDS),
                              "external-api-no-implementation-section", "external-api-no-retry")


def _sections_say(ctx: Context, sections: list[Section], pattern: re.Pattern[str],
                  words: tuple[tuple[str, ...], tuple[str, ...]]) -> bool:
    """``ctx.search(pattern, sections)`` for a word pattern given also as its words: each
    section's text is searched for the words (a section starts a line, so its edges are word
    boundaries either way), and the pattern is compiled only where they cannot say."""
    prose = ctx.prose
    return any(search_words(pattern, prose[start:end], *words)
               for start, end in (ctx.span(section) for section in sections))


def _mention_needs(ctx: Context, mention: Callable[[], tuple[str, int] | None],
                   keys: tuple[str, ...], satisfied: Callable[[list[Section]], bool],
                   missing_section: str, missing_content: str) -> Iterator[Hit]:
    """The shape of rules 2-4: a keyword mentioned (``mention()``) needs sections ``keys``
    to exist and to satisfy a check; report at the mention's line which one fails.

    The sections are read first: when they satisfy the check nothing is reported whatever
    the spec mentions, and most specs' sections do, while finding the first mention of a
    keyword group that a spec does not mention searches the whole text for every word."""
    found = ctx.sections_for(keys)
    if found and satisfied(found):
        return
    mentioned = mention()
    if mentioned is None:
        return
    word, line = mentioned
    yield Hit(line, missing_content if found else missing_section, {"word": word})


@RULES.rule(
    "SS005", "auth-security-section", severity="error",
    description="A spec that mentions authentication, login or JWT has a Security section.",
    **rule_words("auth-security-section")
)
def auth_security_section(ctx: Context) -> Iterator[Hit]:
    if ctx.sections_for(SECURITY):
        return  # asked first: it settles most specs without reading their text
    mention = _first_accepted(ctx, "auth", _is_not_this_services_auth)
    if mention is None:
        return
    if any(_SECURITY_TITLE_RE.search(h.title) for h in ctx.doc.headings if h.level > 1):
        return  # "### Security" or "## Authorization" covers it as a security section does
    if ctx.compact and ctx.search(_COMPACT_SECURITY_RE, ctx.sections_for(("compact-constraints",))):
        return
    word, line = mention
    yield Hit(line, "auth-no-security", {"word": word})
