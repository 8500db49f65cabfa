"""Rule helpers that once asked a regular expression now answer with ``str`` operations, so
that checking a spec compiles fewer patterns. Each is held here to the pattern it replaced
(written out below as the definition), on every line of the golden specs and on generated
text made of the pieces the pattern cares about."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec.rules import context, figures, schema, semantic

PARAM_SEGMENT = re.compile(r"^(?:\{[^/{}]*\}|:[A-Za-z_]\w*|<[^/<>]*>)$")
PER_SERVICE = re.compile(r"(?i)\bper[- ]service\b")
SQL_COMMENT = re.compile(r"--[^\n]*")
ANY_PERCENTILE = re.compile(r"[Pp]\d\d(?:\.\d+)?(?![\d.])")

PIECES = ["/", "//", "{", "}", "{id}", "<", ">", "<id>", ":", ":id", ":_x1", ":1", "_", "a",
          "payments", "v1", "é", "٣", "\n", " ", "-", "--", "---", "per", "Per", "service",
          "SERVICE", "per-service", "per service", "p", "P", "p99", "P95", "9", "٣", ".", "x", "ſ", "İ", "K", "'", "SELECT 1", "\t"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


def _golden_lines() -> list[str]:
    root = Path(__file__).resolve().parents[1] / "data"
    return [line for path in sorted(root.rglob("*.md"))
            for line in path.read_text(encoding="utf-8").splitlines(keepends=True)]


def _old_path_pattern(path: str) -> re.Pattern[str]:
    parts = [r"[^/]+" if PARAM_SEGMENT.match(segment) else re.escape(segment)
             for segment in path.strip("/").split("/")]
    return re.compile("/" + "/".join(parts) + "/?")


def _check(text: str) -> None:
    for segment in {text, *text.split("/")}:
        assert context.is_param_segment(segment) == (PARAM_SEGMENT.match(segment) is not None)
    assert semantic._is_per_service(text) == (PER_SERVICE.search(text) is not None)
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
    lines = _golden_lines()
    assert len(lines) > 1000
    for line in lines:
        _check(line)
    tokens = sorted({token for line in lines for token in re.findall(r"/[^\s\"'`)?#,;|]*", line)})
    assert len(tokens) > 50
    paths = tokens[::7]
    for path in paths:
        for token in tokens[::5] + [path, path + "/", path.rstrip("/")]:
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
