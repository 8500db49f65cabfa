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
from functools import lru_cache

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


def _entry(raw: Mapping[str, Any]) -> Entry:
    return Entry(
        name=raw["name"], role=raw["role"],
        spellings=tuple(s.lower() for s in raw.get("spellings", (raw["name"],))),
        facts=tuple(raw.get("facts", ())), capitalised=bool(raw.get("capitalised", False)),
        semantics=raw.get("semantics"), interface=raw.get("interface"),
        calls_back=bool(raw.get("calls_back", False)), rate_limit_rps=raw.get("rate_limit_rps"),
        max_connections=raw.get("max_connections"), language=raw.get("language"),
        schemes=tuple(raw.get("schemes", ())),
        webhook_check=raw.get("webhook", {}).get("verification"),
        webhook_settings=tuple((str(n), str(t), str(d))
                               for n, t, d in raw.get("webhook", {}).get("settings", ())),
        channel=raw.get("channel"),
        send_rates=tuple((str(k), int(r)) for k, r in raw.get("send_rates", ())),
        sender_pool=raw.get("sender_pool"),
    )


@lru_cache(maxsize=1)
def _builtin() -> tuple[tuple[Entry, ...], dict[str, str]]:
    from smartspec.packagedata import package_root

    raw = json.loads((package_root() / "knowledge" / "technologies.json")
                     .read_text(encoding="utf-8"))
    return tuple(_entry(e) for e in raw["entries"]), dict(raw["roles"])


def roles() -> dict[str, str]:
    """Role name -> what a technology in that role does."""
    return dict(_builtin()[1])


def entries(extra: Iterable[Mapping[str, Any]] = ()) -> dict[str, Entry]:
    """Every entry by canonical name; ``extra`` entries add to or replace built-in ones."""
    found = {e.name: e for e in _builtin()[0]}
    for raw in extra:
        entry = _entry(raw)
        found[entry.name] = entry
    return found


def lookup(name: str) -> Entry | None:
    """The entry of a canonical name or any of its spellings, case-insensitive."""
    return _by_spelling().get(name.lower())


@lru_cache(maxsize=1)
def _by_spelling() -> dict[str, Entry]:
    """Every lower-cased name and spelling -> the first entry that has it, in file order (a
    render looks technologies up a dozen times; each scan of the list cost a hundred
    ``lower`` calls)."""
    found: dict[str, Entry] = {}
    for entry in _builtin()[0]:
        for word in (entry.name.lower(), *entry.spellings):
            found.setdefault(word, entry)
    return found
