"""Merging two system models: what an edit's words add to a spec's model (model/combine.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from smartspec.model import DEFAULT, DESCRIPTION, Origin, Store, SystemModel
from smartspec.model.combine import (
    added_facts,
    entity_key,
    interface_key,
    join_descriptions,
    merge_models,
    operation_key,
    party_key,
    stated_by_edit,
    store_key,
)
from smartspec.runs.model import model_for

ORDERS = ("Order service REST API: create, get, update, cancel and list orders, refunds per "
          "order, PostgreSQL")

# Descriptions of unrelated systems: the models they give are the values the properties
# range over, so every kind of fact (entities, operations on several interfaces, stores by
# role, parties, money) appears in some of them.
DESCRIPTIONS = (
    ORDERS,
    "also log audit events",
    "REST API for user accounts and profiles, PostgreSQL, Redis cache, JWT auth",
    "Card payments with a PostgreSQL ledger and the Stripe API, refunds, PromptPay",
    "IoT telemetry: devices publish readings over MQTT into TimescaleDB, alert on thresholds",
    "Shipment tracking: consume carrier events from Kafka, track shipments, webhooks to customers",
    "gRPC model serving on GPUs: predict and stream predictions",
    "Appointment scheduling with HL7 FHIR: schedule, reschedule and cancel appointments",
    "Django admin dashboard with Okta SSO, search and export of reports",
    "",
)


def _model(index: int, name: str = "orders") -> SystemModel:
    return model_for(name, DESCRIPTIONS[index])


MODELS = st.integers(min_value=0, max_value=len(DESCRIPTIONS) - 1).map(_model)


def _facts(model: SystemModel) -> dict[str, dict[object, object]]:
    return {
        "entities": {entity_key(e): e for e in model.entities},
        "operations": {operation_key(o): o for o in model.operations},
        "interfaces": {interface_key(i): i for i in model.interfaces},
        "stores": {store_key(s): s for s in model.stores},
        "parties": {party_key(p): p for p in model.parties},
    }


@settings(max_examples=30, deadline=None)
@given(MODELS)
def test_merging_a_model_with_itself_is_identity(model: SystemModel) -> None:
    assert merge_models(model, model) == model
    assert added_facts(model, merge_models(model, model)) == {}


@settings(max_examples=40, deadline=None)
@given(MODELS, MODELS)
def test_merge_keeps_every_fact_of_the_old_model_unchanged(old: SystemModel,
                                                           new: SystemModel) -> None:
    merged = merge_models(old, new)
    kept, after = _facts(old), _facts(merged)
    for kind, facts in kept.items():
        for identity, fact in facts.items():
            assert after[kind][identity] == fact, (kind, identity)  # the old fact wins
    # Old facts come first and in their order; the technologies and domains only grow.
    assert merged.entities[:len(old.entities)] == old.entities
    assert merged.operations[:len(old.operations)] == old.operations
    assert set(old.technologies) <= set(merged.technologies)
    assert set(old.domains) <= set(merged.domains)
    assert merged.auth == old.auth and merged.name == old.name
    assert merged.money == (old.money or new.money)


@settings(max_examples=40, deadline=None)
@given(MODELS, MODELS)
def test_merge_adds_each_new_fact_once_with_its_own_origin(old: SystemModel,
                                                           new: SystemModel) -> None:
    merged = merge_models(old, new)
    before, after, offered = _facts(old), _facts(merged), _facts(new)
    for kind, facts in offered.items():
        for identity, fact in facts.items():
            if identity not in before[kind]:
                assert after[kind][identity] == fact  # added as found, origin and all
    # No identity appears twice.
    for kind in after:
        assert len(after[kind]) == len(getattr(merged, kind))
    # What the report lists is exactly what the old model lacked.
    listed = added_facts(old, merged)
    for kind, facts in after.items():
        assert len(listed.get(kind, [])) == len(facts) - len(before[kind])


def test_the_audit_words_add_an_audit_log_to_the_order_service() -> None:
    old = model_for("orders", ORDERS)
    words = model_for("orders", "also log audit events")
    merged = merge_models(old, stated_by_edit(old, words))
    assert [e.name for e in merged.entities] == ["order", "refund", "audit_event"]
    audit = merged.entity("audit_event")
    assert audit is not None and audit.origin == Origin(DESCRIPTION, "words 'log audit'")
    assert {"actor", "action", "target_type", "target_id", "occurred_at"} <= {
        a.name for a in audit.attributes}
    # The audit log is read through the API and never written by callers.
    assert {(o.method, o.path) for o in merged.operations_of("audit_event")} == {
        ("GET", "/api/v1/audit-events/{id}"), ("GET", "/api/v1/audit-events")}
    assert merged.description == ORDERS + ". also log audit events"
    added = added_facts(old, merged)
    assert added["entities"] == ["audit_event (description: words 'log audit')"]
    assert len(added["operations"]) == 2 and "stores" not in added and "interfaces" not in added


def test_defaults_of_the_words_alone_do_not_reach_a_model_that_has_its_own() -> None:
    old = model_for("ledger", "Ledger REST API on MySQL")
    words = model_for("ledger", "also log audit events")
    assert words.stores[0].origin.source == DEFAULT  # PostgreSQL proposed for the words alone
    merged = merge_models(old, stated_by_edit(old, words))
    assert [s.technology for s in merged.stores] == [s.technology for s in old.stores]
    # A store the words name is a fact they add.
    named = model_for("ledger", "cache reads in Redis")
    assert Store("Redis", "cache", named.store("cache").origin) in merge_models(  # type: ignore[union-attr]
        old, stated_by_edit(old, named)).stores


def test_join_descriptions() -> None:
    assert join_descriptions("Orders API", "also log audit events") == \
        "Orders API. also log audit events"
    assert join_descriptions("Orders API.", "Audit log") == "Orders API. Audit log"
    assert join_descriptions("", "Audit log") == "Audit log"
    assert join_descriptions("Orders API. Audit log", "audit log") == "Orders API. Audit log"
    assert join_descriptions("Orders API", "  ") == "Orders API"
    assert join_descriptions("Exports CSV", "Exports CSV and PDF") == "Exports CSV and PDF"
    assert join_descriptions("A. revision 10", "revision 1") == "A. revision 10. revision 1"


# Letters of both cases, digits, "_" and separators: what decides a whole-word match.
_WORDISH = st.text(alphabet="abAB1_ .-,ſK", max_size=12)


@given(text=_WORDISH, words=_WORDISH.filter(bool))
@settings(max_examples=400, deadline=None)
def test_holds_is_the_whole_word_search(text: str, words: str) -> None:
    # ASCII text is searched without compiling a pattern per description; the answer is the
    # pattern's, also for the characters ignoring case treats specially (long s, Kelvin).
    import re

    from smartspec.model.combine import _holds

    expected = re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text, re.IGNORECASE) is not None
    assert _holds(text, words) is expected
