"""Facts from descriptions: keyword groups, technologies, services, APIs, entities, endpoints."""

from __future__ import annotations

import pytest

from smartspec.detect import detect, find_words

PAYMENT = ("Card and PromptPay payments with a PostgreSQL ledger, Redis queue and the Stripe "
           "API. Credit, payment, billing and cost management services.")


def test_payment_description() -> None:
    facts = detect("payment-processing", PAYMENT)
    assert facts.datastores == ("PostgreSQL", "Redis")
    assert facts.external_apis == ("PromptPay", "Stripe")
    assert facts.services == ("Credit Service", "Payment Service", "Billing Service",
                              "Cost Management Service")
    assert facts.has("queue") and facts.has("fintech")
    assert facts.entities[0] == "payment"
    assert ("POST", "/api/v1/payments") in [(e.method, e.path) for e in facts.endpoints]


def test_keywords_are_word_bounded_and_case_insensitive() -> None:
    assert find_words("OAuth login via JWT", ("jwt", "login", "auth")) == ("login", "jwt")
    assert find_words("the author writes", ("auth",)) == ()
    assert find_words("see https://example.com/queue/x", ("queue",)) == ()


def test_thai_words_match_inside_thai_text() -> None:
    facts = detect("portal", "ระบบเข้าสู่ระบบสำหรับผู้ป่วย")
    assert facts.has("auth") and facts.has("healthcare")


def test_config_keywords_extend_groups() -> None:
    facts = detect("belt", "a conveyor belt", {"queue": ["conveyor"]})
    assert facts.words("queue") == ("conveyor",)


def test_explicit_endpoints_win_over_derived_ones() -> None:
    facts = detect("orders", "Serves GET /v2/orders/{id} and POST /v2/orders, and users")
    assert [(e.method, e.path) for e in facts.endpoints] == [("GET", "/v2/orders/{id}"),
                                                              ("POST", "/v2/orders")]


def test_common_words_are_not_technologies() -> None:
    assert "Go" not in detect("x", "we go to the node and express rust concerns").technologies
    assert detect("x", "Written in Go with Express").technologies == ("Go", "Express")


def test_named_apis_and_spec_ids() -> None:
    facts = detect("x", "Calls the Acme Billing API; depends on spec-core-001-authentication")
    assert "Acme Billing" in facts.external_apis
    assert facts.spec_ids == ("spec-core-001-authentication",)


def test_frameworks_are_not_services_and_names_give_an_entity() -> None:
    facts = detect("claims-api", "FastAPI service in Python storing insurance claims in PostgreSQL")
    assert facts.services == ()
    assert facts.entities == ("claim",)
    assert [(e.method, e.path) for e in facts.endpoints][:2] == [
        ("POST", "/api/v1/claims"), ("GET", "/api/v1/claims/{id}")]
    assert facts.endpoints[0].purpose == "Create a claim"


def test_articles_follow_the_sound() -> None:
    assert detect("orders", "").endpoints[0].purpose == "Create an order"
    from smartspec.prose import article

    spoken = {"url": "a", "URL": "a", "uuid": "a", "user": "a", "umbrella": "an",
              "hour": "an", "MQTT": "an", "order": "an", "device": "a"}
    assert {word: article(word) for word in spoken} == spoken


@pytest.mark.parametrize(("name", "entity"), [
    ("claims-api", "claim"),  # generic words are skipped
    ("feature-flags", "feature_flag"),  # a kind and a plural thing: the thing, of that kind
    ("lab-samples", "lab_sample"),
    ("url-shortener", "url"),  # no plural thing: the first specific word
    ("widget", "widget"),
])
def test_a_name_suggests_the_entity_when_the_description_names_none(name: str,
                                                                    entity: str) -> None:
    assert detect(name, "").entities == (entity,)
