"""Which lifecycle states each operation moves its entity into.

A table's CHECK lists every state a record may be in; a state nothing moves a record into is
a promise the service cannot keep (an appointment that can never be ``COMPLETED``). The
model therefore records, per operation, the states it enters (``Operation.enters``), and
the builder adds a step for a state no caller can reach. What enters a state is data: the
entity catalogue says which verbs move a known entity where (a provider's signed callback
captures a payment; the EHR's SIU^S26 marks a no-show), and a verb's own name says it for
the usual steps (``cancel`` enters ``CANCELLED``).

Pure: no I/O beyond the catalogue the builder already reads.
"""

from __future__ import annotations

from smartspec.model import Entity, Operation

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any

# What a step's verb enters, by the words its state names use: a ride that is dispatched
# has its driver assigned; a model that is promoted is serving.
VERB_ENTERS: dict[str, tuple[str, ...]] = {
    "dispatch": ("ASSIGNED", "DISPATCHED"), "assign": ("ASSIGNED",),
    "start": ("IN_PROGRESS", "STARTED"), "complete": ("COMPLETED", "DONE"),
    "ship": ("SHIPPED", "IN_TRANSIT"), "activate": ("ACTIVE",), "suspend": ("SUSPENDED",),
    "close": ("CLOSED",), "reject": ("REJECTED",), "cancel": ("CANCELLED", "CANCELED"),
    "approve": ("APPROVED",), "reschedule": ("RESCHEDULED",), "no-show": ("NO_SHOW",),
    "promote": ("SERVING",), "retire": ("RETIRED",), "void": ("VOID",),
    "archive": ("ARCHIVED",),
}
# Operations that replace a record's fields, its status among them: a PATCH or PUT of the
# record, or the admin site's change form, may set any listed state.
_GENERAL_CHANGES = frozenset({"update"})
# Interfaces a caller uses to move a record on purpose (not a provider's callback, a feed
# or a job): a state only they can reach is reachable by the service's users.
CALLER_INTERFACES = frozenset({"rest", "grpc", "graphql", "admin", "websocket"})


def enters(op: Operation, entity: Entity, catalogue: Mapping[str, Any] | None = None
           ) -> tuple[str, ...]:
    """The states of ``entity`` that ``op`` may move a record into, in the entity's order;
    ``catalogue`` is the entity's catalogue entry (its ``enters`` map: state -> verbs)."""
    if not entity.states or op.entity != entity.name:
        return ()
    later = entity.states[1:]
    if op.verb.startswith("mark-"):
        named = op.verb.removeprefix("mark-").replace("-", "_").upper()
        return (named,) if named in later else ()
    if op.verb in _GENERAL_CHANGES and op.method in ("PATCH", "PUT", "POST"):
        return later
    stated: dict[str, Sequence[str]] = dict((catalogue or {}).get("enters", {}))
    found = [s for s in later if op.verb in stated.get(s, ())]
    for word in VERB_ENTERS.get(op.verb, ()):
        found += [s for s in later if (s == word or s.endswith("_" + word)) and s not in found]
    return tuple(s for s in later if s in found)


def all_enters(op: Operation, entities: Mapping[str, Entity],
               catalogue: Mapping[str, Mapping[str, Any]]) -> tuple[str, ...]:
    """The states ``op`` enters: its own entity's (``CAPTURED``), then other entities' it
    moves as a side effect, qualified (``refund:COMPLETED``: the provider's webhook that
    confirms payments also completes refunds), as the catalogue's ``enters_via`` says."""
    entity = entities.get(op.entity)
    found = list(enters(op, entity, catalogue.get(op.entity))) if entity is not None else []
    for name, other in entities.items():
        if name == op.entity or not other.states:
            continue
        via: Mapping[str, Sequence[str]] = (catalogue.get(name) or {}).get("enters_via", {})
        found += [f"{name}:{s}" for s in other.states[1:] if op.verb in via.get(s, ())]
    return tuple(found)


def entered(entity: Entity, operations: Iterable[Operation]) -> set[str]:
    """The states of ``entity`` some operation enters, by itself or as a side effect."""
    found: set[str] = set()
    for o in operations:
        for state in o.enters:
            name, _, qualified = state.rpartition(":")
            if (name or o.entity) == entity.name:
                found.add(qualified)
    return found


def unreached(entity: Entity, operations: Iterable[Operation]) -> tuple[str, ...]:
    """The states after the first that no operation of the model enters."""
    reached = entered(entity, operations)
    return tuple(s for s in entity.states[1:] if s not in reached)


def guard(op: Operation, catalogue: Mapping[str, Any] | None
          ) -> tuple[str, tuple[str, ...]] | None:
    """(the state a catalogue step enters, the states it may move a record out of): an
    appointment is completed only while BOOKED or RESCHEDULED. None when the catalogue
    states no guard for the step."""
    for step in (catalogue or {}).get("steps", ()):
        if step["verb"] == op.verb and step.get("from"):
            return str(step["state"]), tuple(step["from"])
    return None
