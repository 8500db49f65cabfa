"""Two checks run on every spec without their patterns now: where user text could open a
Markdown block (render.user_text) and whether a description asks for stored value
(content.system.asks_stored_value). Both must answer as the patterns they replace do."""

from __future__ import annotations

import random
import re

from smartspec import render
from smartspec.content.system import STORED_VALUE_RE, asks_stored_value
from smartspec.markers import inline_user_text

_BLOCK_START = re.compile(r"^(?:[#`~>< \t*+\-=|_]|\d+[.)])")


def _by_the_pattern(text: str) -> str:
    safe = inline_user_text(text)
    match = _BLOCK_START.match(safe)
    if match is None:
        return safe
    if match.group(0)[:1].isdigit():
        end = match.end() - 1
        return safe[:end] + "\\" + safe[end:]
    return "\\" + safe


def test_user_text_escapes_what_the_pattern_escaped() -> None:
    chance = random.Random(11)
    alphabet = "#`~>< \t*+-=|_.)1234\u0663\u0664\u00b2abc\u00a0"
    cases = ["## Security", "1. first", "12) twelve", "\u0663. Arabic-Indic three", "²) not",
             "2024 plan", "3", "", "-", " lead", "plain"]
    cases += ["".join(chance.choice(alphabet) for _ in range(chance.randint(0, 7)))
              for _ in range(20000)]
    for text in cases:
        assert render.user_text(text) == _by_the_pattern(text), repr(text)
    assert render.user_text("1. first") == "1\\. first"
    assert render.user_text("## Security") == "\\## Security"


def test_asks_stored_value_answers_as_the_pattern() -> None:
    chance = random.Random(12)
    words = ["credit", "credits card", "credit cards", "Wallet", "top-up", "TOPUPS", "top up",
             "prepaid", "points", "Balance", "KREDIT", "\u017ftop", "\u0130", "topic", "x", "and"]
    for _ in range(20000):
        text = " ".join(chance.choice(words) for _ in range(chance.randint(0, 4)))
        assert asks_stored_value(text) == (STORED_VALUE_RE.search(text) is not None), text
    assert asks_stored_value("Customers top up a wallet")
    assert not asks_stored_value("Card payments with a credit card")
