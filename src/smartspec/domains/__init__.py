"""Domain packs: everything one domain contributes to a spec, kept in one data file per domain.

A pack holds the words that reveal the domain, the words strong enough on their own, the
minimum and maximum levels it sets, the sections it adds, its compliance regimes, its
performance preset, the entities and actors it usually brings, and its own threats. Plan,
detect, catalog, targets and the model read the packs instead of carrying their own copies,
so adding a domain is adding one JSON file (and its name to ``options.DOMAINS``, the one list
of domain names, which this package reads its order from).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import NamedTuple

from smartspec.options import DOMAINS


class Preset(NamedTuple):
    """Latency (ms), throughput (requests/s), availability (%) and scale of a domain."""

    p50: int
    p90: int
    p95: int
    p99: int
    tps: int
    peak: int
    availability: str
    instances: int
    focus: str


class Threat(NamedTuple):
    category: str  # a STRIDE category
    threat: str
    mitigation: str


class DomainPack(NamedTuple):
    name: str
    reason: str  # why the domain changes levels: "security and performance critical"
    keywords: tuple[str, ...]
    strong: frozenset[str]  # one of these alone reveals the domain
    floors: dict[str, str]  # level kind -> at least
    caps: dict[str, str]  # level kind -> at most
    sections: tuple[str, ...]  # section keys the domain adds
    compliance: tuple[str, ...]
    preset: Preset
    entities: tuple[str, ...]  # entities the domain's systems usually manage
    actors: tuple[tuple[str, str], ...]  # (name, kind) of who uses such systems
    threats: tuple[Threat, ...]
    label: str  # how the spec names the domain: "IoT", "SaaS"
    words: dict[str, str]  # sentences the domain adds, by section: "implementation", "test"


@lru_cache(maxsize=1)
def packs() -> dict[str, DomainPack]:
    """Every built-in pack by name, in the order of ``options.DOMAINS``."""
    from smartspec.packagedata import package_root

    root = package_root() / "domains"
    found: dict[str, DomainPack] = {}
    for name in DOMAINS:
        raw = json.loads(root.joinpath(f"{name}.json").read_text(encoding="utf-8"))
        target = raw["targets"]
        found[name] = DomainPack(
            name=raw["name"],
            reason=raw["reason"],
            keywords=tuple(raw["keywords"]),
            strong=frozenset(raw["strong"]),
            floors=dict(raw["floors"]),
            caps=dict(raw["caps"]),
            sections=tuple(raw["sections"]),
            compliance=tuple(raw["compliance"]),
            preset=Preset(target["p50"], target["p90"], target["p95"], target["p99"],
                          target["tps"], target["peak"], target["availability"],
                          target["instances"], target["focus"]),
            entities=tuple(raw["entities"]),
            actors=tuple((a[0], a[1]) for a in raw["actors"]),
            threats=tuple(Threat(*t) for t in raw["threats"]),
            label=raw.get("label", raw["name"]),
            words=dict(raw.get("words", {})),
        )
    return found


def pack(name: str) -> DomainPack:
    return packs()[name]


def detect_domains(found_words: dict[str, tuple[str, ...]]
                   ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(domain, the words that revealed it) for each domain the description is about: one of
    the pack's strong words, or two distinct words of its keywords. ``found_words`` maps a
    domain to the keywords of it found in the text (``Facts.groups``)."""
    result = []
    for name, domain in packs().items():
        words = found_words.get(name, ())
        strong = tuple(w for w in words if w in domain.strong)
        if strong or len(words) >= 2:
            result.append((name, strong or tuple(words)))
    return tuple(result)
