"""Domain packs: everything one domain contributes to a spec, kept in one data file per domain.

A pack holds the words that reveal the domain, the words strong enough on their own, the
minimum and maximum levels it sets, the sections it adds, its compliance regimes, its
performance preset, the entities and actors it usually brings, and its own threats. Plan,
detect, catalog, targets and the model read the packs instead of carrying their own copies,
so adding a domain is adding one JSON file (and its name to ``options.DOMAINS``, the one list
of domain names, which this package reads its order from).

A pack's ``material`` is what it adds to the sections of a spec (threats, settings, metrics,
performance notes, audit fields …) under named keys; templates loop over ``Material.get(key)``
for the spec's domains instead of testing domain names. An item written
``{"when": [...], "value": ...}`` applies only to a system whose description, detected words,
party roles or interface kinds include one of the ``when`` signals, so a classifier is not
given the threats of a chat assistant; ``"unless"`` drops an item for a system with one of
its signals (a service that calls a hosted model, an ``ai-provider``, is not given the GPU
pools of one that serves its own), and ``"all"`` keeps it only with every one. The model's
entities are signals too, as ``entity:<name>``.
"""

from __future__ import annotations

import json
from functools import lru_cache

from smartspec.options import DOMAINS
from smartspec.prose import ASCII_ALNUM
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Set
    from typing import Any

    from smartspec.plan import SpecPlan


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
    # Sentences the domain adds, by section ("implementation", "test"): one, or a list of
    # conditional items (see SystemModel.domain_words).
    words: dict[str, Any]
    material: dict[str, tuple[Any, ...]]  # what the domain adds to sections, by key


@lru_cache(maxsize=1)
def packs() -> dict[str, DomainPack]:
    """Every built-in pack by name, in the order of ``options.DOMAINS``."""
    from smartspec.packagedata import read_data

    found: dict[str, DomainPack] = {}
    for name in DOMAINS:
        # Bytes, as json decodes UTF-8 itself: opening a text file for each of the seven
        # packs cost more than the decoding.
        raw = json.loads(read_data("domains", f"{name}.json"))
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
            material={key: tuple(items) for key, items in raw.get("material", {}).items()},
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


def applies(item: Mapping[str, Any], signals: Set[str]) -> bool:
    """Whether a conditional item of a pack applies to a system showing ``signals``: one of
    its ``when`` signals (if it has any), all of its ``all`` ones, none of its ``unless``."""
    when = item.get("when")
    return ((when is None or not signals.isdisjoint(when))
            and all(signal in signals for signal in item.get("all", ()))
            and signals.isdisjoint(item.get("unless", ())))


class Material:
    """What the packs of one spec's domains add to its sections, with each conditional item
    kept only when the system shows one of its ``when`` signals and none of its ``unless``
    ones."""

    __slots__ = ("_domains", "_signals")

    def __init__(self, domains: tuple[str, ...], signals: frozenset[str]) -> None:
        self._domains = domains
        self._signals = signals

    def get(self, key: str, values: Any = None) -> list[Any]:
        """The items every domain of the spec adds under ``key``, in pack order. With
        ``values`` (an object such as the spec's targets), ``{name}`` in an item's text is
        replaced by that attribute, so a pack can quote a figure without restating it."""
        found: list[Any] = []
        for name, domain in packs().items():
            if name not in self._domains:
                continue
            for item in domain.material.get(key, ()):
                if isinstance(item, dict) and "value" in item:
                    if not applies(item, self._signals):
                        continue
                    item = item["value"]
                found.append(item if values is None else _filled(item, values))
        return found

    def first(self, key: str, default: Any = None) -> Any:
        """The first item under ``key`` (the first domain that sets it wins), or ``default``."""
        items = self.get(key)
        return items[0] if items else default

    def labelled(self, key: str, values: Any = None) -> list[tuple[str, Any]]:
        """(domain label, item) for each item under ``key``: for lists that name the domain."""
        return [(packs()[name].label, item) for name in packs() if name in self._domains
                for item in Material((name,), self._signals).get(key, values)]


class _Attributes(dict[str, "Any"]):
    """``str.format_map`` reads ``{name}`` as a key of a mapping or an attribute of an
    object (the spec's targets)."""

    def __init__(self, source: Any) -> None:
        super().__init__()
        self.source = source

    def __missing__(self, key: str) -> Any:
        if isinstance(self.source, dict):
            return self.source[key]
        return getattr(self.source, key)


def _filled(item: Any, values: Any) -> Any:
    if isinstance(item, str):
        return item.format_map(_Attributes(values))
    if isinstance(item, list):
        return [_filled(part, values) for part in item]
    return item


_SIGNAL_CHARS = ASCII_ALNUM | {"-"}


def _signal_words(text: str) -> set[str]:
    """The lower-cased words ``re.findall(r"[A-Za-z][A-Za-z0-9-]*", text)`` finds, read with
    str operations: in each run of ASCII letters, digits and dashes, the part from its first
    letter on (compiling the pattern cost a run more than reading a description)."""
    runs = "".join([char if char in _SIGNAL_CHARS else " " for char in text]).split()
    return {word.lower() for word in (run.lstrip("0123456789-") for run in runs) if word}


def material_for(plan: SpecPlan) -> Material:
    """The domain material of ``plan``: its domains, and as signals the description's words,
    every detected keyword, and the roles of its parties and kinds of its interfaces."""
    facts = plan.facts
    signals = _signal_words(facts.text)
    signals.update(word for words in facts.groups.values() for word in words)
    signals.update(party.role for party in plan.model.parties)
    signals.update(interface.kind for interface in plan.model.interfaces)
    signals.update(f"entity:{entity.name}" for entity in plan.model.entities)
    return Material(tuple(plan.domains), frozenset(signals))
