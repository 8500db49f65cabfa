"""A deferred value of the template context is made when a template first asks for it, once,
and never when no template does; Jinja (the fallback) gets the values made."""

from __future__ import annotations

from smartspec.template_runtime import ENVIRONMENT, Context, Deferred, materialized


def test_made_once_when_asked() -> None:
    made: list[str] = []
    value = Deferred(lambda: made.append("x") or {"service": "PaymentService"})
    context = Context(ENVIRONMENT, {"code": value, "plain": 1}, "t")
    assert made == []
    assert context.resolve_or_missing("plain") == 1
    assert made == []
    assert context.resolve_or_missing("code") == {"service": "PaymentService"}
    assert Context(ENVIRONMENT, {"code": value}, "u").resolve("code") == {
        "service": "PaymentService"}
    assert made == ["x"]


def test_materialized_for_jinja() -> None:
    assert materialized({"code": Deferred(lambda: 3), "n": 1}) == {"code": 3, "n": 1}
