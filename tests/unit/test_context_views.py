"""The shared views of ``Context`` are what their plain constructions give.

``_prose_by_offsets`` is how prose was built before (the raw text cut at every line's offset,
each run of fenced lines replaced by as many "\\n"s): the view built from the lines list
must give the same text and offsets. Whether prose's lines are its "\\n"-ended pieces is
decided without counting them when the text has no line break but "\\n"; the definition
counts them.
"""

from __future__ import annotations

from itertools import accumulate
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec import document
from smartspec.rules import Validator
from smartspec.rules.context import Context, _closes_at, blank_markup

TESTS = Path(__file__).resolve().parents[1]
_MATCHERS = Validator().matchers


def _context(text: str) -> Context:
    document._last = None
    return Context(document.parse(text), path="spec.md", matchers=_MATCHERS, text=text)


def _prose_by_offsets(ctx: Context) -> tuple[str, list[int]]:
    """Prose before link targets, comments, URLs and addresses are blanked (``blank_markup``),
    and its line offsets: cut from the raw text line by line."""
    lines, fenced = ctx.doc.lines, ctx.doc.fenced
    raw = "".join(lines)
    starts = list(accumulate(map(len, lines), initial=0))
    pieces = [raw[starts[i]:starts[i + 1]] if not fenced[i] else "\n" for i in range(len(lines))]
    return "".join(pieces), list(accumulate(map(len, pieces), initial=0))


def _newline_pieces_by_count(ctx: Context) -> bool:
    lines = ctx.doc.lines
    return bool(lines) and ctx.prose.count("\n") == len(lines) - (not lines[-1].endswith("\n"))


_PIECES = st.sampled_from([
    "```\n", "```py\n", "~~~\n", "code\n", "## 1. A\n", "# T\n", "text ", "→", "x", "\n",
    "\r\n", "\r", "\x0c", "\u2028", "\x85", "<!-- c -->", "<!--\n", "-->", "[a](b)",
    "https://x.io/a", "a@b.io", "```",
])


@settings(max_examples=800, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
@example("```\ncode")
@example("```\ncode\n")
@example("text")
@example("")
def test_prose_is_the_raw_text_with_fenced_lines_emptied(text: str) -> None:
    ctx = _context(text)
    plain, offsets = _prose_by_offsets(ctx)
    assert ctx.offsets == offsets
    assert ctx.prose == blank_markup(plain)
    assert ctx._newline_pieces == _newline_pieces_by_count(ctx)


def test_prose_of_every_golden_and_corpus_spec_is_the_raw_text_with_fenced_lines_emptied(
        ) -> None:
    paths = sorted((TESTS / "content" / "golden").rglob("*.md")) + sorted(
        (TESTS / "corpus" / "specs").rglob("*.md"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for variant in (text, text.replace("\n", "\r\n"), text.rstrip("\n")):
            ctx = _context(variant)
            plain, offsets = _prose_by_offsets(ctx)
            assert ctx.offsets == offsets, path
            assert ctx.prose == blank_markup(plain), path
            assert ctx._newline_pieces == _newline_pieces_by_count(ctx), path
    assert len(paths) > 100


def test_a_bare_fence_closes_a_block_as_the_closing_reader_says() -> None:
    # ``_code_blocks`` takes a run's last line that is the bare fence as its closer without
    # reading it: the reader it stands in for must agree, for each line ending.
    for fence in ("```", "~~~", "````"):
        for ending in ("\n", "\r\n", ""):
            assert _closes_at(fence + ending, 0, fence[0], len(fence))


# Only "\n" and "\r\n" breaks: ``_code_blocks`` counts "\n"s to place a closer inside a run
# of fenced lines, so a lone "\r" or another break there misplaces it (as it always has).
_NEWLINE_PIECES = st.sampled_from([
    "```\n", "```py\n", "~~~\n", "````\n", "code\n", "## 1. A\n", "text ", "\n", "\r\n",
    "```", "~~~", "  ```\n", "``` \n", "~~~~\n"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_NEWLINE_PIECES, max_size=30).map("".join))
def test_code_blocks_split_the_fenced_runs_at_their_closers(text: str) -> None:
    ctx = _context(text)
    for block in ctx.blocks:
        lines = ctx.doc.lines
        after = block.first + len(block.lines)
        assert block.lines == tuple(lines[block.first:after])
        assert block.text == "".join(block.lines)
        assert after == len(lines) or _closes_at(lines[after], 0, *_fence_of(lines[block.open_line]))


def _fence_of(line: str) -> tuple[str, int]:
    body = line.lstrip(" ")
    char = body[0]
    return char, len(body) - len(body.lstrip(char))
