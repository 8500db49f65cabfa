"""The console report of a run (English or Thai, in the layout the original SmartSpec
command printed): what was written, the levels chosen and why, validation, next steps; and
the edit and restore reports. The words come from the catalogues in ``locales``."""

from __future__ import annotations

from smartspec.report.locales import catalogue, text
from smartspec.report.summary import RunSummary, decision_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SETTING_LABELS = {"di": "DI"}

LEVEL_LABELS = {
    "security": {"basic": "Basic", "stride-basic": "STRIDE-Basic", "stride-full": "STRIDE-Full"},
    "performance": {"basic": "Basic metrics", "full": "Full metrics"},
    "di": {"minimal": "Minimal", "full": "Full"},
}
FATE_ICONS = {
    "regenerated": "🔄", "unchanged": "✔️", "forced": "♻️", "added": "➕", "kept-critical": "🔒",
    "kept-edited": "✋", "kept-added": "✋", "moved": "↪️", "earlier": "📦", "removed": "➖",
    "left-out": "➖",
}


def _level_line(summary: RunSummary, kind: str, m: dict[str, str]) -> str:
    plan = summary.plan
    level = getattr(plan, kind)
    label = LEVEL_LABELS[kind].get(level, m["level_none"])
    decision = decision_of(plan, kind)
    why = f" ({decision.reason})" if decision else ""
    mark = "✅" if level != "none" else "➖"
    return f"  {mark} {m[kind]}: {label}{why}"


def console(summary: RunSummary, lang: str = "en") -> str:
    """The human report printed after a run."""
    m = catalogue(lang)["report"]
    plan = summary.plan
    compact = plan.mode == "compact"
    if summary.dry_run:
        head = m["dry_run"]
    elif summary.command in ("edit", "regenerate"):
        head = m["updated"]
    else:
        head = m["created_compact"] if compact else m["created"]
    lines = [head, ""]
    for warning in summary.warnings:
        lines.append(f"{m['warning']}: {warning}")
    if summary.warnings:
        lines.append("")
    lines += [
        f"{m['file']}: {summary.spec_path}",
        f"{m['profile']}: {plan.profile}",
        f"{m['mode']}: {m['mode_compact'] if compact else plan.mode}",
    ]
    if not compact:
        lines.append(f"{m['author']}: {plan.author}")
    if plan.domains:
        lines.append(f"{m['domains']}: {', '.join(plan.domains)}")
    lines.append("")
    if compact:
        lines.append(f"{m['sections_compact']}: {len(plan.sections)}")
        lines += [f"  {s.number}. {s.title}" for s in plan.sections]
    else:
        lines.append(f"{m['sections']}: {len(plan.sections)}")
        lines += [_level_line(summary, kind, m) for kind in ("security", "performance", "di")]
    if summary.sections_report or summary.changed is not None:
        lines.append("")
        lines += section_change_lines(summary, lang)
    if summary.model_added:
        lines += ["", f"{m['model_added']}:"]
        lines += [f"  + {kind}: {fact}" for kind, facts in summary.model_added.items()
                  for fact in facts]
    lines.append("")
    if summary.validation is None:
        lines.append(m["validation_off"])
    else:
        v = summary.validation
        total = v["passed"] + v["errors"] + v["warnings"]
        text = f"{m['consistency']}: {v['passed']}/{total} {m['passed']}"
        if v["errors"] or v["warnings"]:
            text += f" ({v['errors']} {m['errors']}, {v['warnings']} {m['warnings']})"
        lines.append(text)
        for finding in v["findings"]:
            icon = "❌" if finding["severity"] == "error" else "⚠️ "
            where = f" (line {finding['line']})" if finding.get("line") else ""
            lines.append(f"  {icon} {finding['severity'].upper()}: {finding['message']}{where}")
    lines.append("")
    if summary.command in ("edit", "regenerate"):
        backup = summary.backup or (m["no_backup_off"] if not summary.backups_enabled else "-")
    else:
        backup = m["no_backup_new"] if summary.backups_enabled else m["no_backup_off"]
    lines.append(f"{m['backup']}: {backup}")
    lines.append(f"{m['report']}: {summary.report or m['no_report']}")
    if summary.index_path:
        lines.append(f"{m['index']}: {summary.index_path}")
    lines.append("")
    if compact:
        lines.append(f"{m['quick']}:")
        lines += [f"- {use}" for use in m["quick_uses"].split("|")]
        lines += ["", f"{m['expand']}:",
                  f"smartspec regenerate {summary.spec_path} --mode=standard --profile=backend-service"]
        return "\n".join(lines) + "\n"
    lines.append(f"{m['flags']}:")
    for setting in ("profile", "mode", "security", "performance", "di", "domains"):
        decision = decision_of(plan, setting)
        if decision is None:
            continue
        value = ", ".join(decision.value) if isinstance(decision.value, tuple) else decision.value
        if setting == "domains" and not value:
            continue
        label = SETTING_LABELS.get(setting, setting.capitalize())
        lines.append(f"- {label}: {value} ({decision.source}: {decision.reason})")
    lines += ["", f"{m['customize']}:"]
    if plan.profile != "backend-service":
        lines.append(f"- {m['change_profile']}: --profile=backend-service")
    if plan.security == "stride-full":
        lines.append(f"- {m['reduce_security']}: --security=stride-basic")
    lines.append(f"- {m['compact']}: --mode=compact")
    if plan.di != "none" and plan.profile != "financial":
        lines.append(f"- {m['skip_di']}: --no-di {m['skip_di_note']}")
    lines += [
        "",
        f"{m['next']}:",
        f"1. {m['review']}: {summary.spec_path}",
        f"2. {m['validate']}: smartspec validate {summary.spec_path}",
        f"3. {m['edit_later']}: smartspec edit {summary.spec_path}",
    ]
    return "\n".join(lines) + "\n"


def edit_message(name: str, lang: str = "en", /, **values: Any) -> str:
    """One sentence of an edit or restore report in ``lang``."""
    return text("edit", name, lang, **values)


def section_change(change: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """One row of the edit report: merge's fate record plus its wording (``result``) and, for
    a section kept or left out, the flag that would replace it (``note``)."""
    fate = str(change.get("fate"))
    values = {"moved_from": change.get("moved_from") or "", "title": change.get("title") or "",
              "key": change.get("key") or ""}
    note = None
    if fate in ("kept-edited", "moved") and change.get("key"):
        note = edit_message("hint-kept-edited", lang, **values)
    elif fate == "left-out" and change.get("key"):
        note = edit_message("hint-left-out", lang, **values)
    elif fate == "earlier" and change.get("key") and change.get("critical"):
        note = edit_message("hint-earlier", lang, **values)
    return {**change, "result": edit_message(fate, lang, **values), "note": note}


def section_change_lines(summary: RunSummary, lang: str = "en") -> list[str]:
    """The console's per-section table of an edit: what was regenerated, kept, added, moved."""
    head = [edit_message("no-change", lang)] if summary.changed is False else []
    lines = [*head, f"{edit_message('heading', lang)}:"]
    for change in summary.sections_report:
        worded = section_change(change, lang)
        where = f" (line {change['line']})" if change.get("line") else ""
        icon = FATE_ICONS.get(str(change.get("fate")), "•")
        lines.append(f"  {icon} {change.get('title')}: {worded['result']}{where}")
        if worded["note"]:
            lines.append(f"     ↳ {worded['note']}")
    return lines


def restore_console(outcome: Any, lang: str = "en") -> str:
    """The human output of ``smartspec restore`` (``outcome`` is an ``runs.restore.RestoreOutcome``)."""
    m = catalogue(lang)["report"]
    if outcome.listed:
        lines = [edit_message("backups_of", lang, spec=outcome.spec_path)]
        for backup in outcome.backups:
            lines.append(f"  {backup.taken}  {backup.path}  ({backup.size} bytes)")
        if not outcome.backups:
            lines.append(f"  {edit_message('no_backups', lang)}")
        else:
            lines += ["", edit_message("restore_hint", lang, spec=outcome.spec_path)]
        return "\n".join(lines) + "\n"
    if not outcome.changed:
        return edit_message("restore_same", lang, spec=outcome.spec_path,
                            backup=outcome.restored_from) + "\n"
    backup = outcome.backup or m["no_backup_off"]
    lines = [
        edit_message("restored", lang), "",
        f"{m['file']}: {outcome.spec_path}",
        f"{edit_message('restored_from', lang)}: {outcome.restored_from}",
        f"{m['backup']}: {backup}",
    ]
    return "\n".join(lines) + "\n"
