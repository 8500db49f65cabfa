"""plan.md and tasks.md from a spec: requirement ids, coverage, timeline, goldens, merge."""

from __future__ import annotations

import pytest

from smartspec.delivery import managed, plan_md, tasks
from smartspec.delivery.items import canonical_path, read_facts
from smartspec.delivery.timeline import compute
from tests.conftest import Golden
from tests.delivery_cases import CASES, TARGET, render, spec_rel, spec_text


@pytest.mark.parametrize("case", list(CASES))
def test_goldens_match(case: str, golden: Golden) -> None:
    """Regenerate with ``pytest --update-goldens`` and review the diff."""
    rendered = render(case)
    for name in ("plan.md", "tasks.md"):
        golden.check(TARGET / case / name, rendered[name])


def test_no_stale_goldens(golden: Golden) -> None:
    golden.no_stale(TARGET, set(CASES))
    for case in CASES:
        golden.no_stale(TARGET / case, {"plan.md", "tasks.md", "openapi.yaml"})


@pytest.mark.parametrize("case", list(CASES))
def test_every_spec_item_is_covered_by_exactly_one_task(case: str) -> None:
    facts = read_facts(spec_text(case), spec_rel(case))
    text = render(case)["tasks.md"]
    named = [tasks.REQ_RE.search(line).group("rid")  # type: ignore[union-attr]
             for line in text.splitlines() if managed.TASK_RE.match(line)]
    assert sorted(named) == sorted(item.rid for item in facts.items)
    kinds = {item.kind for item in facts.items}
    assert {"stack", "endpoint", "critical", "test"} <= kinds


def test_the_financial_spec_yields_every_kind_of_item() -> None:
    facts = read_facts(spec_text("financial"), spec_rel("financial"))
    ids = {item.rid for item in facts.items}
    assert {"EP-POST-api-v1-payments", "EP-GET-api-v1-payments-id", "EP-GET-api-v1-payments",
            "ENT-ledger", "ENT-payment", "SVC-payment-service", "SVC-ledger-service",
            "CRIT-security", "CRIT-di", "CRIT-config",
            "CRIT-monitoring", "TEST-integration-tests", "SEC-auth", "ERR-format"} <= ids
    ledger = next(e for e in facts.entities if e.name == "ledger")
    assert [c.name for c in ledger.columns][:3] == ["id", "entry_no", "account_id"]
    assert facts.auth == ["bearer", "apiKey", "mutualTLS"]
    assert 422 in facts.error_codes and 409 in facts.error_codes
    assert facts.topics == ["payment.created"]


def test_an_inbound_broker_yields_consumers_and_an_outbound_one_does_not() -> None:
    def consumers(label: str) -> list[str]:
        text = ("# SPEC-001: Telemetry\n\n## 1. Technology Stack\n\n| Layer | Choice | Role |\n"
                f"|---|---|---|\n| {label} | Kafka | carrier events |\n")
        return [i.rid for i in read_facts(text, "a/spec.md").items if i.rid.startswith("CON-")]

    assert consumers("Messaging (log, inbound)") == ["CON-kafka"]
    assert consumers("Messaging") == ["CON-kafka"]
    assert consumers("Messaging (queue, outbound)") == []


def test_requirement_ids_survive_an_unrelated_edit() -> None:
    text = spec_text("financial")
    before = [i.rid for i in read_facts(text, "a/spec.md").items]
    edited = text.replace("## 3. Overview\n", "## 3. Overview\n\nA note a person added.\n\n", 1)
    moved = read_facts(edited, "a/spec.md").items
    assert [i.rid for i in moved] == before
    assert moved[1].line != read_facts(text, "a/spec.md").items[1].line  # lines did move


def test_parallel_marks_only_tasks_with_disjoint_files() -> None:
    text = render("financial")["tasks.md"]
    lines = {line.split(" — ")[-1]: line for line in text.splitlines()
             if managed.TASK_RE.match(line)}
    # The DI task edits every service's composition root, so neither it nor the scaffolds
    # may run in parallel; an entity's migration touches only its own files.
    assert "[P]" not in lines["`CRIT-di`"]
    assert "[P]" not in lines["`SVC-payment-service`"]
    assert "[P]" in lines["`ENT-ledger`"]


def test_paths_compare_across_parameter_spellings() -> None:
    assert canonical_path("/api/v1/orders/:id/") == "/api/v1/orders/{id}"
    assert canonical_path("/api/v1/orders/<int:id>") == "/api/v1/orders/{id}"


def test_timeline_formula_and_config() -> None:
    facts = read_facts(spec_text("financial"), spec_rel("financial"))
    default = compute(facts)
    # The README's payment spec keeps payments and a ledger but no credit balance (no stored
    # value is described): score 39, one entity short of very-complex.
    assert (default.complexity, default.base_weeks) == ("complex", 16)
    assert (default.domain_factor, default.service_factor, default.buffer_percent) == (1.3, 1.1, 30)
    assert default.weeks == round(16 * 1.3 * 1.1 * 1.3, 1)
    custom = compute(facts, {"baseWeeks": {"complex": 10}, "domainFactors": {"fintech": 2},
                             "serviceStep": 0, "bufferMin": 20, "bufferMax": 20})
    assert custom.weeks == 24.0
    assert custom.formula \
        == "10 (base, complex) x 2 (domain) x 1 (services) x 1.2 (buffer 20%) = 24 weeks"
    plan = render("financial")["plan.md"]
    assert default.formula in plan and "**Complexity:** complex" in plan


def _tasks_blocks(text: str, on_disk: str | None = None) -> list[managed.Block]:
    facts = read_facts(text, "specs/feature/x/spec.md")
    return tasks.render_blocks(facts, "specs/feature/x/spec.md", on_disk)


def test_rerun_keeps_ticks_and_person_lines_and_updates_the_rest() -> None:
    spec = spec_text("financial")
    first = managed.merge(None, _tasks_blocks(spec), {}, tasks.task_key)
    on_disk = first.text.replace("- [ ] T002 [P]", "- [x] T002 [P]")
    on_disk = on_disk.replace("## Phase 3: Capability: payments\n",
                              "## Phase 3: Capability: payments\n\nAsk Dana about refunds.\n")
    # The spec changes: the list endpoint goes away, a new one arrives.
    changed = spec.replace("| GET | `/api/v1/payments` | List payments (paginated) |",
                           "| DELETE | `/api/v1/payments/{id}` | Cancel a payment |")
    second = managed.merge(on_disk, _tasks_blocks(changed, on_disk), first.hashes, tasks.task_key)
    assert "- [x] T002 [P] Create table account" in second.text
    assert "Ask Dana about refunds." in second.text
    assert "phase:capability-payments" in second.kept_edits
    assert "EP-DELETE-api-v1-payments-id" in second.added
    assert "EP-GET-api-v1-payments" in second.removed
    assert "`EP-GET-api-v1-payments`" not in second.text
    # Task numbers stay: the new task takes the next free number.
    assert "T002 [P] Create table account" in second.text
    last = max(int(n) for n in __import__("re").findall(r"\] T(\d+)", first.text))
    assert f"T{last + 1:03d} [P] Implement DELETE /api/v1/payments/{{id}}" in second.text


def test_rerun_with_nothing_changed_is_byte_identical() -> None:
    blocks = plan_md.render_blocks(read_facts(spec_text("full"), "s.md"),
                                   compute(read_facts(spec_text("full"), "s.md")), "s.md")
    first = managed.merge(None, blocks, {}, plan_md.section_key)
    again = managed.merge(first.text, blocks, first.hashes, plan_md.section_key)
    assert again.text == first.text
    assert not (again.updated or again.added or again.kept_edits or again.removed)


def test_a_person_edited_plan_section_is_kept_and_reported() -> None:
    facts = read_facts(spec_text("full"), "s.md")
    blocks = plan_md.render_blocks(facts, compute(facts), "s.md")
    first = managed.merge(None, blocks, {}, plan_md.section_key)
    edited = first.text.replace("## 4. Risks\n", "## 4. Risks\n\nR0: the vendor may be late.\n")
    other = plan_md.render_blocks(facts, compute(facts, {"bufferMin": 35}), "s.md")
    merged = managed.merge(edited, other, first.hashes, plan_md.section_key)
    assert "R0: the vendor may be late." in merged.text
    assert "section:risks" in merged.kept_edits
    assert "section:timeline" in merged.updated
    assert "Buffer: 35%" in merged.text


def test_blocks_inside_code_fences_are_not_split() -> None:
    text = "# T\n\n## 1. A\n\n```\n## not a heading\n```\n\n## 2. B\n"
    keys = [b.key for b in managed.split(text, plan_md.section_key)]
    assert keys == ["preamble", "section:a", "section:b"]
