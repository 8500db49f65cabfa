"""The one list-to-prose helper, and that every path that writes spec text uses it."""

from __future__ import annotations

import pytest

from smartspec import template_runtime
from smartspec.prose import oxford


@pytest.mark.parametrize(("items", "word", "expected"), [
    ((), "and", ""),
    (("Stripe",), "and", "Stripe"),
    (("Stripe", "PayPal"), "and", "Stripe and PayPal"),
    (("Stripe", "PayPal", "Adyen"), "and", "Stripe, PayPal, and Adyen"),
    (("a", "b", "c", "d"), "or", "a, b, c, or d"),
    ((1, 2, 3), "and", "1, 2, and 3"),
])
def test_oxford_joins_with_the_serial_comma_from_three_items(
        items: tuple[object, ...], word: str, expected: str) -> None:
    assert oxford(items, word) == expected


def test_the_templates_filter_is_the_same_function() -> None:
    assert template_runtime.SMARTSPEC_FILTERS["oxford"] is oxford
    assert template_runtime.ENVIRONMENT.filters["oxford"] is oxford


def test_the_jinja_path_uses_the_same_function() -> None:
    from smartspec.template_compiler import jinja_environment

    assert jinja_environment().filters["oxford"] is oxford
