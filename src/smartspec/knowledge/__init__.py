"""The technology knowledge base: what each named technology *is* in a system (its role) and
the facts a spec must state about it, kept as data in ``technologies.json``.

The model builder looks up every technology the description names here, so Kafka becomes a
replayable log monitored by consumer lag, Okta an OpenID Connect identity provider (never an
API with a key), FHIR a standard, and Redis a cache. A project can add or override entries
(``extra``) without touching the package.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache

from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Roles whose technology is a store, and the store role the model gives it.
STORE_ROLES = {
    "relational-database": "system-of-record", "document-database": "system-of-record",
    "key-value": "system-of-record", "cache": "cache", "time-series": "time-series",
    "search": "search", "object-storage": "object-storage",
    "analytics-warehouse": "analytics",
}
BROKER_ROLES = frozenset({"log-broker", "queue-broker", "device-broker"})
PARTY_ROLES = frozenset({"payment-provider", "payment-scheme", "identity-provider", "standard",
                         "notification-channel", "data-vendor", "ai-provider"})


class Entry(NamedTuple):
    """One technology: canonical name, role, how people write it, and what a spec says."""

    name: str
    role: str
    spellings: tuple[str, ...]
    facts: tuple[str, ...]
    capitalised: bool = False  # an everyday word too ("Go", "Express"): counts only capitalised
    semantics: str | None = None  # brokers: log | queue | pubsub
    interface: str | None = None  # api styles and standards: rest, grpc, fhir, hl7v2 ...
    calls_back: bool = False  # the party notifies the service by signed webhook
    rate_limit_rps: int | None = None  # the party's default request limit
    max_connections: int | None = None  # databases: default connection limit
    language: str | None = None  # frameworks: the language they are written in
    schemes: tuple[str, ...] = ()  # payment providers: schemes reached through them
    # Parties that call back: how their webhook is verified, and the settings that takes
    # (name, type, description). Each provider signs in its own way (a signing secret, an
    # HMAC key, a public key, the account's auth token), so the settings are stated per
    # provider and never guessed as a generic "<NAME>_WEBHOOK_SECRET".
    webhook_check: str | None = None
    webhook_settings: tuple[tuple[str, str, str], ...] = ()
    channel: str | None = None  # notification channels: what they deliver (email, sms, push)
    # Notification channels whose senders each send at a fixed rate: (kind of sender,
    # messages per second one sender sends), slowest first.
    send_rates: tuple[tuple[str, int], ...] = ()
    sender_pool: str | None = None  # what holds a pool of senders ("Messaging Service")


def _spellings_of(raw: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple([s.lower() for s in raw.get("spellings", (raw["name"],))])


def _entry(raw: Mapping[str, Any]) -> Entry:
    name = raw["name"]
    webhook = raw.get("webhook")
    send_rates = raw.get("send_rates")
    return Entry(
        name=name, role=raw["role"], spellings=_spellings_of(raw),
        facts=tuple(raw.get("facts", ())), capitalised=bool(raw.get("capitalised", False)),
        semantics=raw.get("semantics"), interface=raw.get("interface"),
        calls_back=bool(raw.get("calls_back", False)), rate_limit_rps=raw.get("rate_limit_rps"),
        max_connections=raw.get("max_connections"), language=raw.get("language"),
        schemes=tuple(raw.get("schemes", ())),
        webhook_check=webhook.get("verification") if webhook else None,
        webhook_settings=tuple([(str(n), str(t), str(d))
                                for n, t, d in webhook.get("settings", ())]) if webhook else (),
        channel=raw.get("channel"),
        send_rates=tuple([(str(k), int(r)) for k, r in send_rates]) if send_rates else (),
        sender_pool=raw.get("sender_pool"),
    )


@lru_cache(maxsize=1)
def _builtin() -> tuple[dict[str, Mapping[str, Any]], dict[str, str]]:
    """The package's entries as read, by canonical name in file order, and the roles. Each
    becomes an ``Entry`` when first asked for (``_made``): a run asks for a dozen of them,
    and making all of them cost it more than reading the file."""
    from smartspec.packagedata import read_data

    # Read as bytes: json decodes UTF-8 itself, and a text file object costs more to open
    # than the decoding it would do.
    raw = json.loads(read_data("knowledge", "technologies.json"))
    return {e["name"]: e for e in raw["entries"]}, dict(raw["roles"])


@cache
def _made(name: str) -> Entry:
    """The built-in entry of canonical name ``name``."""
    return _entry(_builtin()[0][name])


def roles() -> dict[str, str]:
    """Role name -> what a technology in that role does."""
    return dict(_builtin()[1])


def entries(extra: Iterable[Mapping[str, Any]] = ()) -> dict[str, Entry]:
    """Every entry by canonical name; ``extra`` entries add to or replace built-in ones."""
    found = {name: _made(name) for name in _builtin()[0]}
    for raw in extra:
        entry = _entry(raw)
        found[entry.name] = entry
    return found


class Spellings:
    """Every spelling (lower case) -> the first entry that has it, in ``entries(extra)``
    order. The table holds canonical names, and ``get`` makes the entry a spelling names:
    a description names a few technologies, and making every entry cost more than that."""

    __slots__ = ("_extra", "_names")

    def __init__(self, extra: Iterable[Mapping[str, Any]] = ()) -> None:
        self._extra = {entry.name: entry for entry in map(_entry, extra)}
        if not self._extra:
            # The usual case: the package's table, made once and never changed.
            self._names = _builtin_names()
            return
        self._names = {}
        builtin = dict(_builtin_spellings())
        for name in [*builtin, *(n for n in self._extra if n not in builtin)]:
            given = self._extra.get(name)
            for spelling in (given.spellings if given else builtin[name]):
                self._names.setdefault(spelling, name)

    def get(self, spelling: str) -> Entry | None:
        name = self._names.get(spelling)
        if name is None:
            return None
        return self._extra.get(name) or _made(name)


def lookup(name: str) -> Entry | None:
    """The entry of a canonical name or any of its spellings, case-insensitive."""
    found = _by_spelling().get(name.lower())
    return None if found is None else _made(found)


@lru_cache(maxsize=1)
def _by_spelling() -> dict[str, str]:
    """Every lower-cased name and spelling -> the canonical name of the first entry that has
    it, in file order (a render looks technologies up a dozen times; each scan of the list
    cost a hundred ``lower`` calls)."""
    found: dict[str, str] = {}
    for name, spellings in _builtin_spellings():
        found.setdefault(name.lower(), name)
        for word in spellings:
            found.setdefault(word, name)
    return found


@cache
def _builtin_spellings() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(canonical name, lower-cased spellings) of each built-in entry, in file order: read
    once for both tables a ``new`` makes of them (``Spellings`` and ``lookup``'s)."""
    return tuple([(name, _spellings_of(raw)) for name, raw in _builtin()[0].items()])


@cache
def _builtin_names() -> dict[str, str]:
    """``Spellings``' table without extra entries: each spelling -> the first entry's name."""
    names: dict[str, str] = {}
    for name, spellings in _builtin_spellings():
        for spelling in spellings:
            names.setdefault(spelling, name)
    return names
