"""The specs the delivery and contract goldens are made from, and how each golden is rendered.

    pytest --update-goldens      # rewrite tests/data/delivery/ on purpose, then review

The sources are the generator's own goldens (tests/data/golden/), so when the generator
changes, one command brings these up to date.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "data" / "golden"
TARGET = HERE / "data" / "delivery"

# Four profiles: basic, backend-service (with an iot domain), financial (fintech), full.
CASES = {
    "basic": "basic-standard",
    "backend-service": "example-4-telemetry-ingestion",
    "financial": "readme-payment-processing",
    "full": "full-standard",
}


def spec_text(case: str) -> str:
    return (SOURCES / f"{CASES[case]}.md").read_text(encoding="utf-8")


def spec_rel(case: str) -> str:
    return f"specs/feature/{CASES[case]}/spec.md"


def render(case: str) -> dict[str, str]:
    """File name -> text of every golden of ``case``: plan.md, tasks.md, openapi.yaml."""
    from smartspec.contract.openapi import build, to_yaml
    from smartspec.delivery import managed, plan_md, tasks
    from smartspec.delivery.items import read_facts
    from smartspec.delivery.timeline import compute

    rel = spec_rel(case)
    facts = read_facts(spec_text(case), rel)
    plan = managed.merge(None, plan_md.render_blocks(facts, compute(facts), rel), {},
                         plan_md.section_key).text
    work = managed.merge(None, tasks.render_blocks(facts, rel), {}, tasks.task_key).text
    return {"plan.md": plan, "tasks.md": work, "openapi.yaml": to_yaml(build(facts))}
