"""Two SystemModels as one: what an edit's words add to the model a spec was written from.

An edit such as ``"also log audit events"`` states new facts; it does not restate the system.
So the model of those words is merged into the spec's stored model instead of replacing it:
every fact the spec had stays, and the words add what it lacked. Facts are matched by the
identity a reader would use (an entity by name, an operation by verb, entity and path, an
interface by kind and direction, a store by technology, a party by name); when both models
hold a fact, the old one wins, and every fact keeps the origin it was found with.

Pure functions: nothing is read or written here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

from smartspec.model import (
    DEFAULT,
    Actor,
    Entity,
    Interface,
    Messaging,
    Operation,
    Party,
    Store,
    SystemModel,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    _Fact = TypeVar("_Fact")

# The kinds of fact an edit report lists, in the order it lists them.
ADDED_KINDS = ("entities", "operations", "interfaces", "stores", "parties")


def entity_key(entity: Entity) -> Hashable:
    return entity.name


def operation_key(operation: Operation) -> Hashable:
    return (operation.verb, operation.entity, operation.path)


def interface_key(interface: Interface) -> Hashable:
    return (interface.kind, interface.direction)


def store_key(store: Store) -> Hashable:
    return store.technology


def party_key(party: Party) -> Hashable:
    return party.name


def actor_key(actor: Actor) -> Hashable:
    return actor.name


def messaging_key(messaging: Messaging) -> Hashable:
    return (messaging.technology, messaging.direction, messaging.channel)


def _union(old: Iterable[_Fact], new: Iterable[_Fact],
           key: Callable[[_Fact], Hashable]) -> tuple[_Fact, ...]:
    """``old`` in its order, then each fact of ``new`` whose identity ``old`` lacks."""
    kept = list(old)
    seen = {key(fact) for fact in kept}
    for fact in new:
        identity = key(fact)
        if identity not in seen:
            seen.add(identity)
            kept.append(fact)
    return tuple(kept)


def join_descriptions(old: str, words: str) -> str:
    """The description a spec records after an edit: the old one, then the edit's words, so
    that building the model again from it finds the facts of both. Words the description
    already holds are not written twice (an edit repeated is still one edit), and words that
    hold the whole description ("Exports CSV" -> "Exports CSV and PDF") take its place."""
    old_text, added = old.strip(), words.strip()
    if not added or _holds(old_text, added):
        return old
    if not old_text or _holds(added, old_text):
        return added  # the words restate the description and say more
    joiner = " " if old_text.endswith((".", "!", "?", ";", ":")) else ". "
    return f"{old_text}{joiner}{added}"


def _holds(text: str, words: str) -> bool:
    """``words`` appear in ``text`` as whole words ("revision 1" is not in "revision 10"),
    ignoring case."""
    if words and text.isascii() and words.isascii():
        # The pattern below, without compiling one for every description: for ASCII text,
        # ignoring case is lower-casing and a word character is a letter, digit or "_".
        lowered, wanted = text.lower(), words.lower()
        start = lowered.find(wanted)
        while start != -1:
            end = start + len(wanted)
            if not (start and _word_char(lowered[start - 1])) and not (
                    end < len(lowered) and _word_char(lowered[end])):
                return True
            start = lowered.find(wanted, start + 1)
        return False
    import re

    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text, re.IGNORECASE) is not None


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def merge_models(old: SystemModel, new: SystemModel) -> SystemModel:
    """``old`` with every fact of ``new`` it lacks. Nothing of ``old`` is dropped or changed:
    on a conflict (the same identity in both) the old fact wins. Money becomes true when the
    new words bring payments in (its origin then says so); the currency and the way callers
    authenticate stay as the old model has them unless it had none."""
    origins = {**old.origins, **{k: v for k, v in new.origins.items() if k not in old.origins}}
    money = old.money or new.money
    if new.money and not old.money and "money" in new.origins:
        origins["money"] = new.origins["money"]
    currency = old.currency or new.currency
    if currency is not None and currency != old.currency and "currency" in new.origins:
        origins["currency"] = new.origins["currency"]
    if currency is None:
        origins.pop("currency", None)
    return SystemModel(
        name=old.name,
        description=join_descriptions(old.description, new.description),
        domains=tuple(dict.fromkeys((*old.domains, *new.domains))),
        actors=_union(old.actors, new.actors, actor_key),
        interfaces=_union(old.interfaces, new.interfaces, interface_key),
        entities=_union(old.entities, new.entities, entity_key),
        operations=_union(old.operations, new.operations, operation_key),
        stores=_union(old.stores, new.stores, store_key),
        messaging=_union(old.messaging, new.messaging, messaging_key),
        parties=_union(old.parties, new.parties, party_key),
        technologies=tuple(dict.fromkeys((*old.technologies, *new.technologies))),
        money=money,
        currency=currency,
        auth=old.auth,
        origins=origins,
    )


def stated_by_edit(old: SystemModel, words: SystemModel) -> SystemModel:
    """The model of an edit's words without the defaults smartspec proposes when words name
    no store or interface: "also log audit events" names no database, so the PostgreSQL that
    the words alone would be given is not something they add to a spec that keeps its data
    elsewhere. A default store is dropped when ``old`` already has a store in that role, a
    default interface when ``old`` already has an inbound one (with the operations reached
    only through it)."""
    roles = {s.role for s in old.stores}
    stores = tuple(s for s in words.stores
                   if not (s.origin.source == DEFAULT and s.role in roles))
    interfaces = tuple(i for i in words.interfaces
                       if not (i.origin.source == DEFAULT and old.inbound()))
    kinds = {i.kind for i in (*old.interfaces, *interfaces)}
    operations = tuple(o for o in words.operations if o.interface in kinds)
    return words._replace(stores=stores, interfaces=interfaces, operations=operations)


def describe_operation(operation: Operation) -> str:
    """``POST /api/v1/orders (create order)``, or the method-less form for a consumer or job."""
    where = f"{operation.method} {operation.path}".strip()
    return f"{where} ({operation.verb} {operation.entity})" if where else \
        f"{operation.verb} {operation.entity}"


def added_facts(old: SystemModel, merged: SystemModel) -> dict[str, list[str]]:
    """What ``merged`` holds that ``old`` lacked, per kind (ADDED_KINDS), each fact in words a
    report can print, with where it came from; kinds with nothing added are left out."""
    found: dict[str, list[str]] = {}

    def note(kind: str, before: Iterable[_Fact], after: Iterable[_Fact],
             key: Callable[[_Fact], Hashable], words: Callable[[_Fact], str]) -> None:
        had = {key(fact) for fact in before}
        lines = [words(fact) for fact in after if key(fact) not in had]
        if lines:
            found[kind] = lines

    note("entities", old.entities, merged.entities, entity_key,
         lambda e: f"{e.name} ({e.origin})")
    note("operations", old.operations, merged.operations, operation_key,
         lambda o: f"{describe_operation(o)} ({o.origin})")
    note("interfaces", old.interfaces, merged.interfaces, interface_key,
         lambda i: f"{i.technology} {i.direction} ({i.origin})")
    note("stores", old.stores, merged.stores, store_key,
         lambda s: f"{s.technology} as {s.role} ({s.origin})")
    note("parties", old.parties, merged.parties, party_key,
         lambda p: f"{p.name} as {p.role} ({p.origin})")
    return found
