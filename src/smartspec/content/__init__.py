"""Content helpers for the section templates: the pieces of a spec that are data rather than
prose, computed once from the plan so that every section agrees.

- ``system``: the components the spec talks about (services, stores, queue, external APIs),
  named in the description or, where a section needs them, proposed.
- ``stacks``: the stack code examples are written in.
- ``services``: per-service performance targets.
- ``sql``: the data model as tables, rendered both as PostgreSQL DDL and as a Mermaid
  ``erDiagram`` from the same objects.

Each is registered in the template context by one line in ``render.context``.
"""
