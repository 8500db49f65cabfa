"""How results are shown: the console report in the original SmartSpec layout (en and th), the Markdown
validation report, and the versioned JSON object. Pure: strings and dicts in, nothing printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from smartspec.rules.base import RULES, Finding
from smartspec.rules.messages import count, label, message

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from smartspec.rules import ValidationResult

REPORT_SCHEMA = 1


def _results(results: ValidationResult | Iterable[ValidationResult]) -> list[ValidationResult]:
    from smartspec.rules import ValidationResult

    return [results] if isinstance(results, ValidationResult) else list(results)


def finding_text(finding: Finding, lang: str = "en") -> str:
    if lang != "en" and finding.message_id:
        return message(finding.message_id, dict(finding.args), lang)
    return finding.message


def hint_text(finding: Finding, lang: str = "en") -> str:
    if lang == "th" and finding.rule in RULES:
        return RULES[finding.rule].hint_th or finding.hint
    return finding.hint


def summary_line(results: ValidationResult | Iterable[ValidationResult], lang: str = "en") -> str:
    """'Summary: 2 errors, 2 warnings, 10 checks passed'; over several files it adds how many
    files were checked and how many have errors."""
    return f"{label('summary', lang)} {_counts(_results(results), lang)}"


def _counts(items: list[ValidationResult], lang: str) -> str:
    errors = sum(r.errors for r in items)
    warnings = sum(r.warnings for r in items)
    passed = sum(r.passed for r in items)
    text = (f"{count(errors, 'error', lang)}, {count(warnings, 'warning', lang)}, "
            f"{count(passed, 'passed', lang)}")
    if len(items) != 1:
        failed = sum(1 for r in items if r.errors)
        text += f" ({count(len(items), 'file', lang)}, {count(failed, 'failed', lang)})"
    return text


def _location(result: ValidationResult, finding: Finding) -> str:
    return f"{result.path}:{finding.line}:" if finding.line else f"{result.path}:"


def render_text(results: ValidationResult | Iterable[ValidationResult], lang: str = "en", *,
                verbose: bool | None = None, hints: bool = True) -> str:
    """The console report. For one spec (or ``verbose``) it lists PASS lines as well, like
    the reference; for many it lists only specs with findings, then one summary line."""
    items = _results(results)
    show_all = len(items) == 1 if verbose is None else verbose
    out: list[str] = []
    for result in items:
        if not result.enabled:
            out += [f"{result.path}: {label('disabled', lang)}"]
            continue
        if not result.findings and not show_all:
            continue
        out += [f"{label('title', lang)} {result.path}", ""]
        hinted: set[str] = set()
        for finding in result.findings:
            out.append(f"{label(finding.severity, lang)} {_location(result, finding)} "
                       f"{finding_text(finding, lang)} [{finding.code} {finding.rule}]")
            if hints and finding.hint and finding.rule not in hinted:
                hinted.add(finding.rule)
                out.append(f"   {label('fix', lang)} {hint_text(finding, lang)}")
        if show_all:
            for name in result.passed_rules:
                out.append(f"{label('pass', lang)} {_passed_text(name, lang)}")
            if verbose:
                for name, reason in result.skipped:
                    out.append(f"{label('skip', lang)} {name}: {reason}")
        out.append("")
    out.append(summary_line(items, lang))
    return "\n".join(out) + "\n"


def _passed_text(name: str, lang: str) -> str:
    rule = RULES[name]
    return (rule.passed_th or rule.passed) if lang == "th" else rule.passed


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(result: ValidationResult, lang: str = "en", *,
                    generated: str | None = None) -> str:
    """The validation report written to ``reports/<spec-id>/validation-report-*.md``."""
    title = result.spec_id or result.path
    icon = "❌" if result.errors else ("⚠️" if result.warnings else "✅")
    out = [f"# {label('report', lang)}: {title}", ""]
    out.append(f"**{label('file', lang)}:** `{result.path}`  ")
    if result.spec_id:
        out.append(f"**{label('spec', lang)}:** {result.spec_id}  ")
    if generated:
        out.append(f"**{label('generated', lang)}:** {generated}  ")
    out.append(f"**{label('result', lang)}:** {icon} {_counts([result], lang)}")
    out += ["", f"## {label('findings', lang)}", ""]
    if not result.enabled:
        out.append(label("disabled", lang))
    elif result.findings:
        out.append(f"| {label('severity', lang)} | {label('line', lang)} | {label('rule', lang)} "
                   f"| {label('message', lang)} | {label('fix-column', lang)} |")
        out.append("|---|---|---|---|---|")
        for f in result.findings:
            severity = label(f.severity, lang).rstrip(":").strip()
            out.append(f"| {severity} | {f.line or ''} | {f.code} `{f.rule}` "
                       f"| {_cell(finding_text(f, lang))} | {_cell(hint_text(f, lang))} |")
    else:
        out.append(label("none", lang))
    if result.passed_rules:
        out += ["", f"## {label('passed-checks', lang)}", ""]
        out += [f"- ✅ {_passed_text(name, lang)} (`{name}`)" for name in result.passed_rules]
    if result.skipped:
        out += ["", f"## {label('skipped-checks', lang)}", ""]
        out += [f"- `{name}`: {reason}" for name, reason in result.skipped]
    return "\n".join(out) + "\n"


def report_json(results: Sequence[ValidationResult] | ValidationResult) -> dict[str, Any]:
    """The versioned object ``validate --format json`` prints."""
    from smartspec import __version__

    items = _results(results)
    return {
        "schema": REPORT_SCHEMA,
        "tool": {"name": "smartspec", "version": __version__},
        "summary": {
            "files": len(items),
            "errors": sum(r.errors for r in items),
            "warnings": sum(r.warnings for r in items),
            "passed": sum(r.passed for r in items),
            "failed_files": sum(1 for r in items if r.errors),
        },
        "results": [r.to_json() for r in items],
    }
