"""Rule helpers that once asked a regular expression now answer with ``str`` operations, so
that checking a spec compiles fewer patterns. Each is held here to the pattern it replaced
(written out below as the definition), on every line of the golden specs and on generated
text made of the pieces the pattern cares about."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec.lazyre import search_words
from smartspec.rules import context, figures, schema, semantic
from tests.helpers import spec_lines

PARAM_SEGMENT = re.compile(r"^(?:\{[^/{}]*\}|:[A-Za-z_]\w*|<[^/<>]*>)$")
PER_SERVICE = re.compile(r"(?i)\bper[- ]service\b")
SQL_COMMENT = re.compile(r"--[^\n]*")
PATH_TOKEN = re.compile(r"/[^\s\"'`)?#,;|]*")
METHOD = re.compile(r"(?<![A-Za-z])(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)(?![A-Za-z])")
ANY_PERCENTILE = re.compile(r"[Pp]\d\d(?:\.\d+)?(?![\d.])")

PIECES = ["/", "//", "{", "}", "{id}", "<", ">", "<id>", ":", ":id", ":_x1", ":1", "_", "a",
          "payments", "v1", "é", "٣", "\n", " ", "-", "--", "---", "per", "Per", "service",
          "SERVICE", "per-service", "per service", "p", "P", "p99", "P95", "9", ".", "x", "ſ",
          "İ", "K", "'", "SELECT 1", "\t", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD",
          "OPTIONS", "GETS", "é", "?", "#", ",", ";", "|", ")", '"', "`", "\u2003"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


def _old_path_pattern(path: str) -> re.Pattern[str]:
    parts = [r"[^/]+" if PARAM_SEGMENT.match(segment) else re.escape(segment)
             for segment in path.strip("/").split("/")]
    return re.compile("/" + "/".join(parts) + "/?")


def _check(text: str) -> None:
    for segment in {text, *text.split("/")}:
        assert context.is_param_segment(segment) == (PARAM_SEGMENT.match(segment) is not None)
    assert semantic._is_per_service(text) == (PER_SERVICE.search(text) is not None)
    assert context._path_tokens(text) == tuple(PATH_TOKEN.findall(text))
    assert context._method_names(text) == METHOD.findall(text)
    assert [m.span() for m in figures._percentile_labels(text)] == [
        m.span() for m in ANY_PERCENTILE.finditer(text)]
    assert schema._strip_sql_comments(text) == SQL_COMMENT.sub(
        lambda m: " " * len(m.group(0)), text)
    assert semantic._entity_key(text) == semantic._entity_key(re.sub(r"[^a-z0-9]", "",
                                                                     text.lower()))


def _check_path(path: str, token: str) -> None:
    endpoint = context.Endpoint("GET", path, 0)
    assert endpoint.matches(token) == (_old_path_pattern(path).fullmatch(token) is not None)


def test_readers_agree_with_their_patterns_on_every_golden_line() -> None:
    lines = spec_lines()
    assert len(lines) > 1000
    for line in lines:
        _check(line)
    tokens = sorted({token for line in lines for token in re.findall(r"/[^\s\"'`)?#,;|]*", line)})
    assert len(tokens) > 50
    # Every path against a spread of the tokens, and against itself with and without a
    # trailing slash.
    spread = tokens[::max(1, len(tokens) // 200)]
    for path in tokens[::max(1, len(tokens) // 80)]:
        for token in [*spread, path, path + "/", path.rstrip("/")]:
            _check_path(path, token)


@settings(max_examples=500, deadline=None)
@given(TEXT, TEXT)
@example("/api/v1/payments/{id}", "/api/v1/payments/42/")
@example("/", "//")
@example("/a//b", "/a//b")
@example("/{id}\n", "/x\n")
@example("/orders/:id", "/orders/")
def test_readers_agree_with_their_patterns_on_generated_text(first: str, second: str) -> None:
    _check(first)
    _check_path(first, second)
    _check_path("/" + first, "/" + second)


def test_percent_lines_are_the_lines_holding_a_percent_sign() -> None:
    from smartspec.document import parse
    text = "# T\n\n## 1. SLA\n\nUptime 99.9% a year\nnext\nmore\nlast\n```\n50%\n```\n"
    ctx = context.Context(parse(text), path="spec.md", matchers={})
    found = figures._with_following(ctx, ctx.lines_with(("%",)), after=2)
    assert [index for index, _ in found] == [4, 5, 6]


BRACE = re.compile(r"[{}]")


OBJECT_KEY = re.compile(r"(?:^|[{,])\s*([A-Za-z_]\w*)\s*[:=]")


def _old_enclosing_keys(text: str, at: int) -> set[str]:
    """``semantic._enclosing_keys`` as it read braces with a pattern."""
    depth, start = 0, -1
    window = max(0, at - 2000)
    for match in reversed(list(BRACE.finditer(text, window, at))):
        if match.group(0) == "}":
            depth += 1
        elif depth == 0:
            start = match.start()
            break
        else:
            depth -= 1
    if start < 0:
        return set()
    depth, end = 0, len(text)
    for match in BRACE.finditer(text, start, start + 4000):
        depth += 1 if match.group(0) == "{" else -1
        if depth == 0:
            end = match.start()
            break
    flat = semantic._top_level_text(text[start + 1:end])
    return {semantic.snake(k) for k in OBJECT_KEY.findall(flat.replace("\n", ","))}


BRACED = st.lists(st.sampled_from(["{", "}", "{ ", " }", "a: 1", ", ", "b = 2", "\n", "x",
                                   "userId: id", "{}", "}}", "{{"]), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(BRACED, st.integers(min_value=0, max_value=200))
@example("{ a: 1, b: { c: 2 } }", 8)
@example("} { a: 1 }", 5)
def test_enclosing_keys_read_without_a_pattern_as_with_one(text: str, at: int) -> None:
    at = min(at, len(text))
    assert semantic._enclosing_keys(text, at) == _old_enclosing_keys(text, at)


def test_enclosing_keys_reach_as_far_as_they_did() -> None:
    # The windows: 2000 characters back for the opening brace, 4000 on for its closing one.
    for text, at in (("{ a: 1," + " " * 2100 + "b: 2 }", 2100),
                     ("{ a: 1," + " " * 1990 + "b: 2 " + " " * 2100 + "}", 1000),
                     ("{ a: { b: 1 }" + " " * 10 + "c: 2 }", 20)):
        assert semantic._enclosing_keys(text, at) == _old_enclosing_keys(text, at)


def test_thai_is_told_without_a_pattern() -> None:
    from smartspec.model import build
    for text in ("payments", "ชำระเงิน", "café", "x\u0e7fy", "\u0e80", "\u0dff"):
        assert build._holds_thai(text) == (re.search(r"[\u0E00-\u0E7F]", text) is not None)


CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
INLINE_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
HTML_TAG = re.compile(r"<[^>]+>")
EMPHASIS = re.compile(r"(?<!\w)[*_]+|[*_]+(?!\w)")
TITLES = st.lists(st.sampled_from(["createdAt", "CreatedAt", "user_id", "ID", "aB", "9Z", "é",
                                   "K", "[x](#y)", "![i](p)", "](", "<b>", "<", ">", "*", "**",
                                   "_", "__a__", "`", " ", "Data Model", "ÀB", "a1B"]),
                  max_size=10).map("".join)


def _old_normal_title(text: str) -> str:
    text = INLINE_LINK.sub(r"\1", text).replace("`", "").replace("*", "")
    return " ".join(text.lower().split()).strip(" .:")


def _check_title(text: str) -> None:
    assert schema.snake(text) == CAMEL.sub("_", text).lower()
    assert semantic._normal_title(text) == _old_normal_title(text)
    unlinked = HTML_TAG.sub("", INLINE_LINK.sub(r"\1", text)).replace("`", "")
    assert semantic._rendered_text(text) == EMPHASIS.sub("", unlinked).replace("*", "")


def test_titles_are_read_as_the_patterns_read_them_on_every_golden_line() -> None:
    for line in spec_lines():
        _check_title(line.rstrip("\n"))


@settings(max_examples=400, deadline=None)
@given(TITLES)
def test_titles_are_read_as_the_patterns_read_them_on_generated_text(text: str) -> None:
    _check_title(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT.map(lambda text: text.replace("\n", " ")), max_size=5))
def test_per_service_titles_are_told_by_one_search_of_them_joined(titles: list[str]) -> None:
    # diagram-agreement asks every title only when the titles joined by line breaks hold a
    # match: no match may span two titles, nor be missed in the joined text.
    joined = "\n".join(titles)
    assert search_words(semantic._PER_SERVICE_RE, joined, (), semantic._PER_SERVICE_WORDS) == any(
        PER_SERVICE.search(title) for title in titles)
