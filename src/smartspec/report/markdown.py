"""The Markdown report a run leaves under reports/<spec-id>/: the decisions with their
sources and reasons, the sections, what an edit did to each, validation, files written."""

from __future__ import annotations

from smartspec.report.summary import RunSummary


def markdown(summary: RunSummary, lang: str = "en", *, generated_at: str = "") -> str:
    """The generation (or edit) report written under reports/<spec-id>/."""
    plan = summary.plan
    title = "Edit Report" if summary.command in ("edit", "regenerate") else "Generation Report"
    lines = [
        f"# {title}: {plan.display_id}",
        "",
        f"- **Spec:** `{summary.spec_path}`",
        f"- **Command:** `{summary.command}`",
        f"- **When:** {generated_at}",
        f"- **Profile:** {plan.profile} · **Mode:** {plan.mode}",
        f"- **Levels:** security {plan.security} · di {plan.di} · performance {plan.performance}",
        f"- **Domains:** {', '.join(plan.domains) or 'none'}",
        f"- **Backup:** {summary.backup or 'none'}",
        "",
        "## Decisions",
        "",
        "| Setting | Value | Source | Reason |",
        "|---------|-------|--------|--------|",
    ]
    for d in plan.decisions:
        value = ", ".join(d.value) if isinstance(d.value, tuple) else d.value
        lines.append(f"| {d.setting} | {value} | {d.source} | {d.reason} |")
    lines += ["", "## Sections", "", "| # | Section | Critical |", "|---|---------|----------|"]
    for s in plan.sections:
        lines.append(f"| {s.number} | {s.title} | {s.critical or ''} |")
    if summary.sections_report:
        lines += ["", "## Section Changes", "", "| Section | Result |", "|---------|--------|"]
        for change in summary.sections_report:
            lines.append(f"| {change['title']} | {change['result']} |")
    if summary.model_added:
        lines += ["", "## Added to the Model", "", "| Kind | Fact |", "|------|------|"]
        lines += [f"| {kind} | {fact} |" for kind, facts in summary.model_added.items()
                  for fact in facts]
    lines += ["", "## Consistency Check", ""]
    v = summary.validation
    if v is None:
        lines.append("Skipped (--no-validation).")
    else:
        lines.append(f"{v['errors']} errors, {v['warnings']} warnings, {v['passed']} checks passed.")
        if v["findings"]:
            lines.append("")
        for f in v["findings"]:
            where = f" (line {f['line']})" if f.get("line") else ""
            lines.append(f"- **{f['severity'].upper()}** `{f['rule']}`: {f['message']}{where}")
    if summary.warnings:
        lines += ["", "## Warnings", ""]
        lines += [f"- {w}" for w in summary.warnings]
    lines += ["", "## Files Written", ""]
    lines += [f"- `{p}`" for p in summary.written] or ["- none"]
    return "\n".join(lines) + "\n"
