"""The cheap tests that let a pattern go uncompiled never hide one of its matches.

Each pattern on the paths of ``new`` and ``validate`` that runs only behind a plain-string
test (a literal every match holds) is paired here with that test. Hypothesis writes texts
out of the pattern's own pieces in mixed case, with the characters that fold to ASCII
letters under IGNORECASE, and checks: whenever the pattern matches, the gate says "search".
Each pair also has a text that matches, so a gate that always said "no" would fail.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartspec import detect
from smartspec.fsutil import glob_escape
from smartspec.fswrite import is_temp_of, stale_temps
from smartspec.lazyre import may_hold
from smartspec.rules import consistency, figures, schema, semantic, structure
from smartspec.specids import DESCRIPTION_ID_RE

_FOLDING = ["\u0130", "\u0131", "\u017f", "\u212a"]  # İ ı ſ K
_FILLER = [" ", "  ", "\t", "\n", "(", ")", "|", ",", ".", "/", ":", "`", "'", '"', "[", "]",
           "{", "}", "%", "-", "_", "*", "é", "ก", "1", "42", "x", "A"]


def _texts(pieces: list[str]) -> st.SearchStrategy[str]:
    """Texts made of ``pieces`` (each also upper-cased and capitalised), filler and the
    characters that fold to ASCII letters."""
    variants = sorted({v for p in pieces for v in (p, p.upper(), p.capitalize())})
    return st.lists(st.sampled_from(variants + _FILLER + _FOLDING), max_size=24).map("".join)


# (name, pattern, gate, pieces to build texts from, a text the pattern matches)
_CASES: list[tuple[str, re.Pattern[str], Callable[[str], bool], list[str], str]] = [
    ("slot or quote", consistency._SLOT_OR_QUOTE_RE, consistency._may_hold_slot_or_quote,
     ["[a]", '"b"', "\u201cc\u201d", "auth"], 'the "login" box'),
    ("example list", consistency._EXAMPLE_LIST_RE, consistency._may_hold_example_list,
     ["(", "e.g.", "eg.", "for example", "such as", " auth", ")"], "(e.g. basic auth)"),
    ("other program", consistency._OTHER_PROGRAM_RE, consistency._may_name_other_program,
     ["`gh`", " is ", "not ", "authenticated", "authorized", "logged in", "signed in",
      "must be ", "isn't "], "`gh` is not authenticated"),
    ("risk line", consistency._RISK_LINE_RE, consistency._may_be_risk_line,
     ["risk", "risks", "dependency on", "depends on", "availability of", "assumption"],
     "Risk: outage"),
    # The tool-name pattern is matched at the start of the text only.
    ("tool name", re.compile(rf"\A(?:{consistency._TOOL_NAME_RE.pattern})"),
     lambda text: text.startswith(consistency._TOOL_NOUNS),
     [*consistency._TOOL_NOUNS, "s", " x"], "plugins for auth"),
    ("template", structure._TEMPLATE_RE, lambda text: "{{" in text or "{%" in text,
     ["{{", "}}", "{%", "%}", "{", "}", "name"], "{{ name }}"),
    *[(f"marker {n}", marker, lambda text, literals=literals: any(x in text for x in literals),
       ["TODO", "TBD", "FIXME", "XXX", "TOD", "XX", "T"], "- " + literals[0])
      for n, (marker, literals) in enumerate(
          zip(structure._MARKER_RES, structure._MARKER_LITERALS, strict=True))],
    ("ellipsis cell", structure._ELLIPSIS_CELL_RE, structure._may_hold_ellipsis_cell,
     ["|", "...", "\u2026", "..", " ", "\t", "a"], "| a | ... |"),
    ("choices", structure._CHOICES_RE, lambda text: "/" in text, ["y", "N", "/", "yes"], "y/N"),
    ("list literal", structure._LIST_LITERAL_RE, lambda text: "," in text,
     ["A", "b", ",", " ", "'c'"], "A, B, C"),
    *[(f"float field {lang}", pattern,
       lambda text, lang=lang: any(w in text for w in semantic._FLOAT_FIELD_WORDS[lang]),
       ["amount", ": ", "number", "float", "float64", "Double", "Float", "double", "Single",
        " ", ";", "\n", "*"],
       {"ts": "amount: number", "py": "amount: float", "kt": "val amount: Double",
        "go": "Amount float64", "java": "double amount;", "cs": "Single amount;"}[lang])
      for lang, pattern in semantic._FLOAT_FIELD_RES.items()],
    ("operational path", semantic._OPERATIONAL, lambda text: text.startswith(
        semantic._OPERATIONAL_STARTS),
     ["/", "health", "healthz", "ready", "live", "metrics", "ping", "status", ".well-known",
      "z", "x"], "/healthz/db"),
    ("separator", semantic._SEPARATOR_RE, lambda text: text[:3] in ("---", "***", "___"),
     ["-", "*", "_", "---", " "], "-----"),
    ("percentile header", figures._PERCENTILE_HEADER_RE, lambda text: text[:1] in ("P", "p"),
     ["P", "p", "95", "9", ".5", " ms"], "P99"),
    ("alter add", schema._ALTER_ADD_RE, lambda text: schema._may_add_column(text.lower()),
     ["ALTER", "alter", " TABLE ", "table", " ", "\t", "\n", "ONLY ", "t", " ADD ", "add",
      "ADD", "COLUMN ", "amount", " INT", "address", "_add"],
     "ALTER TABLE t ADD COLUMN amount INT"),
    ("spec id", DESCRIPTION_ID_RE, lambda text: "spec-" in text,
     ["spec-", "core-", "001", "-auth", "spec", "-"], "after spec-core-001-auth"),
    ("services", detect._SERVICES_WORD_RE, lambda text: may_hold(text, ("services",)),
     ["services", "service", "servic", "es", " "], "orders and billing services"),
    ("service", detect.SERVICE_RE, lambda text: may_hold(text, ("service",)),
     ["Order ", "billing-", "service", "services", "servi", "ce"], "an order service"),
    ("named API", detect.NAMED_API_RE, lambda text: "API" in text,
     ["Stripe", " ", "API", "Api", "Pay"], "the Stripe API"),
    ("endpoint", detect.ENDPOINT_RE, lambda text: "/" in text,
     ["GET ", "POST ", "/orders", "/", "{id}"], "GET /orders/{id}"),
]


@pytest.mark.parametrize(("name", "pattern", "gate", "pieces", "example"), _CASES,
                         ids=[case[0] for case in _CASES])
def test_a_gate_never_hides_a_match(name: str, pattern: re.Pattern[str],
                                    gate: Callable[[str], bool], pieces: list[str],
                                    example: str) -> None:
    assert pattern.search(example) and gate(example), name

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(_texts(pieces))
    def check(text: str) -> None:
        assert pattern.search(text) is None or gate(text), (name, text)

    check()


@settings(max_examples=500, deadline=None, derandomize=True)
@given(_texts(["risk", "services", "auth", "kit", "sit"]),
       st.lists(st.sampled_from(["risk", "services", "auth", "kit", "sit", "e.g."]),
                min_size=1, max_size=3))
def test_may_hold_is_a_case_insensitive_search_where_nothing_folds(
        text: str, needles: list[str]) -> None:
    found = re.search("|".join(map(re.escape, needles)), text, re.IGNORECASE) is not None
    if found:
        assert may_hold(text, tuple(needles))
    if not any(char in text for char in _FOLDING):
        assert may_hold(text, tuple(needles)) == found


def test_may_hold_searches_text_with_letters_that_fold_to_ascii() -> None:
    # "rıſK" (dotless i, long s, Kelvin sign) is "RISK" to an IGNORECASE pattern.
    assert re.search("risk", "r\u0131\u017f\u212a", re.IGNORECASE)
    assert may_hold("r\u0131\u017f\u212a", ("risk",))
    assert not may_hold("no such word", ("risk",))


_NAMES = st.text(alphabet=".tmpspec*?[]!-aB", max_size=14)


@settings(max_examples=800, deadline=None, derandomize=True)
@given(_NAMES, _NAMES.filter(bool))
def test_temp_names_are_what_glob_matches(name: str, target: str) -> None:
    globbed = re.compile(fnmatch.translate(f".{glob_escape(target)}.*.tmp"),
                         re.IGNORECASE if os.path.normcase("A") == "a" else 0)
    assert is_temp_of(name, target) == (globbed.fullmatch(name) is not None)


def test_stale_temps_finds_what_path_glob_finds(tmp_path: Path) -> None:
    target = tmp_path / "spec[1].md"
    names = [".spec[1].md.ab12.tmp", ".spec[1].md..tmp", ".spec[1].md.tmp", "spec[1].md.x.tmp",
             ".spec[1].mdx.y.tmp", ".spec[1].md.a.b.tmp", ".spec[1].md.tmp.x", ".other.md.a.tmp"]
    for name in names:
        (tmp_path / name).write_text("x")
    expected = sorted(str(p) for p in tmp_path.glob(f".{glob_escape(target.name)}.*.tmp"))
    assert sorted(stale_temps(target)) == expected
    assert [Path(p).name for p in sorted(stale_temps(target))] == [
        ".spec[1].md..tmp", ".spec[1].md.a.b.tmp", ".spec[1].md.ab12.tmp"]
    assert stale_temps(tmp_path / "missing" / "spec.md") == []


def _scan_groups_always_searching(text: str,
                                  groups: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """``detect.scan_groups`` as it was: the non-Latin words' pattern run on every text."""
    owners, thai = detect._lexicon(tuple(groups.items()))
    hits = [(start, phrase) for start, phrase in detect._phrases(text) if phrase in owners]
    pattern = detect.word_pattern(thai)
    if pattern is not None:
        hits += [(m.start(), m.group(0)) for m in pattern.finditer(text)]
    found: dict[str, dict[str, None]] = {}
    for _, word in sorted(hits, key=lambda hit: hit[0]):
        for group in owners.get(word, ()):
            found.setdefault(group, {})[word] = None
    return {group: tuple(words) for group, words in found.items()}


_GROUPS = [detect.group_words(),
           # Config words with the letters that fold to ASCII ("ſqs" is "sqs" to IGNORECASE).
           detect.group_words({"queue": ["\u017fqs", "\u0131nbox"], "auth": ["คิว ok"]})]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_texts(["queue", "sqs", " kafka", "คิว", "ธุรกรรม", "api ภายนอก", "inbox", " ok",
               "login", "\u017f", "\u0131"]), st.sampled_from(_GROUPS))
def test_scan_groups_finds_what_searching_every_text_finds(
        text: str, groups: dict[str, tuple[str, ...]]) -> None:
    assert detect.scan_groups(text, groups) == _scan_groups_always_searching(text, groups)


def test_only_words_with_letters_that_fold_to_ascii_are_searched_in_ascii_text() -> None:
    assert detect._ascii_cannot_match(("\u0e04\u0e34\u0e27", "api \u0e20\u0e32\u0e22"))
    assert not detect._ascii_cannot_match(("\u017fqs",))
    assert re.search("\u017fqs", "we use SQS", re.IGNORECASE)


_BODY = _texts(["queue", "queues", "dead letter", "dead-letter", "job", "jobs", "worker",
                "คิว", "sqs", "/", ".", "-", "_", "é", "\n", "\n", "\n", "depth ", "42 ms"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(_BODY, min_size=1, max_size=3))
def test_word_lines_are_the_lines_the_group_pattern_finds(bodies: list[str]) -> None:
    from smartspec.document import parse
    from smartspec.rules import Validator
    from smartspec.rules.context import Context
    from smartspec.rules.keywords import WordMatcher
    from smartspec.wordgroups import word_pattern

    text = "# SPEC-001: Q\n\n" + "".join(
        f"## {n}. Part\n\n{body}\n\n" for n, body in enumerate(bodies, start=1))
    ctx = Context(parse(text), path="spec.md", matchers=Validator().matchers)
    nouns = consistency._queue_nouns(("sqs",))
    pattern = word_pattern(nouns)
    assert pattern is not None
    for section in ctx.doc.sections:
        found = ctx.word_lines(WordMatcher(nouns), section)
        if found is None:
            assert any(char in text for char in _FOLDING)
            continue
        expected = [ctx.line_of(m.start())
                    for m in pattern.finditer(ctx.prose, *ctx.span(section))]
        assert found == list(dict.fromkeys(expected))


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(_texts(["depth", "lag", "backlog", "latency", "age", "rate", "size", "retries",
               "per second", "per message", "per minute", "per", "5", "\u0e51", " ", "ms", "s",
               "msg/s", "/s", "g", "<", ">", "\u2264", "\u2265", "ความล่าช้า", "ความยาว",
               "ความ", "_", "garage", "stage"]))
def test_states_measure_answers_as_the_measure_pattern(text: str) -> None:
    assert consistency._states_measure(text) == (consistency._MEASURE_RE.search(text) is not None)


@pytest.mark.parametrize(("text", "expected"), [
    ("queue depth", True), ("queue-depth", True), ("garage queue", False), ("5 msg/s", True),
    ("5msgs", False), ("backlog_size", False), ("< 10 jobs", True), ("\u2264\u0e51", True),
    ("jobs per second", True), ("jobs per seconds", False), ("ความยาวคิว", True),
    ("r\u0131\u017f\u212a", False), ("LAG", True),
])
def test_states_measure_examples(text: str, expected: bool) -> None:
    assert consistency._states_measure(text) is expected
    assert (consistency._MEASURE_RE.search(text) is not None) is expected


# (name, pattern, loose words, whole words, a text the pattern matches)
_WORD_CASES: list[tuple[str, re.Pattern[str], tuple[str, ...], tuple[str, ...], str]] = [
    ("availability", figures._AVAILABILITY_WORDS_RE, *figures._AVAILABILITY_WORDS,
     "SLA: 99.9%"),
    ("retry words", figures._RETRY_WORDS_RE, *figures._RETRY_SPELLINGS, "Retrying with back-off"),
    ("deadline context", figures._DEADLINE_CONTEXT_RE, figures._DEADLINE_CONTEXT_WORDS, (),
     "gives up after it Times Out"),
    ("multiplexer", figures._MULTIPLEXER_RE, figures._MULTIPLEXER_WORDS, (), "via PgBouncer"),
    ("integration", consistency._INTEGRATION_RE, *consistency._INTEGRATION_WORDS,
     "## Integration Tests"),
    ("retry policy", consistency._RETRY_RE, *consistency._RETRY_WORDS, "retries: 3"),
]


@pytest.mark.parametrize(("name", "pattern", "loose", "whole", "example"), _WORD_CASES,
                         ids=[case[0] for case in _WORD_CASES])
def test_search_words_answers_as_the_word_pattern(name: str, pattern: re.Pattern[str],
                                                  loose: tuple[str, ...],
                                                  whole: tuple[str, ...], example: str) -> None:
    from smartspec.lazyre import holds_words, search_words

    assert holds_words(example, loose, whole) is True
    pieces = [*loose, *whole, *(w[:-1] for w in (*loose, *whole)), "retr", "y", "ies", "-",
              "off", "back", "sla", "s", "_", "9", "é", " "]

    @settings(max_examples=400, deadline=None, derandomize=True)
    @given(_texts(pieces))
    def check(text: str) -> None:
        expected = pattern.search(text) is not None
        assert search_words(pattern, text, loose, whole) == expected, (name, text)
        assert holds_words(text, loose, whole) in (None, expected), (name, text)

    check()
