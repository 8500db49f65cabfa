"""The contracts of a model's interfaces other than its HTTP endpoints: the messages it
consumes (MQTT, Kafka, a queue), the HL7 v2 feed it applies, the FHIR resources it writes,
the webhooks it sends and the live updates it pushes.

The API section documents them next to the endpoints, so every way in and out of the service
has one home. Each payload is built from the entity it carries: its fields are the schema's
columns, its statuses the schema's states.
"""

from __future__ import annotations

from smartspec.jsontext import dumps as json_text
from smartspec.prose import article
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from smartspec.content.examples import ExampleIds
    from smartspec.model import Entity, Interface, SystemModel

# Columns the service fills itself: never part of a message it receives.
_SERVICE_COLUMNS = ("source_offset", "source_message_id", "idempotency_key")


class InterfaceContract(NamedTuple):
    title: str  # "Kafka: `tracking-events` (consumed)"
    rules: tuple[str, ...]  # one sentence each: delivery, keys, ordering, failures
    payload: str | None  # pretty JSON of one message, or None


def _payload(entity: Entity, currency: str, ids: ExampleIds, *, owner: bool = True,
             required_only: bool = False) -> dict[str, Any]:
    from smartspec.content.examples import attribute_sample

    body: dict[str, Any] = {f"{entity.owner}_id": ids.of(entity.owner)} if owner and entity.owner else {}
    for a in entity.attributes:
        if a.name in _SERVICE_COLUMNS or a.type.partition(":")[0] == "bytes":
            continue
        if required_only and not a.required:
            continue  # filled in by the service as the work goes on
        value = attribute_sample(a, currency, entity.name, ids)
        body[a.name] = "CARD" if value == "{method}" else value
    return body


def _status_rule(model: SystemModel, entity: Entity) -> tuple[str, ...]:
    """How an event consumed for an owner with a lifecycle (a carrier's event for a shipment)
    moves that owner: the reviewer's question of which event changes the status."""
    owner = next((e for e in model.entities if e.name == entity.owner and e.states), None)
    if owner is None or not any(a.name == "event_type" for a in entity.attributes):
        return ()
    moves = ", ".join(owner.states[1:])
    return (f"An event whose `event_type` is one of the {owner.label}'s states ({moves}) moves "
            f"the {owner.label} there, unless its history already holds a later one of "
            f"those (compared by `{entity.time_column or 'occurred_at'}`, so a late event "
            "never moves it back); any other type only adds to its history.",)


def _carried(model: SystemModel) -> Entity:
    """The entity a feed carries: the readings or events kept over time, else the primary."""
    return next((e for e in model.entities if e.time_column), model.entities[0])


def _socket(model: SystemModel, i: Interface, currency: str, ids: ExampleIds) -> InterfaceContract:
    """A socket carries pushes to clients and, where the model says so, positions or readings
    sent up by them: one contract with a rule for each direction."""
    rules: list[str] = []
    paths: list[str] = []
    sample: dict[str, Any] | None = None
    for op in (o for o in model.operations if o.interface == i.kind):
        entity = model.entity(op.entity) or model.entities[0]
        paths.append(f"`{op.path}`")
        if op.verb == "ingest":
            rules.append(f"On `{op.path}` {entity.owner or 'client'}s send one {entity.label} "
                         "every 5 seconds; each is stored once (its key holds "
                         f"`{entity.time_column}`) and the latest per {entity.owner or 'client'} "
                         f"is kept{' in ' + model.cache if model.cache else ''} for dispatch.")
        else:
            rules.append(f"On `{op.path}` clients subscribe to the {entity.plural_label} they "
                         "may read; each update carries the row's `updated_at`, so a client "
                         "ignores one older than what it shows, and after a reconnect it "
                         "re-reads the record over REST.")
            sample = {"type": f"{entity.name}.updated",
                      "data": {"id": ids.of(entity.name), **_payload(entity, currency, ids),
                               "updated_at": ids.time}}
    rules.insert(0, "Clients connect with the same bearer token as the API; the token is "
                    "checked once at the upgrade and the socket closes when it expires.")
    rules.append("The server pings every 30 seconds; a connection silent for 90 seconds is "
                 "closed and the client reconnects with backoff.")
    return InterfaceContract(f"{i.technology}: {', '.join(paths) or '`/ws/v1`'}", tuple(rules),
                             json_text(sample) if sample else None)


def fhir_resources(model: SystemModel) -> list[str]:
    """The FHIR resources the model's records are exchanged as, in the model's order."""
    return [e.name.capitalize() for e in model.entities
            if e.name in ("appointment", "patient", "encounter", "observation")]


def contracts(model: SystemModel, attempts: int = 3) -> list[InterfaceContract]:
    """One contract per non-HTTP interface of ``model``, in model order; ``attempts`` is the
    spec's retry figure, so a queue dead-letters after the same count its settings say."""
    found: list[InterfaceContract] = []
    currency = model.currency or "USD"
    channels = {m.technology: m.channel for m in model.messaging}
    from smartspec.content.examples import example_ids

    ids = example_ids(model.name)  # the same ids and moment as the spec's HTTP examples
    for i in model.interfaces:
        made = _contract(model, i, channels.get(i.technology, "events"), currency, attempts,
                         ids)
        if made is not None:
            found.append(made)
    return found


def _contract(model: SystemModel, i: Interface, channel: str, currency: str,
              attempts: int, ids: ExampleIds) -> InterfaceContract | None:
    entity = _carried(model)
    owner = entity.owner.replace("_", " ") if entity.owner else None
    if i.kind == "mqtt":
        topic = channel.replace("+", f"{{{entity.owner}_id}}") if entity.owner else channel
        return InterfaceContract(f"{i.technology}: `{channel}` (subscribed)", (
            f"Devices publish one {entity.label} per message to `{topic}` with QoS 1; the "
            f"service subscribes to `{channel}` with a shared subscription, so instances "
            "split the load.",
            f"The {owner or 'device'} is the one the topic names, checked against the "
            "client certificate (X.509) the device connected with; a payload cannot claim "
            "another device.",
            "QoS 1 delivers at least once: a repeated message meets the table's unique key "
            "and is stored once.",
        ), json_text(_payload(entity, currency, ids, owner=False)))
    if i.kind == "kafka" and i.direction == "inbound":
        key = f"the {owner} id" if owner else "the record id"
        return InterfaceContract(f"{i.technology}: `{channel}` (consumed)", (
            f"Each message is one {entity.label}, keyed by {key}, so the events of one "
            f"{owner or 'record'} stay in order on one partition.",
            "The consumer group commits an offset only after the message's write commits; "
            "after a restart, messages since the last commit are read again and stored once "
            + ("(`source_offset`, the partition and offset, is unique)."
               if any(a.name == "source_offset" for a in entity.attributes)
               else "(the write is idempotent by message id)."),
            *_status_rule(model, entity),
            "A message that fails validation goes to the dead-letter topic "
            f"`{channel}.dlq` with the reason; consumption goes on.",
        ), json_text(_payload(entity, currency, ids)))
    if i.kind in ("amqp", "sqs") and i.direction == "inbound":
        return InterfaceContract(f"{i.technology}: `{channel}` (consumed)", (
            f"Each message asks for one {entity.label}; it is acknowledged only after its "
            "write commits, so a crash hands it to another consumer.",
            *(("A redelivered message carries the same `message_id` property, which the "
               f"{entity.label} stores as `source_message_id` (unique), so it is stored once.",)
              if any(a.name == "source_message_id" for a in entity.attributes)
              else ("A redelivered message is recognised by its `message_id` property and "
                    "stored once.",)),
            f"A message that fails {attempts} times goes to the dead-letter queue with the "
            "reason.",
        ), json_text(_payload(entity, currency, ids, required_only=True)))
    if i.kind in ("kafka", "amqp", "sqs") and i.direction == "outbound":
        # The entity the description says the broker carries ("publish alerts to Kafka"),
        # else the first with a lifecycle.
        said = next((model.entity(o.entity) for o in model.operations
                     if o.method == "publish" and o.path == channel), None)
        target = said or next((e for e in model.entities if e.states and not e.time_column),
                              entity)
        event = {"id": f"evt_{ids.record[:8]}", "type": f"{target.name}.status_changed",
                 "occurred_at": ids.time,
                 "data": {"id": ids.of(target.name),
                          **_payload(target, currency, ids, required_only=True),
                          **({"status": target.states[min(1, len(target.states) - 1)]}
                             if target.states else {})}}
        keyed = (f"keyed by the {target.label} id, so one {target.label}'s events stay in "
                 "order on one partition" if i.kind == "kafka" else "one event per message")
        return InterfaceContract(f"{i.technology}: `{channel}` (published)", (
            f"One event per change of {article(target.label)} {target.label}, {keyed}.",
            "Events are written to an outbox table in the same transaction as the change and "
            "relayed after the commit, so an event leaves only with its change, at least once.",
            "Consumers deduplicate by event `id`; the schema of `data` changes only by adding "
            "optional fields.",
        ), json_text(event))
    if i.kind == "hl7v2":
        names = {e.name for e in model.entities}
        # The message types of what the model keeps: scheduling (SIU) and patients (ADT).
        types = "; ".join(t for t, needed in (
            ("SIU^S12 books, SIU^S13 reschedules, SIU^S15 cancels, SIU^S26 marks a no-show "
             "of an appointment", "appointment"),
            ("ADT^A04 and ADT^A08 register and update a patient", "patient"),
            ("ORU^R01 delivers lab results, one OBX segment per observation with its status "
             "(P preliminary, F final, C corrected)", "observation"))
            if needed in names) or "the message types agreed with the sender"
        return InterfaceContract(f"{i.technology} from the {i.peer} (MLLP)", (
            f"The {i.peer} connects over MLLP (TLS) to the port in `MLLP_LISTEN_PORT`; "
            "messages on one connection are applied in order.",
            f"{types[:1].upper()}{types[1:]}.",
            "Each message is answered with an ACK: `AA` after its change commits, `AE` when it "
            "cannot be applied (the reason in ERR), `AR` when it is malformed; "
            + ("its control id (MSH-10) is stored in `inbound_message.control_id` (UNIQUE) in "
               "the same transaction as its change, so a resent message finds its row, is "
               "answered with the stored ACK code and is not applied again."
               if "inbound_message" in names else
               "the control id (MSH-10) makes a resent message a no-op."),
        ), None)
    if i.kind == "fhir":
        resources = ", ".join(f"`{r}`" for r in fhir_resources(model)) or "the matching resources"
        return InterfaceContract(f"{i.technology} to the {i.peer}", (
            f"After a change commits, the service writes it to the {i.peer}'s FHIR API as "
            f"{resources}, by conditional update on the business identifier, so a retry "
            "never creates a duplicate.",
            f"A write the {i.peer} rejects (4xx) is kept with its OperationOutcome for review; "
            "5xx and timeouts are retried with backoff.",
        ), None)
    if i.kind == "webhook" and i.direction == "outbound":
        target = next((e for e in model.entities if e.states), entity)
        body = {"id": f"evt_{ids.record[:8]}", "type": f"{target.name}.status_changed",
                "created_at": ids.time,
                "data": {"id": ids.of(target.name),
                         **_payload(target, currency, ids),
                         **({"status": target.states[min(1, len(target.states) - 1)]}
                            if target.states else {})}}
        return InterfaceContract(f"Webhooks to {i.peer} (sent)", (
            f"One event per status change of {article(target.label)} {target.label}, POSTed as JSON "
            f"to each ACTIVE URL {i.peer} registered.",
            "Header `X-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of \"t.body\">` with the "
            "endpoint's own signing secret"
            + (" (in the secret manager under the endpoint's id and `secret_version`, never "
               "in the table)" if any(a.name == "secret_version" for e in model.entities
                                     for a in e.attributes) else "")
            + "; receivers reject a timestamp older than 5 minutes.",
            "Any answer but 2xx within 10 seconds is retried with exponential backoff for 24 "
            "hours; an endpoint failing that long is set DISABLED. Receivers deduplicate by "
            "event `id`.",
        ), json_text(body))
    if i.kind in ("websocket", "sse") and i.direction == "inbound":
        return _socket(model, i, currency, ids)
    return None
