"""``blank_markup`` finds comments and link targets through one character ("<", "]"):
held here to the plain searches for the whole needles it stands in for."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec.rules import context
from smartspec.rules.context import _marked_at, blank_markup

TESTS = Path(__file__).resolve().parents[1]


def _blank_markup_by_whole_needles(text: str) -> str:
    """``blank_markup`` as it read before: each comment and link target found by a search
    for "<!--" and "](" themselves."""
    if "](" in text:
        text = context._LINK_TARGET_RE.sub(context._blank, text)
    spans = []
    if "<!--" in text:
        at = text.find("<!--")
        while at >= 0:
            end = text.find("-->", at + 4)
            stop = len(text) if end < 0 else end + 3
            spans.append((at, stop))
            at = text.find("<!--", stop)
    if "://" in text or "www." in text:
        spans += context._url_spans(text)
    if "@" in text:
        spans += context._email_spans(text)
    return context._blank_spans(text, spans) if spans else text


_PIECES = st.sampled_from([
    "<", "<!", "<!-", "<!--", "-->", "--", ">", "]", "](", "(", ")", "[a](b)", "](x)\n",
    "<!-- c -->", "text ", "\n", "→", "https://x.io", "a@b.io", "<<!--", "]](",
])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join))
@example("<<!-- a --> ]](b)")
@example("<!--")
@example("")
def test_blank_markup_is_what_whole_needle_searches_give(text: str) -> None:
    assert blank_markup(text) == _blank_markup_by_whole_needles(text)


@given(st.text(alphabet="<!-]( x", max_size=30), st.sampled_from(["<!--", "](", "-->"]),
       st.integers(min_value=0, max_value=31))
def test_marked_at_is_find(text: str, needle: str, start: int) -> None:
    assert _marked_at(text, needle, start) == text.find(needle, start)


def test_blank_markup_of_every_golden_and_corpus_spec_is_unchanged() -> None:
    paths = sorted((TESTS / "content" / "golden").rglob("*.md")) + sorted(
        (TESTS / "corpus" / "specs").rglob("*.md"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert blank_markup(text) == _blank_markup_by_whole_needles(text), path
    assert len(paths) > 100
