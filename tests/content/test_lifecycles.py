"""Every state a table's CHECK list allows is reachable: some operation of the model enters
it, and the spec says which. Appointments are completed and marked no-shows; versioned
models are registered, promoted and retired; a resent HL7 v2 message is recognised by its
stored control id."""

from __future__ import annotations

import re

import pytest

from smartspec.content.sql import table_name
from smartspec.model import lifecycle
from smartspec.runs.model import model_for
from tests.content.cases import CASES, SYSTEMS
from tests.content.specs import fences, section, spec

STATUS_RE = re.compile(r"CREATE TABLE (\w+) \((?:(?!CREATE TABLE).)*?status VARCHAR\(\d+\) NOT NULL "
                       r"DEFAULT '(\w+)' CHECK \(status IN \(([^)]*)\)\)", re.S)


def _model(name: str):  # type: ignore[no-untyped-def]
    argv = CASES[name]
    domains = next((tuple(a.split("=", 1)[1].split(",")) for a in argv
                    if a.startswith("--domain=")), None)
    description = argv[2] if len(argv) > 2 and not argv[2].startswith("--") else ""
    return model_for(argv[1], description, domains=domains)


@pytest.mark.parametrize("name", [*sorted(SYSTEMS), *sorted(set(CASES) - set(SYSTEMS))])
def test_every_state_in_a_check_list_is_entered_by_an_operation(name: str) -> None:
    text = spec(name)
    model = _model(name)
    checked = [(t, first, re.findall(r"'(\w+)'", values))
               for block in fences(text, "sql") for t, first, values in STATUS_RE.findall(block)]
    entities = {table_name(e.name): e for e in model.entities}
    for entity in model.entities:
        # Whether or not the spec shows its DDL (a compact spec may not), the model reaches
        # every state it would list.
        assert not lifecycle.unreached(entity, model.operations), (name, entity.name)
    for table, first, values in checked:
        if table not in entities:
            continue  # the financial schema's own tables (accounts, ledger), not entities
        entity = entities[table]
        assert tuple(values) == entity.states and first in entity.states, table
        assert not lifecycle.unreached(entity, model.operations), (
            f"{name}: nothing moves a {entity.label} to "
            f"{', '.join(lifecycle.unreached(entity, model.operations))}")
    scope = section(text, "Overview")
    assert "no operation" not in scope
    # A compact overview lists operations rather than entities; a standard one says how
    # each state of each entity is entered.
    for entity in model.entities if "### " in scope else ():
        for states, ways in model.transitions(entity):
            # The overview says how each state is entered, by the operation's own address.
            assert f"{' or '.join(states)} by " in scope, (name, states)
            assert ways


def test_unreached_states_are_found() -> None:
    """The check is not vacuous: an entity whose later states nothing enters is reported."""
    model = _model("system-appointments")
    appointment = model.entity("appointment")
    assert appointment is not None
    without_steps = [o for o in model.operations
                     if not (o.entity == "appointment" and o.verb in ("complete", "no-show"))]
    assert lifecycle.unreached(appointment, without_steps) == ("COMPLETED",)
    kept = [o for o in without_steps if o.interface != "hl7v2"]
    assert lifecycle.unreached(appointment, kept) == ("COMPLETED", "NO_SHOW")


def test_appointments_are_completed_and_marked_no_shows() -> None:
    text = spec("system-appointments")
    api = section(text, "API Specification")
    for path, summary in (("/complete", "Mark an appointment completed"),
                          ("/no-show", "Mark an appointment a no-show")):
        assert f"| POST | `/api/v1/appointments/{{id}}{path}` | {summary}" in api
        assert f"`POST /api/v1/appointments/{{id}}{path}`" in section(text, "Acceptance Criteria")
    model = _model("system-appointments")
    entered = {s: [o.verb for o in model.operations if s in o.enters]
               for s in ("COMPLETED", "NO_SHOW")}
    assert entered == {"COMPLETED": ["complete"], "NO_SHOW": ["ingest", "no-show"]}
    # Each step leaves only the states that allow it.
    assert ("`POST /api/v1/appointments/{id}/complete` moves an appointment to COMPLETED only "
            "from BOOKED or RESCHEDULED; from any other state it answers `409 Conflict` and "
            "changes nothing") in section(text, "Acceptance Criteria")
    # The EHR's own no-show message is applied too, and the examples answer with the state
    # each step enters.
    assert "SIU^S26 marks a no-show" in text
    examples = section(text, "Examples")
    assert 'POST /api/v1/appointments/' in examples and '"status": "NO_SHOW"' in examples


def test_a_resent_hl7_message_is_found_by_its_stored_control_id() -> None:
    text = spec("system-appointments")
    ddl = "\n".join(fences(text, "sql"))
    assert re.search(r"CREATE TABLE inbound_message \([^;]*control_id VARCHAR\(199\) NOT NULL "
                     r"UNIQUE", ddl)
    api = section(text, "API Specification")
    assert "`inbound_message.control_id` (UNIQUE)" in api
    assert "not applied again" in api
    # Only where HL7 v2 is consumed.
    assert "inbound_message" not in spec("system-user-accounts")
    # The message log is the interface's bookkeeping: no endpoint serves it.
    assert "/inbound-messages" not in text
    assert ("a resent message (its MSH-10 control id already in `inbound_message`) is answered "
            "with the stored ACK code") in section(text, "Acceptance Criteria")


def test_versioned_models_are_registered_promoted_and_retired() -> None:
    text = spec("system-model-serving")
    (proto,) = fences(text, "proto")
    for rpc, request in (("RegisterModel", "RegisterModelRequest"),
                         ("PromoteModel", "PromoteModelRequest"),
                         ("RetireModel", "RetireModelRequest")):
        assert f"rpc {rpc}({request}) returns (Model);" in proto
    assert re.search(r"message RegisterModelRequest \{\n  string name = 1;\n  string version = 2;",
                     proto)
    assert "message PromoteModelRequest {\n  string id = 1;\n}" in proto
    # One version of a model serves at a time, which the database keeps.
    assert ("CREATE UNIQUE INDEX uq_model_name_serving ON model (name) WHERE status = "
            "'SERVING';") in "\n".join(fences(text, "sql"))
    criteria = section(text, "Acceptance Criteria")
    assert "`PromoteModel` (gRPC) moves a model to SERVING only from STAGED" in criteria
    assert "`RetireModel` (gRPC) moves a model to RETIRED only from STAGED or SERVING" in criteria
    scope = section(text, "Overview")
    assert "SERVING by `PromoteModel` (gRPC)" in scope
    assert "RETIRED by `PromoteModel` (gRPC) or `RetireModel` (gRPC)" in scope


def test_model_file_enters_must_name_a_later_state(tmp_path: object) -> None:
    import json
    from pathlib import Path

    from smartspec.model import dumps
    from tests.helpers import run_cli

    assert isinstance(tmp_path, Path)
    data = json.loads(dumps(_model("system-appointments")))
    data["operations"][0]["enters"] = ["ARCHIVED"]
    (tmp_path / "model.json").write_text(json.dumps(data), encoding="utf-8")
    result = run_cli(["new", "appointments", "--model", "model.json"], tmp_path)
    assert result.code == 2
    assert ("operations[0].enters 'ARCHIVED' is not a state of 'appointment' after its first; "
            "expected one of RESCHEDULED, CANCELLED, COMPLETED, NO_SHOW") in result.err
    assert not (tmp_path / "specs").exists()


def test_a_graphql_step_is_a_mutation() -> None:
    text = spec("system-product-search")
    assert "type Mutation {\n  archiveProduct(id: ID!): Product!\n}" in text
    assert '{"query": "mutation { archiveProduct(id: ' in section(text, "Examples")
    assert "`archiveProduct` (GraphQL) moves a product to ARCHIVED only from ACTIVE" in text


def test_a_providers_webhook_completes_refunds_too() -> None:
    """A state another entity's operation enters is qualified (``refund:COMPLETED``): the
    provider's webhook that confirms payments also settles refunds."""
    model = _model("fintech-subscriptions-python")
    refund = model.entity("refund")
    assert refund is not None and not lifecycle.unreached(refund, model.operations)
    (webhook,) = [o for o in model.operations if o.verb == "confirm"]
    assert webhook.entity != "refund"
    assert {"refund:COMPLETED", "refund:FAILED"} <= set(webhook.enters)
    scope = section(spec("fintech-subscriptions-python"), "Overview")
    assert "COMPLETED by `POST /api/v1/webhooks/stripe`" in scope


def test_steps_are_added_only_where_nothing_reaches_the_state() -> None:
    """A provider's callbacks capture a payment: no capture endpoint is invented there; a
    payment nothing confirms gets its authorize, capture, cancel and refund steps."""
    confirmed = _model("system-payments")
    assert not [o for o in confirmed.operations if o.verb in ("authorize", "capture")]
    alone = _model("fintech-java")
    steps = {o.verb: o.path for o in alone.operations if o.entity == "payment"
             and o.method == "POST" and "{id}" in o.path}
    assert steps == {"authorize": "/api/v1/payments/{id}/authorize",
                     "capture": "/api/v1/payments/{id}/capture",
                     "cancel": "/api/v1/payments/{id}/cancel",
                     "refund": "/api/v1/payments/{id}/refunds"}
    # A step is never what the system is for: the DI example still creates the payment.
    from smartspec.content.stacks import main_operation

    main = main_operation(alone)
    assert main is None or main.verb not in steps


def test_a_model_file_may_name_another_entitys_state(tmp_path: object) -> None:
    import json
    from pathlib import Path

    from smartspec.model import dumps
    from smartspec.model.io import read_model_file

    assert isinstance(tmp_path, Path)
    data = json.loads(dumps(_model("fintech-subscriptions-python")))
    webhook = next(o for o in data["operations"] if o["verb"] == "confirm")
    webhook["enters"] = ["PAID", "refund:COMPLETED"]
    (tmp_path / "ok.json").write_text(json.dumps(data), encoding="utf-8")
    read = read_model_file(tmp_path / "ok.json")
    assert next(o for o in read.operations if o.verb == "confirm").enters == (
        "PAID", "refund:COMPLETED")
    webhook["enters"] = ["refund:SETTLED"]
    (tmp_path / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(Exception, match="'refund:SETTLED' is not a state of 'refund'"):
        read_model_file(tmp_path / "bad.json")
