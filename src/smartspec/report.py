"""Reports of a run: the console text (English or Thai, in the layout the original SmartSpec
command printed), the Markdown generation report, and the JSON object of design.md §3.
Pure: text in, text out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smartspec.plan import Decision, SpecPlan
    from smartspec.rules import ValidationResult

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "created": "✅ SPEC created",
        "created_compact": "✅ SPEC (Compact) created",
        "updated": "✅ SPEC updated",
        "dry_run": "🧪 Dry run (--nogenerate): nothing was written",
        "file": "📁 File",
        "profile": "📊 Profile",
        "mode": "🎛️ Mode",
        "mode_compact": "compact (5 sections only)",
        "author": "✍️ Author",
        "domains": "🌐 Domains",
        "sections": "📚 Sections Generated",
        "sections_compact": "📚 Sections",
        "security": "Security",
        "performance": "Performance",
        "di": "DI Pattern",
        "consistency": "🔍 Consistency Check",
        "passed": "passed",
        "errors": "errors",
        "warnings": "warnings",
        "validation_off": "🔍 Consistency Check: skipped (--no-validation)",
        "backup": "💾 Backup",
        "no_backup_new": "none (new spec)",
        "no_backup_off": "none (--no-backup)",
        "report": "📄 Report",
        "no_report": "none (--no-report)",
        "index": "🗂️ Index",
        "flags": "🎯 Flags used",
        "customize": "⚙️ Customization available",
        "change_profile": "Change profile",
        "reduce_security": "Reduce security",
        "compact": "Compact mode",
        "skip_di": "Skip DI",
        "skip_di_note": "(not recommended for backend)",
        "next": "🔄 Next steps",
        "review": "Review the SPEC",
        "validate": "Validate",
        "edit_later": "Update it later",
        "quick": "⚡ Quick & Simple - for",
        "quick_uses": "Internal tools|Simple CRUD|Prototypes|Quick documentation",
        "expand": "🎯 To expand",
        "warning": "⚠️ Warning",
        "from": "from",
        "auto": "auto",
        "level_none": "not included",
    },
    "th": {
        "created": "✅ สร้าง SPEC เรียบร้อยแล้ว",
        "created_compact": "✅ สร้าง SPEC (Compact) เรียบร้อยแล้ว",
        "updated": "✅ อัปเดต SPEC เรียบร้อยแล้ว",
        "dry_run": "🧪 ทดลองรัน (--nogenerate): ไม่มีการเขียนไฟล์",
        "file": "📁 ไฟล์",
        "profile": "📊 Profile",
        "mode": "🎛️ Mode",
        "mode_compact": "compact (เพียง 5 ส่วน)",
        "author": "✍️ Author",
        "domains": "🌐 โดเมน",
        "sections": "📚 Sections Generated",
        "sections_compact": "📚 Sections",
        "security": "Security",
        "performance": "Performance",
        "di": "DI Pattern",
        "consistency": "🔍 Consistency Check",
        "passed": "ผ่าน",
        "errors": "ข้อผิดพลาด",
        "warnings": "คำเตือน",
        "validation_off": "🔍 Consistency Check: ข้าม (--no-validation)",
        "backup": "💾 Backup",
        "no_backup_new": "ไม่มี (SPEC ใหม่)",
        "no_backup_off": "ไม่มี (--no-backup)",
        "report": "📄 Report",
        "no_report": "ไม่มี (--no-report)",
        "index": "🗂️ Index",
        "flags": "🎯 ใช้ flags",
        "customize": "⚙️ ปรับแต่งได้",
        "change_profile": "เปลี่ยน profile",
        "reduce_security": "ลดระดับ security",
        "compact": "โหมดย่อ",
        "skip_di": "ข้าม DI",
        "skip_di_note": "(ไม่แนะนำสำหรับ backend)",
        "next": "🔄 ขั้นตอนถัดไป",
        "review": "ตรวจทาน SPEC",
        "validate": "ตรวจสอบความสอดคล้อง",
        "edit_later": "แก้ไขภายหลัง",
        "quick": "⚡ Quick & Simple - ใช้สำหรับ",
        "quick_uses": "Internal tools|Simple CRUD|Prototypes|Quick documentation",
        "expand": "🎯 ต้องการขยาย",
        "warning": "⚠️ คำเตือน",
        "from": "จาก",
        "auto": "อัตโนมัติ",
        "level_none": "ไม่รวม",
    },
}

SETTING_LABELS = {"di": "DI"}

LEVEL_LABELS = {
    "security": {"basic": "Basic", "stride-basic": "STRIDE-Basic", "stride-full": "STRIDE-Full"},
    "performance": {"basic": "Basic metrics", "full": "Full metrics"},
    "di": {"minimal": "Minimal", "full": "Full"},
}


@dataclass(slots=True)
class RunSummary:
    """What happened in one run, for the console, the Markdown report and ``--json``."""

    command: str
    plan: SpecPlan
    spec_path: str  # relative to the root
    written: list[str] = field(default_factory=list)
    backup: str | None = None
    report: str | None = None
    index_path: str | None = None
    warnings: list[str] = field(default_factory=list)
    checked: ValidationResult | None = None  # None: validation was off
    dry_run: bool = False
    backups_enabled: bool = True
    reports_enabled: bool = True
    sections_report: list[dict[str, Any]] = field(default_factory=list)  # edit: per-section fate
    changed: bool | None = None  # edit: whether the spec's text changed

    @property
    def validation(self) -> dict[str, Any] | None:
        """The validation outcome as reports and ``--json`` show it: counts and findings."""
        if self.checked is None:
            return None
        return {
            "errors": self.checked.errors,
            "warnings": self.checked.warnings,
            "passed": self.checked.passed,
            "findings": [{"rule": f.rule, "severity": f.severity, "message": f.message,
                          "line": f.line} for f in self.checked.findings],
        }

    def to_json(self) -> dict[str, Any]:
        plan = self.plan
        return {
            "schema": 1,
            "command": self.command,
            "spec": {
                "id": plan.spec_id, "title": plan.title, "path": self.spec_path,
                "profile": plan.profile, "mode": plan.mode, "security": plan.security,
                "di": plan.di, "performance": plan.performance, "domains": list(plan.domains),
            },
            "sections": [{"key": s.key, "title": s.title, "critical": s.critical is not None,
                          "number": s.number} for s in plan.sections],
            "decisions": [d.to_json() for d in plan.decisions],
            "validation": self.validation or {"errors": 0, "warnings": 0, "passed": 0,
                                              "findings": [], "skipped": True},
            "written": list(self.written),
            "backup": self.backup,
            "report": self.report,
            "index": self.index_path,
            "warnings": list(self.warnings),
            "dry_run": self.dry_run,
            **({"section_changes": self.sections_report} if self.sections_report else {}),
            **({"changed": self.changed} if self.changed is not None else {}),
        }


def _decision(plan: SpecPlan, setting: str) -> Decision | None:
    return next((d for d in plan.decisions if d.setting == setting), None)


def _level_line(summary: RunSummary, kind: str, m: dict[str, str]) -> str:
    plan = summary.plan
    level = getattr(plan, kind)
    label = LEVEL_LABELS[kind].get(level, m["level_none"])
    decision = _decision(plan, kind)
    why = f" ({decision.reason})" if decision else ""
    mark = "✅" if level != "none" else "➖"
    return f"  {mark} {m[kind]}: {label}{why}"


def console(summary: RunSummary, lang: str = "en") -> str:
    """The human report printed after a run."""
    m = MESSAGES.get(lang, MESSAGES["en"])
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
        decision = _decision(plan, setting)
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


# -- edit, regenerate, restore -----------------------------------------------------------------

# What became of each section in an edit (merge's fates), and the restore command's words.
EDIT_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "heading": "🔀 Section changes",
        "regenerated": "regenerated",
        "unchanged": "regenerated (no change)",
        "forced": "regenerated (--force-update)",
        "added": "added",
        "kept-critical": "kept (critical)",
        "kept-edited": "kept (edited by a person)",
        "kept-added": "kept (added by a person)",
        "moved": "moved (from {moved_from}, edited by a person)",
        "earlier": "kept under \"Earlier sections\"",
        "removed": "removed (not in the new settings)",
        "left-out": "left out (deleted by a person)",
        "hint-kept-edited": "kept your edits in {title}; --force-update={key} to replace",
        "hint-left-out": "--force-update={key} to add it back",
        "hint-earlier": "protected: --force-update={key} to let it go",
        "no-change": "nothing to change: the spec is up to date",
        "restored": "✅ SPEC restored",
        "restored_from": "📦 From",
        "restore_same": "nothing to restore: {spec} already matches {backup}",
        "backups_of": "💾 Backups of {spec} (newest first)",
        "no_backups": "none yet",
        "restore_hint": "Restore one: smartspec restore {spec} --backup FILE",
    },
    "th": {
        "heading": "🔀 การเปลี่ยนแปลงของแต่ละหัวข้อ",
        "regenerated": "สร้างใหม่",
        "unchanged": "สร้างใหม่ (ไม่มีการเปลี่ยนแปลง)",
        "forced": "สร้างใหม่ (--force-update)",
        "added": "เพิ่มใหม่",
        "kept-critical": "คงไว้ (หัวข้อสำคัญ)",
        "kept-edited": "คงไว้ (ผู้ใช้แก้ไข)",
        "kept-added": "คงไว้ (ผู้ใช้เพิ่มเอง)",
        "moved": "ย้ายมาจาก {moved_from} (ผู้ใช้แก้ไข)",
        "earlier": "คงไว้ใต้ \"Earlier sections\"",
        "removed": "นำออก (ไม่อยู่ในการตั้งค่าใหม่)",
        "left-out": "ไม่ใส่กลับ (ผู้ใช้ลบออก)",
        "hint-kept-edited": "คงการแก้ไขของคุณใน {title} ไว้; ใช้ --force-update={key} เพื่อแทนที่",
        "hint-left-out": "ใช้ --force-update={key} เพื่อเพิ่มกลับ",
        "hint-earlier": "หัวข้อที่ได้รับการป้องกัน: ใช้ --force-update={key} เพื่อนำออก",
        "no-change": "ไม่มีอะไรต้องเปลี่ยน: SPEC เป็นปัจจุบันแล้ว",
        "restored": "✅ กู้คืน SPEC เรียบร้อยแล้ว",
        "restored_from": "📦 จาก",
        "restore_same": "ไม่มีอะไรต้องกู้คืน: {spec} ตรงกับ {backup} อยู่แล้ว",
        "backups_of": "💾 ไฟล์สำรองของ {spec} (ใหม่สุดก่อน)",
        "no_backups": "ยังไม่มี",
        "restore_hint": "กู้คืน: smartspec restore {spec} --backup FILE",
    },
}
FATE_ICONS = {
    "regenerated": "🔄", "unchanged": "✔️", "forced": "♻️", "added": "➕", "kept-critical": "🔒",
    "kept-edited": "✋", "kept-added": "✋", "moved": "↪️", "earlier": "📦", "removed": "➖",
    "left-out": "➖",
}


def edit_message(name: str, lang: str = "en", **values: Any) -> str:
    m = EDIT_MESSAGES.get(lang, EDIT_MESSAGES["en"])
    return m[name].format(**values)


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
    m = MESSAGES.get(lang, MESSAGES["en"])
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
