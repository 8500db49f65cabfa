"""``smartspec model``: the system model smartspec would write a spec from, with no file
written. Reads the project's config only for its extra keywords and knowledge entries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from smartspec.model import SystemModel


def model_for(name: str, description: str, *, domains: tuple[str, ...] | None = None,
              keywords: Mapping[str, Iterable[str]] | None = None,
              extra_knowledge: Iterable[Mapping[str, Any]] = ()) -> SystemModel:
    """The model of ``name`` + ``description``; ``domains`` given replaces detection."""
    from smartspec.detect import detect
    from smartspec.domains import detect_domains
    from smartspec.model.build import build_model

    facts = detect(name, description, keywords)
    if domains is None:
        domains = tuple(d for d, _ in detect_domains(facts.groups))
    return build_model(name, description, facts, domains, extra_knowledge)


def describe(model: SystemModel) -> str:
    """The model as text for people: one line per fact, with where it came from."""
    lines = [f"System model: {model.name}"]
    if model.description:
        lines.append(f"  description: {model.description}")
    lines.append(f"  domains: {', '.join(model.domains) or 'none'}")
    money = f"yes ({model.currency})" if model.money else "no"
    lines.append(f"  money: {money}  [{model.origins['money']}]")
    lines.append(f"  auth: {model.auth}  [{model.origins['auth']}]")

    def block(title: str, rows: list[tuple[str, Any]]) -> None:
        if not rows:
            return
        lines.append(f"{title}:")
        for text, origin in rows:
            lines.append(f"  - {text}  [{origin}]")

    block("actors", [(f"{a.name} ({a.kind})", a.origin) for a in model.actors])
    block("interfaces", [(f"{i.direction} {i.kind}: {i.technology} <-> {i.peer}", i.origin)
                         for i in model.interfaces])
    block("entities", [(
        f"{e.name} key({', '.join(e.key)})"
        + (f" owned by {e.owner}" if e.owner else "")
        + (f", {e.per_owner} per {e.owner}" if e.nested else "")
        + f": {', '.join(a.name for a in e.attributes)}"
        + (f"; states {' > '.join(e.states)}" if e.states else "; append-only"), e.origin)
        for e in model.entities])
    block("operations", [(f"{o.verb} {o.entity} via {o.interface} {o.method} {o.path}".rstrip(),
                          o.origin) for o in model.operations])
    block("stores", [(f"{s.technology} as {s.role}", s.origin) for s in model.stores])
    block("messaging", [(f"{m.technology} ({m.semantics}, {m.direction}) {m.channel}", m.origin)
                        for m in model.messaging])
    block("parties", [(f"{p.name} as {p.role}" + (f" via {p.via}" if p.via else "")
                       + (" (calls back by webhook)" if p.calls_back else ""), p.origin)
                      for p in model.parties])
    return "\n".join(lines)
