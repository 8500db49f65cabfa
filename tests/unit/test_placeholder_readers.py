"""``holds_any`` answers as the plain substring tests it replaces in the placeholders rule."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec.rules import structure
from smartspec.rules.structure import _TEMPLATE_OPENERS, holds_any

_GROUPS = [(("{{", "{%"), "{"), (("FIXME",), "X"), (("XXX",), "X"), (("TODO", "TBD"), ""),
           (("TODO", "TBD"), "D")]
_PIECES = st.sampled_from(["{", "{{", "%", "{%", "X", "XX", "XXX", "FIX", "FIXME", "ME", "TOD",
                           "TODO", "TBD", "D", "x", " ", "→", "\n"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PIECES, max_size=60).map("".join), st.sampled_from(_GROUPS))
@example("X" * 30 + "XXX", (("XXX",), "X"))
@example("{ " * 40 + "{%", (("{{", "{%"), "{"))
@example("{ " * 32, (("{{", "{%"), "{"))
def test_a_text_holds_a_needle_found_through_its_anchor_as_by_searching(
        text: str, group: tuple[tuple[str, ...], str]) -> None:
    needles, anchor = group
    assert holds_any(text, needles, anchor) == any(needle in text for needle in needles)
    assert holds_any(text, _TEMPLATE_OPENERS, "{") == ("{{" in text or "{%" in text)


def test_past_its_limit_of_anchors_a_text_is_searched_whole() -> None:
    many = "X " * (structure._ANCHOR_HITS + 5)
    assert holds_any(many + "FIXME", ("FIXME",), "X")
    assert not holds_any(many, ("FIXME",), "X")
    braces = "{ " * (structure._ANCHOR_HITS + 5)
    assert holds_any(braces + "{%", _TEMPLATE_OPENERS, "{")
    assert not holds_any(braces + "{", _TEMPLATE_OPENERS, "{")
