"""The dependency graph: cycles (for the check) and rendering as Mermaid or Graphviz DOT."""

from __future__ import annotations

import difflib
import re
from typing import Literal

from smartspec.errors import UsageError
from smartspec.index.model import SpecIndex


def dependency_graph(index: SpecIndex) -> dict[str, list[str]]:
    """id -> the ids it depends on that are in the index (sorted, no self-loops)."""
    return {spec_id: sorted({d for d in entry.dependencies
                             if d in index.entries and d != spec_id})
            for spec_id, entry in index.entries.items()}


def find_cycles(index: SpecIndex) -> list[tuple[list[str], list[str]]]:
    """One cycle per strongly connected group of specs, as ``[a, b, ..., a]`` starting at the
    group's smallest id (the shortest way back to it), with the group's other members."""
    graph = dependency_graph(index)
    cycles: list[tuple[list[str], list[str]]] = []
    for group in _strong_components(graph):
        if len(group) < 2:
            continue
        members = set(group)
        start = min(group)
        path = _shortest_cycle(graph, start, members)
        rest = sorted(members - set(path))
        cycles.append((path, rest))
    cycles.sort(key=lambda item: item[0])
    return cycles


def _strong_components(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (10,000 specs would overflow Python's recursion)."""
    counter = 0
    number: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for origin in sorted(graph):
        if origin in number:
            continue
        work: list[tuple[str, int]] = [(origin, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                number[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = graph[node]
            descended = False
            while position < len(successors):
                successor = successors[position]
                position += 1
                if successor not in number:
                    work.append((node, position))
                    work.append((successor, 0))
                    descended = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], number[successor])
            if descended:
                continue
            if low[node] == number[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def _shortest_cycle(graph: dict[str, list[str]], start: str, members: set[str]) -> list[str]:
    previous: dict[str, str] = {}
    queue = [start]
    for node in queue:  # breadth first; the list grows while we walk it
        for successor in graph[node]:
            if successor not in members:
                continue
            if successor == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if successor not in previous:
                previous[successor] = node
                queue.append(successor)
    return [start, start]  # unreachable for a strongly connected group of two or more


# --------------------------------------------------------------------------------------------
# Graph rendering


def render_graph(index: SpecIndex, fmt: Literal["mermaid", "dot"] = "mermaid",
                 focus: str | None = None) -> str:
    """The dependency graph (an arrow points from a spec to what it depends on) as Mermaid or
    Graphviz DOT. With ``focus``, only that spec, what it depends on and what depends on it
    (transitively). Dependencies that are not in the index are drawn dashed."""
    if fmt not in ("mermaid", "dot"):
        raise UsageError(f"--format: {fmt!r} is not a valid value; expected one of mermaid, dot")
    ordered, edges, missing = graph_parts(index, focus)
    if fmt == "dot":
        return _render_dot(index, ordered, edges, missing, focus)
    return _render_mermaid(index, ordered, edges, missing, focus)


def graph_parts(index: SpecIndex, focus: str | None = None
                ) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """The graph's sorted nodes, its edges (spec -> dependency) and the nodes missing from the
    index; with ``focus``, only what is connected to that spec."""
    edges: list[tuple[str, str]] = sorted(
        {(entry.id, dependency) for entry in index.all_entries()
         for dependency in entry.dependencies})
    nodes = set(index.entries) | {d for _, d in edges}
    if focus is not None:
        if focus not in index.entries:
            near = difflib.get_close_matches(focus, list(index.entries), n=1, cutoff=0.6)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise UsageError(f"--spec: {focus!r} is not in the index{hint}")
        forward: dict[str, list[str]] = {}
        backward: dict[str, list[str]] = {}
        for source, target in edges:
            forward.setdefault(source, []).append(target)
            backward.setdefault(target, []).append(source)
        nodes = _reach(focus, forward) | _reach(focus, backward)
        edges = [(s, t) for s, t in edges if s in nodes and t in nodes]
    ordered = sorted(nodes)
    return ordered, edges, [n for n in ordered if n not in index.entries]


def _reach(start: str, graph: dict[str, list[str]]) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _label(index: SpecIndex, spec_id: str) -> tuple[str, str | None]:
    entry = index.entries.get(spec_id)
    if entry is None:
        return spec_id, "not in the index"
    return spec_id, entry.title


def _render_mermaid(index: SpecIndex, nodes: list[str], edges: list[tuple[str, str]],
                    missing: list[str], focus: str | None) -> str:
    names: dict[str, str] = {}
    taken: set[str] = set()
    for spec_id in nodes:
        base = "n_" + re.sub(r"[^A-Za-z0-9_]", "_", spec_id)
        name, n = base, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        names[spec_id] = name
    lines = ["flowchart LR"]
    for spec_id in nodes:
        head, detail = _label(index, spec_id)
        text = _mermaid_text(head) + (f"<br/>{_mermaid_text(detail)}" if detail else "")
        lines.append(f'    {names[spec_id]}["{text}"]')
    for source, target in edges:
        arrow = "-.->" if target in missing else "-->"
        lines.append(f"    {names[source]} {arrow} {names[target]}")
    if missing:
        lines.append("    classDef missing stroke-dasharray: 5 5")
        lines.append(f"    class {','.join(names[m] for m in missing)} missing")
    if focus is not None:
        lines.append("    classDef focus stroke-width:3px")
        lines.append(f"    class {names[focus]} focus")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    # Mermaid entity codes keep quotes, angle brackets and '#' from ending or breaking a label.
    out = " ".join(text.split())
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        out = out.replace(char, code)
    return out


def _render_dot(index: SpecIndex, nodes: list[str], edges: list[tuple[str, str]],
                missing: list[str], focus: str | None) -> str:
    lines = ["digraph specs {", "    rankdir=LR;", "    node [shape=box];"]
    for spec_id in nodes:
        head, detail = _label(index, spec_id)
        label = _dot_text(head) + (f"\\n{_dot_text(detail)}" if detail else "")
        style = ' style=dashed' if spec_id in missing else ""
        style += " penwidth=3" if spec_id == focus else ""
        lines.append(f'    "{_dot_text(spec_id)}" [label="{label}"{style}];')
    for source, target in edges:
        style = " [style=dashed]" if target in missing else ""
        lines.append(f'    "{_dot_text(source)}" -> "{_dot_text(target)}"{style};')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"')
